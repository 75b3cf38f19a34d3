"""Fields and tables in the review site: a document's form fields and table cells listed
beside its text, each shown on the page image; a cell corrected in a dialog (reachable
at 1280x720, by keyboard) with its audit entry; the list filtered by document type.
The documents are seeded here with structure (fake engines), on a server of their own."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest

from meddoc.local.runtime import LocalRuntime
from meddoc.local.settings import UPLOADS, LocalSettings
from tests.api.hosts import fake_pipeline
from tests.api.seed import add_structured
from tests.browser.conftest import Console, Server, browser_tab, screenshot, serving
from tests.browser.test_accessibility import SIDEWAYS_SCROLL, check_page
from tests.fakes import page_of
from tests.structured import intake_page

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

INTAKE = "intake form.png"
LAB = "lab report.png"
NOTE = "plain note.png"
MASK = "\u2588"
SMALL_SCREEN = {"width": 1280, "height": 720}


@pytest.fixture(scope="module")
def structured_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server over three documents read by fake engines: an intake form and a lab
    report with fields and a table, and a note without any (nor a type)."""
    data_dir = tmp_path_factory.mktemp("structured-data")
    runtime = LocalRuntime(LocalSettings(data_dir=data_dir, workers=1))
    pipeline = fake_pipeline(runtime.pipeline)
    add_structured(pipeline, UPLOADS, f"forms/{INTAKE}", intake_page(), "INTAKE_FORM")
    add_structured(pipeline, UPLOADS, f"labs/{LAB}", intake_page(), "LAB_REPORT")
    add_structured(pipeline, UPLOADS, f"notes/{NOTE}", page_of("Follow-up visit", "aspirin daily"))
    runtime.connection.close()
    with serving(data_dir) as server:
        yield server


def sign_in(page: Any, server: Server) -> None:
    page.goto(server.url)
    page.get_by_label("Access token").fill(server.token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("table.document-table tbody tr[data-id]")


def open_document(page: Any, name: str) -> None:
    page.get_by_role("link", name=name, exact=True).click()
    page.wait_for_selector(".overlay rect.word")
    page.wait_for_selector(".structure-panel .field-item")


@pytest.fixture
def site(browser: Any, structured_server: Server, console: Console) -> Iterator[Any]:
    with browser_tab(browser, console, SMALL_SCREEN) as tab:
        sign_in(tab, structured_server)
        yield tab


def test_given_a_form_with_fields_and_a_table_when_opened_then_both_are_listed(site: Any) -> None:
    page = site
    open_document(page, INTAKE)

    panel = page.locator(".structure-panel")
    fields = panel.locator(".field-item")
    assert fields.count() == 3
    assert fields.nth(0).locator(".field-label").inner_text() == "Patient name:"
    assert fields.nth(0).locator(".field-value").inner_text() == f"{MASK * 7} {MASK * 7}"
    assert fields.nth(2).locator(".check-state").inner_text().endswith("ticked")
    table = panel.locator("table.structure-table")
    assert table.locator("thead th").all_inner_texts() == ["Test", "Value", "Unit"]
    assert table.locator("tbody tr").nth(0).locator("td").all_inner_texts() == [
        "Glucose",
        "115",
        "mg/dL",
    ]
    assert page.locator(".doc-head .chip-type").inner_text() == "Intake form"
    assert "Dolores" not in panel.inner_text()
    # The sections it was read in, a run of patient fields once.
    kinds = panel.locator(".section-list .section-kind").all_inner_texts()
    assert kinds == ["Patient", "Social history", "Results"]

    # A cell chosen in the table lights up its word on the page image.
    page.get_by_role("button", name="Value, row 2: 115").click()
    selected = page.locator(".overlay rect.word.is-selected")
    assert selected.count() == 1
    assert selected.get_attribute("aria-label").startswith("115")
    # A field shows its label and value words.
    page.get_by_role("button", name="Show Smoker: on the page").click()
    assert page.locator(".overlay rect.word.is-selected").count() == 2
    screenshot(page, "fields-and-tables")
    check_page(page)  # contrast, names of controls, landmarks, with the highlight


def test_given_a_note_when_opened_then_each_entity_says_what_it_is_read_as(site: Any) -> None:
    page = site
    page.get_by_role("link", name=NOTE, exact=True).click()
    page.wait_for_selector(".entity-table tbody tr[data-e]")

    row = page.locator(".entity-table tbody tr", has_text="aspirin")

    assert row.locator(".entity-reading").inner_text() == "Read as Medication taken"


def test_given_200_percent_zoom_then_the_fields_and_tables_reflow(
    browser: Any, structured_server: Server, console: Console
) -> None:
    with browser_tab(browser, console, {"width": 720, "height": 500}) as page:
        sign_in(page, structured_server)
        open_document(page, INTAKE)
        page.locator(".structure-panel").scroll_into_view_if_needed()

        assert page.evaluate(SIDEWAYS_SCROLL) <= 0
        screenshot(page, "fields-and-tables-at-200-percent")


def test_given_a_cell_when_corrected_by_keyboard_then_the_new_value_and_its_audit_show(
    site: Any,
) -> None:
    page = site
    open_document(page, INTAKE)

    page.get_by_role("button", name="Value, row 3: 4.1").focus()
    page.keyboard.press("Enter")
    page.locator("#correct-p1\\.t1").focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Correct a table cell")
    value = dialog.get_by_label("New value of Value, row 3")
    assert value.input_value() == "4.1"
    save = dialog.get_by_role("button", name="Save correction")
    box = save.bounding_box()
    assert box["y"] + box["height"] <= SMALL_SCREEN["height"]
    assert box["x"] + box["width"] <= SMALL_SCREEN["width"]
    screenshot(page, "cell-correction-dialog")
    value.fill("4.7")
    page.keyboard.press("Enter")  # the form's only submit button: Save

    corrected = page.locator("table.structure-table td.is-corrected")
    corrected.wait_for()
    assert corrected.inner_text() == "4.7"
    entry = page.locator(".audit-item.audit-cell")
    assert entry.locator(".audit-head strong").inner_text() == "Corrected a table cell"
    assert entry.locator(".before").inner_text().endswith("Value: “4.1”")
    assert entry.locator(".after").inner_text().endswith("Value: “4.7”")


def test_given_typed_documents_when_filtering_by_type_then_the_list_narrows(site: Any) -> None:
    page = site
    names = page.locator("table.document-table a.doc-link")
    assert sorted(names.all_inner_texts()) == sorted([INTAKE, LAB, NOTE])

    page.get_by_label("Document type").select_option(label="Lab report")
    page.wait_for_function(
        "() => document.querySelectorAll('table.document-table a.doc-link').length === 1"
    )

    assert names.all_inner_texts() == [LAB]
    assert "type=LAB_REPORT" in page.url
    row = page.locator("table.document-table tbody tr", has=page.get_by_role("link", name=LAB))
    assert row.locator(".chip-type").inner_text() == "Lab report"


def test_given_a_form_when_its_fields_are_exported_then_the_csv_has_a_bom_and_no_phi(
    site: Any,
) -> None:
    page = site
    open_document(page, INTAKE)

    with page.expect_download() as download:
        page.get_by_role("button", name="Fields CSV", exact=True).click()

    body = download.value.path().read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [(r["label"], r["checkbox"]) for r in rows] == [
        ("Patient name:", ""),
        ("Date of birth:", ""),
        ("Smoker:", "SELECTED"),
    ]
    assert "Dolores" not in body.decode("utf-8-sig")
    assert download.value.suggested_filename.endswith(".fields.csv")
