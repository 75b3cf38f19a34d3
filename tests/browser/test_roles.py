"""Roles in the site: a reviewer (a token from `meddoc token add --role reviewer`) sees
no Reveal PHI, no export with PHI and no Delete, an admin (the printed token) sees them;
a refusal the page did not foresee is explained; a signed-in user with no role is told
how to get access."""

from __future__ import annotations

import base64
import json
import subprocess
import time
from typing import Any

import pytest

from tests.browser.conftest import MEDDOC, Console, Server, _environment, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

DOCUMENT = "11-visit-note-en-hand-photo.jpg"
REVIEWER = {"name": "reviewer-1", "roles": ["reviewer"], "permissions": ["review"]}


@pytest.fixture(scope="module")
def reviewer_token(server: Server) -> str:
    """A reviewer's token, added while the server runs (as an admin would)."""
    command = ["token", "add", "browser-reviewer", "--role", "reviewer"]
    added = subprocess.run(
        [*MEDDOC, *command, "--data-dir", str(server.data_dir)],
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert added.returncode == 0, added.stderr
    return added.stdout.strip()


def sign_in_as(page: Any, server: Server, token: str) -> None:
    page.goto(server.url)
    page.get_by_label("Access token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("table.document-table tbody tr[data-id]")


def open_document(page: Any) -> Any:
    page.get_by_role("link", name=DOCUMENT, exact=True).click()
    page.wait_for_selector(".overlay rect.word")
    return page.locator(".action-bar")


def test_given_a_reviewer_then_the_document_offers_no_reveal_no_phi_export_and_no_delete(
    page: Any, server: Server, reviewer_token: str
) -> None:
    sign_in_as(page, server, reviewer_token)
    assert page.locator("#user-label").inner_text() == "browser-reviewer"
    assert page.locator("#role-label").text_content() == "reviewer"
    actions = open_document(page)
    screenshot(page, "20-reviewer-document")
    assert actions.get_by_role("button", name="Reveal PHI").count() == 0
    assert actions.get_by_role("button", name="Delete").count() == 0
    assert actions.get_by_label("with PHI").count() == 0
    for allowed in ("Approve", "Flag", "JSON", "CSV", "FHIR", "Reprocess"):
        assert actions.get_by_role("button", name=allowed, exact=True).is_visible(), allowed


def test_given_an_admin_then_the_document_offers_reveal_phi_export_and_delete(
    signed_in: Any,
) -> None:
    page = signed_in
    assert page.locator("#role-label").text_content() == "admin"
    actions = open_document(page)
    assert actions.get_by_role("button", name="Reveal PHI").is_enabled()
    assert actions.get_by_role("button", name="Delete").is_visible()
    assert actions.get_by_label("with PHI").is_visible()


def test_given_a_page_that_offers_reveal_to_a_reviewer_then_the_refusal_is_explained(
    page: Any, server: Server, reviewer_token: str, console: Console
) -> None:
    # As if the reviewer's role changed while the page was open: it still offers Reveal.
    admin_view = {**REVIEWER, "permissions": ["review", "reveal_phi"]}
    page.route("**/api/me", lambda route: route.fulfill(json=admin_view))
    console.allow_status(403)
    sign_in_as(page, server, reviewer_token)
    open_document(page).get_by_role("button", name="Reveal PHI").click()
    toast = page.locator(".toast-error")
    toast.wait_for()
    assert toast.inner_text().startswith("Not allowed: reveal PHI needs the admin role.")
    history = page.locator(".audit-list")
    history.filter(has_text="Refused (needs the admin role)").wait_for()
    screenshot(page, "21-reviewer-refused")
    assert page.locator("#page-title").inner_text() == DOCUMENT  # still the masked view
    assert page.locator(".phi-banner").count() == 0


def test_given_a_signed_in_user_in_no_group_then_the_site_says_how_to_get_access(
    page: Any, server: Server
) -> None:
    site = server.url.rstrip("/")
    claims = {"email": "new.hire@example.test", "exp": int(time.time()) + 3600}
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    cognito = {"domain": "auth.meddoc.test", "clientId": "c", "redirectUri": f"{site}/"}
    config = {"mode": "aws", "apiBase": "", "auth": "cognito", "cognito": cognito}
    nobody = {"name": "new.hire@example.test", "roles": [], "permissions": []}
    page.route(f"{site}/config.json", lambda route: route.fulfill(json=config))
    page.route(f"{site}/api/me", lambda route: route.fulfill(json=nobody))
    page.add_init_script(f"sessionStorage.setItem('meddoc.token', 'e30.{payload}.c2ln')")
    page.goto(server.url)
    page.get_by_role("heading", name="No access yet").wait_for()
    message = page.get_by_role("alert").filter(has_text="no meddoc role").inner_text()
    assert "new.hire@example.test" in message
    assert page.locator("table.document-table").count() == 0
