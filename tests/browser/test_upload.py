"""Uploads from the list: a file dropped on the drop zone and one chosen with the file
picker each show progress, appear in the list and reach DONE without a page reload."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.browser.conftest import SAMPLES, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PROCESSING_TIMEOUT_MS = 120_000

# A drop as the browser delivers it: a DataTransfer holding a File.
DROP_FILE = """
([name, type, data]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, { type }));
  const zone = document.getElementById("dropzone");
  for (const kind of ["dragenter", "dragover", "drop"]) {
    const init = { dataTransfer: transfer, bubbles: true, cancelable: true };
    zone.dispatchEvent(new DragEvent(kind, init));
  }
}
"""


def reencoded(sample: str, fmt: str) -> bytes:
    """A sample saved again in another format: a valid image with new bytes, so the
    upload is a new document rather than a duplicate of the processed sample."""
    with Image.open(SAMPLES / sample) as image:
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, fmt, quality=92)
    return buffer.getvalue()


def status_chip(page: Any, name: str) -> Any:
    row = page.locator("table.document-table tbody tr", has=page.get_by_role("link", name=name))
    return row.locator("td .chip").first  # the status cell's (the name cell has the type)


def test_given_files_dropped_and_picked_when_uploaded_then_they_reach_done_without_reload(
    signed_in: Any, tmp_path: Path
) -> None:
    page = signed_in
    page.evaluate("window.__sameDocument = true")

    dropped = reencoded("04-prescription-es-printed-scan.png", "JPEG")
    encoded = base64.b64encode(dropped).decode()
    page.evaluate(DROP_FILE, ["upload-dropped.jpg", "image/jpeg", encoded])
    picked = tmp_path / "upload-picked.png"
    picked.write_bytes(reencoded("01-intake-en-printed-scan.png", "PNG"))
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Choose files").click()
    chooser.value.set_files(str(picked))

    for name in ("upload-dropped.jpg", "upload-picked.png"):
        item = page.locator(".upload-item", has_text=name)
        item.wait_for()
        assert item.locator("progress").get_attribute("aria-label") == f"Upload of {name}"
        page.get_by_role("link", name=name).wait_for()
    screenshot(page, "05-uploads-in-progress")

    for name in ("upload-dropped.jpg", "upload-picked.png"):
        chip = status_chip(page, name)
        chip.filter(has_text="DONE").wait_for(timeout=PROCESSING_TIMEOUT_MS)
        item = page.locator(".upload-item", has_text=name)
        assert item.locator("progress").evaluate("p => p.value") == 1
        item.get_by_role("link", name="Done — open").wait_for()
    assert page.evaluate("window.__sameDocument") is True
    screenshot(page, "06-uploads-done")
