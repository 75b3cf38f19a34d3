"""Browser end-to-end fixtures: the committed samples processed once per session with the
real offline engines, `meddoc serve` on a random port over them, and Debian's Chromium
driven by Playwright. Every page fails its test on a console error or CSP violation."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "documents"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = Path(os.environ.get("MEDDOC_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
MEDDOC = [sys.executable, "-m", "meddoc.cli"]
SERVER_START_S = 60
VIEWPORT = {"width": 1440, "height": 1000}
# Chromium's own line for a fetch the API answered with an error status.
FAILED_LOAD = re.compile(r"Failed to load resource: the server responded with a status of (\d+)")


@dataclass(frozen=True)
class Server:
    url: str
    token: str
    data_dir: Path


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture(scope="session")
def processed_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The samples processed by the real offline engines, once per test session."""
    data_dir = tmp_path_factory.mktemp("browser-data")
    done = subprocess.run(
        [*MEDDOC, "process", str(SAMPLES), "--data-dir", str(data_dir), "--workers", "2"],
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return data_dir


@contextmanager
def serving(data_dir: Path) -> Iterator[Server]:
    """`meddoc serve` on a free port over `data_dir`: its printed URL and access token."""
    process = subprocess.Popen(
        [*MEDDOC, "serve", "--data-dir", str(data_dir), "--port", "0", "--workers", "1"],
        env=_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = token = ""
    deadline = time.monotonic() + SERVER_START_S
    assert process.stderr is not None
    while not (url and token) and time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        if "review site:" in line:
            url = line.split("review site:", 1)[1].strip()
        elif "access token" in line:
            token = line.rsplit(":", 1)[1].strip()
    if not (url and token):
        process.kill()
        raise AssertionError(f"meddoc serve did not start: {process.stderr.read()[-2000:]}")
    try:
        yield Server(url, token, data_dir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def server(processed_data: Path) -> Iterator[Server]:
    """`meddoc serve` over the processed samples."""
    with serving(processed_data) as running:
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright import sync_api  # the dev extra; never `playwright install`

    # .ci/run installs Debian's chromium; a missing browser is a failure, not a skip.
    assert CHROMIUM.exists(), f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Console:
    """Console errors, uncaught exceptions and CSP violations seen by one page. A test
    that provokes an API error on purpose allows its status code."""

    problems: list[str] = field(default_factory=list)
    allowed_statuses: set[int] = field(default_factory=set)

    def allow_status(self, status: int) -> None:
        self.allowed_statuses.add(status)

    def saw(self, message: str) -> None:
        failed = FAILED_LOAD.search(message)
        if failed and int(failed.group(1)) in self.allowed_statuses:
            return
        self.problems.append(message)


# CSP violations reach the console too, but an event names the directive precisely.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture
def console() -> Console:
    return Console()


@contextmanager
def browser_tab(
    browser: Any, console: Console, viewport: dict[str, int] = VIEWPORT
) -> Iterator[Any]:
    """A fresh browser context and tab that report console errors to `console`."""
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    context.set_default_timeout(15_000)
    context.add_init_script(CSP_LISTENER)
    tab = context.new_page()
    tab.on("console", lambda message: message.type == "error" and console.saw(message.text))
    tab.on("pageerror", lambda error: console.saw(f"uncaught: {error}"))
    yield tab
    context.close()
    assert console.problems == [], "console errors or CSP violations on the page"


@pytest.fixture
def page(browser: Any, server: Server, console: Console) -> Iterator[Any]:
    with browser_tab(browser, console) as tab:
        yield tab


def sign_in(page: Any, server: Server) -> None:
    page.goto(server.url)
    page.get_by_label("Access token").fill(server.token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("table.document-table tbody tr[data-id]")


@pytest.fixture
def signed_in(page: Any, server: Server) -> Any:
    sign_in(page, server)
    return page


def screenshot(page: Any, name: str, full_page: bool = False) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def open_document(page: Any, name: str) -> None:
    """From the list, open the document with this file name and wait for its page."""
    page.get_by_role("link", name=name, exact=True).click()
    page.wait_for_selector(".overlay rect.word")
    page.wait_for_selector(".doc-text .ent")
