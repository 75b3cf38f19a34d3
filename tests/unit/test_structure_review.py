"""meddoc.review for form fields and table cells: FIELD and CELL corrections applied in
order to a copy of the document, and the checks a correction must pass."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from meddoc.errors import InvalidRequest
from meddoc.layout import layout_text
from meddoc.model import Correction, CorrectionKind, Document
from meddoc.review import (
    check_structure_correction,
    corrected_targets,
    reviewed_document,
    reviewed_structure,
)
from tests.structured import intake_page

AT = datetime(2025, 1, 2, tzinfo=UTC)


def intake() -> Document:
    pages = [intake_page()]
    return Document("d" * 64, pages, layout_text(pages))


def correction(kind: CorrectionKind, target: str, value: str) -> Correction:
    return Correction(
        f"c-{target}-{value}", "d" * 64, kind, "reviewer", AT, target=target, value=value
    )


def test_given_field_and_cell_corrections_then_the_reviewed_copy_has_the_last_values() -> None:
    document = intake()
    corrections = [
        correction(CorrectionKind.CELL, "p1.t1/r2c2", "110"),
        correction(CorrectionKind.FIELD, "p1.f3", "no"),
        correction(CorrectionKind.CELL, "p1.t1/r2c2", "105"),
    ]

    reviewed = reviewed_structure(document, corrections)

    page = reviewed.pages[0]
    assert page.tables[0].cell(2, 2).text == "105"  # type: ignore[union-attr]
    assert page.fields[2].value.text == "no"
    assert page.fields[2].value.words == document.pages[0].fields[2].value.words
    assert document.pages[0].tables[0].cell(2, 2).text == "115"  # type: ignore[union-attr]
    assert document.pages[0].fields[2].value.text == "yes"


def test_given_a_correction_whose_target_is_gone_then_it_changes_nothing() -> None:
    document = intake()

    reviewed = reviewed_structure(document, [correction(CorrectionKind.FIELD, "p2.f1", "x")])

    assert reviewed.pages == document.pages


def test_the_reviewed_document_applies_entity_and_structure_corrections_alike() -> None:
    reviewed = reviewed_document(intake(), [correction(CorrectionKind.FIELD, "p1.f3", "no")])

    assert reviewed.pages[0].fields[2].value.text == "no"


def test_a_field_correction_states_the_label_and_the_value_as_reviewed_so_far() -> None:
    earlier = [correction(CorrectionKind.FIELD, "p1.f3", "no")]

    before = check_structure_correction(CorrectionKind.FIELD, "p1.f3", intake(), earlier)

    assert before == {"target": "p1.f3", "label": "Smoker:", "value": "no"}


def test_a_cell_correction_is_labelled_with_its_column_header() -> None:
    before = check_structure_correction(CorrectionKind.CELL, "p1.t1/r3c2", intake(), [])

    assert before == {"target": "p1.t1/r3c2", "label": "Value", "value": "4.1"}


@pytest.mark.parametrize(
    ("kind", "target"),
    [
        (CorrectionKind.FIELD, "p1.f9"),
        (CorrectionKind.FIELD, "p1.t1/r2c2"),
        (CorrectionKind.CELL, "p1.t1/r9c1"),
        (CorrectionKind.CELL, "p1.t2/r1c1"),
        (CorrectionKind.CELL, "p1.f1"),
        (CorrectionKind.CELL, "p1.t1/r2c2/x"),
    ],
)
def test_a_correction_of_a_field_or_cell_the_document_lacks_is_refused(
    kind: CorrectionKind, target: str
) -> None:
    with pytest.raises(InvalidRequest, match="no such"):
        check_structure_correction(kind, target, intake(), [])


def test_corrected_targets_are_the_fields_and_cells_reviewers_changed() -> None:
    corrections = [
        correction(CorrectionKind.FIELD, "p1.f3", "no"),
        correction(CorrectionKind.CELL, "p1.t1/r2c2", "105"),
        Correction("e", "d" * 64, CorrectionKind.REMOVE, "reviewer", AT, entity_id=3),
    ]

    assert corrected_targets(corrections) == {"p1.f3", "p1.t1/r2c2"}
