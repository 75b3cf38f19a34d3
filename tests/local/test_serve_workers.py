"""`meddoc serve` and its workers: a killed worker is replaced and health says so, the
server takes over as worker host when a batch that held the data directory ends, and a
SIGTERM at any moment of start-up leaves no process behind."""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from meddoc.local.host import WorkerHost
from meddoc.local.runtime import LocalRuntime
from meddoc.local.serving import serve
from meddoc.local.settings import LocalSettings
from meddoc.local.stopping import StopRequest
from meddoc.model import Status
from tests.local.faults import eventually, faulty_engines, page, supervised

pytestmark = pytest.mark.slow  # worker processes

ROOT = Path(__file__).resolve().parents[2]


class Client:
    def __init__(self, port: int) -> None:
        self.port = port

    def call(self, method: str, path: str, body: bytes | None = None) -> Any:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            headers = {"Content-Type": "application/json"} if body is not None else {}
            connection.request(method, path, body=body, headers=headers)
            reply = connection.getresponse()
            data = reply.read()
            assert reply.status == 200, data
            return json.loads(data)
        finally:
            connection.close()

    def health(self) -> dict[str, Any]:
        answer: dict[str, Any] = self.call("GET", "/api/health")
        return answer

    def upload(self, name: str, data: bytes) -> str:
        intent = self.call(
            "POST", "/api/uploads", json.dumps({"name": name, "size": len(data)}).encode()
        )
        accepted = self.call("PUT", intent["url"], data)
        document_id: str = accepted["document_id"]
        return document_id


@contextmanager
def serving(settings: LocalSettings) -> Iterator[Client]:
    """`meddoc serve` (no token) in a thread, with the faulty fake engines."""
    out = io.StringIO()
    stop = StopRequest()
    thread = threading.Thread(
        target=serve, args=(settings, False, out, faulty_engines, stop), daemon=True
    )
    thread.start()
    try:
        found = eventually(lambda: re.search(r"http://127\.0\.0\.1:(\d+)/", out.getvalue()))
        assert found, out.getvalue()
        yield Client(int(found.group(1)))
    finally:
        stop.set()
        thread.join(60)
    assert not thread.is_alive()


def workers() -> list[int]:
    """This process's worker processes (children started by multiprocessing's spawn)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = re.search(r"^PPid:\s+(\d+)", status, re.MULTILINE)
        zombie = re.search(r"^State:\s+Z", status, re.MULTILINE)
        mine = parent and int(parent.group(1)) == os.getpid() and not zombie
        if mine and b"spawn_main" in command:
            found.append(int(entry.name))
    return sorted(found)


def status_of(settings: LocalSettings, document_id: str) -> Status | None:
    record = LocalRuntime(settings).store.get(document_id)
    return record.status if record else None


def test_serve_replaces_a_killed_worker_and_health_reports_the_crash(tmp_path: Path) -> None:
    settings = supervised(tmp_path / "data")
    with serving(settings) as client:
        assert eventually(lambda: client.health()["workers"]["alive"] == 2)
        health = client.health()
        assert health["status"] == "ok"
        assert health["workers"] == {
            "alive": 2,
            "expected": 2,
            "host": str(os.getpid()),
            "last_crash": None,
        }
        before = eventually(lambda: len(workers()) == 2 and workers())
        assert before

        os.kill(before[0], signal.SIGKILL)  # as the out-of-memory killer would

        def replaced() -> bool:
            now = client.health()["workers"]
            return bool(now["last_crash"]) and now["alive"] == 2

        assert eventually(replaced)
        health = client.health()
        assert health["status"] == "ok"
        assert (
            "a worker ran out of memory (stopped by the system)" in health["workers"]["last_crash"]
        )
        after = workers()
        assert len(after) == 2
        assert before[0] not in after

        document_id = client.upload("after the crash.png", page(7))
        assert eventually(lambda: status_of(settings, document_id) == Status.DONE)


def test_serve_takes_over_the_workers_when_the_batch_holding_them_ends(tmp_path: Path) -> None:
    settings = supervised(tmp_path / "data")
    batch = WorkerHost(settings)  # a `meddoc process` running the workers meanwhile
    assert batch.acquire()
    try:
        with serving(settings) as client:
            assert client.health()["workers"]["expected"] == 0
            document_id = client.upload("while the batch runs.png", page(8))
            assert status_of(settings, document_id) == Status.RECEIVED

            batch.release()  # the batch ended

            assert eventually(lambda: status_of(settings, document_id) == Status.DONE)
            assert client.health()["workers"]["alive"] == 2
            later = client.upload("after the batch.png", page(9))
            assert eventually(lambda: status_of(settings, later) == Status.DONE)
    finally:
        batch.release()


def session_members(leader: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == leader:
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == leader and fields[0] != "Z":  # fields[3]: the session id
            members.append(int(entry.name))
    return members


@pytest.mark.parametrize("delay", [0.2, 0.8, 1.6, 3.0])
def test_sigterm_at_any_moment_of_serve_start_up_leaves_no_process_behind(
    tmp_path: Path, delay: float
) -> None:
    command = [sys.executable, "-m", "meddoc.cli", "serve", "--data-dir", str(tmp_path / "data")]
    server = subprocess.Popen(
        [*command, "--port", "0", "--no-auth", "--workers", "2"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own session: whatever it starts stays in it
    )
    threading.Event().wait(delay)
    os.kill(server.pid, signal.SIGTERM)
    assert server.wait(timeout=60) in (0, -signal.SIGTERM)
    left = eventually(lambda: not session_members(server.pid), timeout=15)
    if not left:
        for pid in session_members(server.pid):
            os.kill(pid, signal.SIGKILL)
    assert left, "processes were left behind"
