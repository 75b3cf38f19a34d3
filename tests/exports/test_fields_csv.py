"""The fields CSV: one row per form field of the reviewed document, a UTF-8 byte order
mark for spreadsheets, PHI masked unless asked for, and no cell a spreadsheet would run
as a formula."""

from __future__ import annotations

import csv
import io

from meddoc.exports.fields_csv import COLUMNS, export_fields_csv
from meddoc.exports.reviewed import ExportItem
from meddoc.layout import layout_text
from meddoc.model import (
    Category,
    Correction,
    CorrectionKind,
    Document,
    MedicalAnalysis,
    MedicalEntity,
    Status,
    Summary,
)
from tests.exports.documents import AT, DOCUMENT_ID, record
from tests.structured import NAME, intake_page

MASK = "\u2588"


def intake() -> Document:
    pages = [intake_page()]
    document = Document(DOCUMENT_ID, pages, layout_text(pages))
    begin = document.text.index(NAME)
    name = MedicalEntity(
        NAME,
        begin,
        begin + len(NAME),
        0.9,
        category=Category.PROTECTED_HEALTH_INFORMATION,
        type="NAME",
    )
    document.medical = MedicalAnalysis(phi=[name])
    return document


def field_fix(target: str, value: str) -> Correction:
    return Correction(
        f"c-{target}", DOCUMENT_ID, CorrectionKind.FIELD, "r", AT, target=target, value=value
    )


def rows(body: str) -> list[dict[str, str]]:
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))


def item(corrections: list[Correction] | None = None) -> ExportItem:
    shown = record()
    shown.summary = Summary(document_type="INTAKE_FORM")
    return ExportItem(shown, intake(), corrections or [])


def test_given_a_form_then_each_field_is_a_row_with_its_page_label_value_and_checkbox() -> None:
    exported = rows(export_fields_csv([item([field_fix("p1.f3", "sí, 10/día")])]))

    assert list(exported[0]) == list(COLUMNS)
    assert [
        (r["page"], r["field_id"], r["label"], r["value"], r["checkbox"], r["corrected"])
        for r in exported
    ] == [
        ("1", "p1.f1", "Patient name:", f"{MASK * 7} {MASK * 7}", "", "no"),
        ("1", "p1.f2", "Date of birth:", "03/04/1961", "", "no"),
        ("1", "p1.f3", "Smoker:", "sí, 10/día", "SELECTED", "yes"),
    ]
    assert {r["document_type"] for r in exported} == {"INTAKE_FORM"}


def test_with_phi_asked_for_the_values_are_as_read() -> None:
    exported = rows(export_fields_csv([item()], include_phi=True))

    assert exported[0]["value"] == NAME


def test_a_value_that_looks_like_a_formula_is_defused() -> None:
    exported = rows(export_fields_csv([item([field_fix("p1.f3", "=HYPERLINK(1)")])]))

    assert exported[2]["value"] == "'=HYPERLINK(1)"


def test_documents_without_fields_or_not_processed_add_no_rows() -> None:
    failed = ExportItem(record(status=Status.FAILED), None)
    plain = ExportItem(record(), Document(DOCUMENT_ID, [], ""))

    assert rows(export_fields_csv([failed, plain])) == []
