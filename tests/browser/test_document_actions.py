"""Actions that change or remove a whole document: a file the pipeline refuses shows as
FAILED with its reason and can be deleted (after a confirmation), and reprocessing a
document takes it back through processing to DONE while the reviewer watches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PROCESSING_TIMEOUT_MS = 120_000


def test_given_a_refused_upload_when_deleted_after_confirming_then_it_leaves_the_list(
    signed_in: Any, tmp_path: Path
) -> None:
    page = signed_in
    not_an_image = tmp_path / "not-an-image.png"
    not_an_image.write_text("these are words, not pixels", encoding="utf-8")
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Choose files").click()
    chooser.value.set_files(str(not_an_image))

    row = page.locator("table.document-table tbody tr", has_text="not-an-image.png")
    row.locator(".chip-failed").wait_for()
    assert "Failed in validate" in row.locator(".failure").inner_text()

    page.get_by_role("link", name="not-an-image.png").click()
    page.get_by_role("heading", name="Processing failed").wait_for()
    assert page.get_by_role("button", name="Reveal PHI").is_disabled()
    assert page.get_by_role("button", name="Approve").is_disabled()

    page.get_by_role("button", name="Delete").click()
    page.locator("#confirm-dialog[open]").wait_for()
    screenshot(page, "12-delete-confirmation")
    page.get_by_role("button", name="Cancel").click()
    assert page.locator("#page-title").inner_text() == "not-an-image.png"

    page.get_by_role("button", name="Delete").click()
    page.get_by_role("button", name="Delete document").click()
    page.wait_for_selector("table.document-table tbody tr[data-id]")
    page.get_by_text("Deleted not-an-image.png").wait_for()
    assert page.get_by_role("link", name="not-an-image.png").count() == 0


def test_given_a_done_document_when_reprocessed_then_it_returns_to_done_without_reload(
    signed_in: Any,
) -> None:
    page = signed_in
    page.get_by_role("link", name="03-prescription-en-hand-photo.jpg").click()
    page.wait_for_selector(".overlay rect.word")
    page.evaluate("window.__sameDocument = true")

    page.get_by_role("button", name="Reprocess").click()
    page.get_by_role("button", name="Reprocess", exact=True).last.click()
    page.get_by_text("Queued for processing again;").wait_for()
    attempts = page.locator(".facts dt", has_text="Attempts").locator("xpath=following::dd[1]")
    # The page follows the document through processing by itself.
    page.wait_for_function(
        "() => document.querySelector('.queue-banner') === null"
        " && document.querySelector('.doc-head .chip-done') !== null",
        timeout=PROCESSING_TIMEOUT_MS,
    )
    assert attempts.inner_text() == "2"
    page.wait_for_selector(".overlay rect.word")
    assert page.locator(".audit-list", has_text="Reprocessed").count() == 1
    assert page.evaluate("window.__sameDocument") is True
