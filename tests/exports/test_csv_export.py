"""export_csv: one row per reviewed entity, a row for every document without one, PHI
only on request, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

import pytest

from meddoc.exports.csv_export import COLUMNS, defuse, export_csv
from meddoc.exports.json_export import ExportItem
from meddoc.model import Category, CorrectionKind, MedicalEntity, Status
from tests.exports.documents import (
    PHI_TEXTS,
    correction,
    record,
    reviewers_corrections,
    visit_note,
)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def reviewed_rows(include_phi: bool = False) -> list[dict[str, str]]:
    document = visit_note()
    item = ExportItem(record(), document, reviewers_corrections(document))
    return rows(export_csv([item], include_phi=include_phi))


def by_text(table: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {row["text"]: row for row in table}


def test_given_a_reviewed_document_then_the_header_and_one_row_per_entity() -> None:
    document = visit_note()
    text = export_csv([ExportItem(record(), document, reviewers_corrections(document))])

    header = next(csv.reader(io.StringIO(text)))
    table = rows(text)
    assert tuple(header) == COLUMNS
    # 9 machine entities, one removed, one added
    assert len(table) == 9
    assert "chest" not in by_text(table)
    assert {row["document_id"] for row in table} == {"a" * 64}
    assert {row["file_name"] for row in table} == {"visit-note.png"}
    assert {row["status"] for row in table} == {"DONE"}
    assert {row["review_status"] for row in table} == {"UNREVIEWED"}


def test_given_corrections_then_each_row_says_machine_corrected_or_added() -> None:
    table = by_text(reviewed_rows())

    assert table["Diabetes mellitus type 2"]["origin"] == "corrected"
    assert table["Diabetes mellitus type 2"]["icd10cm_code"] == "E11.65"
    assert table["hypertension"]["origin"] == "added"
    assert table["hypertension"]["entity_id"] == "100000"
    assert table["aspirin"]["origin"] == "machine"


def test_given_entities_then_traits_attributes_and_best_codes_fill_their_columns() -> None:
    table = by_text(reviewed_rows())

    chest_pain = table["chest pain"]
    assert chest_pain["negated"] == "yes"
    assert chest_pain["traits"] == "NEGATION;SYMPTOM"
    assert chest_pain["icd10cm_code"] == "R07.9"  # the best of two concepts
    assert chest_pain["icd10cm_description"] == "Chest pain, unspecified"
    assert chest_pain["category"] == "MEDICAL_CONDITION"
    assert chest_pain["type"] == "DX_NAME"
    assert chest_pain["score"] == "0.9500"
    metformin = table["Metformin"]
    assert metformin["negated"] == "no"
    assert (
        metformin["attributes"] == "STRENGTH=500 mg;ROUTE_OR_MODE=by mouth;FREQUENCY=twice daily"
    )
    assert (metformin["rxnorm_code"], metformin["icd10cm_code"]) == ("860975", "")
    assert int(metformin["end"]) - int(metformin["begin"]) == len("Metformin")
    assert metformin["text_source"] == "original"
    assert table["pneumonia"]["snomedct_code"] == ""


def test_given_phi_when_not_asked_for_then_no_phi_row_nor_text() -> None:
    document = visit_note()
    text = export_csv([ExportItem(record(), document, [])])

    assert all(phi not in text for phi in PHI_TEXTS)
    assert Category.PROTECTED_HEALTH_INFORMATION.value not in text


def test_given_phi_when_asked_for_then_one_row_per_phi_entity() -> None:
    table = reviewed_rows(include_phi=True)

    phi_rows = [r for r in table if r["category"] == "PROTECTED_HEALTH_INFORMATION"]
    assert sorted(r["text"] for r in phi_rows) == sorted(PHI_TEXTS)
    assert {r["origin"] for r in phi_rows} == {"machine"}
    assert len(table) == 9 + len(PHI_TEXTS)


@pytest.mark.parametrize("status", [Status.FAILED, Status.PROCESSING, Status.RECEIVED])
def test_given_a_record_without_a_document_then_it_still_gets_one_row(status: Status) -> None:
    text = export_csv([ExportItem(record("b" * 64, status), None, [])])

    (row,) = rows(text)
    assert row["document_id"] == "b" * 64
    assert row["status"] == status.value
    expected = "The image could not be read." if status == Status.FAILED else ""
    assert row["failure_reason"] == expected
    assert row["entity_id"] == row["text"] == row["origin"] == ""


def test_given_a_document_without_entities_then_it_gets_one_row() -> None:
    document = visit_note()
    assert document.medical is not None
    document.medical.entities = []

    (row,) = rows(export_csv([ExportItem(record(), document, [])]))

    assert (row["status"], row["entity_id"], row["failure_reason"]) == ("DONE", "", "")


@pytest.mark.parametrize("text", ["=SUM(A1:A2)", "+1+2", "-2+3", "@cmd", "\tx", "\rx"])
def test_given_formula_text_then_the_cell_starts_with_an_apostrophe(text: str) -> None:
    added = MedicalEntity(text, 0, 0, 1.0, category=Category.MEDICAL_CONDITION, type="DX_NAME")
    item = ExportItem(record(), visit_note(), [correction(CorrectionKind.ADD, entity=added)])

    table = rows(export_csv([item]))

    (row,) = [r for r in table if r["origin"] == "added"]
    assert row["text"] == "'" + text


@pytest.mark.parametrize("text", ["aspirin", "500 mg", "'quoted", " =spaced", ""])
def test_given_plain_text_then_defuse_keeps_it(text: str) -> None:
    assert defuse(text) == text


def test_given_a_file_name_starting_with_equals_then_it_is_defused() -> None:
    text = export_csv([ExportItem(record("b" * 64, Status.FAILED, name="=cmd.png"), None, [])])

    (row,) = rows(text)
    assert row["file_name"] == "'=cmd.png"


def test_given_text_with_newlines_and_quotes_then_the_csv_reads_back_the_same() -> None:
    text = 'line one\nline "two", three'
    added = MedicalEntity(text, 0, 0, 1.0, category=Category.MEDICAL_CONDITION)
    item = ExportItem(record(), visit_note(), [correction(CorrectionKind.ADD, entity=added)])

    table = rows(export_csv([item]))

    assert text in {r["text"] for r in table}
