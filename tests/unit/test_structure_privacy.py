"""The PHI of a document masked in its structure: form fields, table cells and titles,
section titles, and the FIELD / CELL corrections and audit events that quote them, by the
one definition of a document's PHI (meddoc.privacy.document_phi)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from meddoc import serialization
from meddoc.layout import layout_text
from meddoc.masked_review import mask_review
from meddoc.model import (
    AuditEvent,
    Category,
    Correction,
    CorrectionKind,
    Document,
    DocumentRecord,
    MedicalAnalysis,
    MedicalEntity,
    ObjectRef,
    Section,
    SectionKind,
    Structure,
)
from meddoc.privacy import MASK, document_phi, mask_document
from meddoc.review import reviewed_structure
from tests.structured import BIRTH_DATE, NAME, intake_page

AT = datetime(2025, 1, 2, tzinfo=UTC)
PHI_WORDS = ("Dolores", "Fictive", "1961", "03/04")


def intake(title: str = "Results") -> Document:
    pages = [intake_page(title=title)]
    document = Document("d" * 64, pages, layout_text(pages))
    document.medical = MedicalAnalysis(
        phi=[phi(document.text, NAME, "NAME"), phi(document.text, BIRTH_DATE, "DATE")]
    )
    return document


def phi(text: str, phrase: str, kind: str) -> MedicalEntity:
    begin = text.index(phrase)
    return MedicalEntity(
        phrase,
        begin,
        begin + len(phrase),
        0.9,
        category=Category.PROTECTED_HEALTH_INFORMATION,
        type=kind,
    )


def test_given_phi_in_field_values_then_the_masked_document_masks_them_and_keeps_labels() -> None:
    shown = mask_document(intake()).pages[0]

    name, birth, smoker = shown.fields
    assert (name.key.text, name.value.text) == ("Patient name:", f"{MASK * 7} {MASK * 7}")
    assert (birth.key.text, birth.value.text) == ("Date of birth:", MASK * 10)
    assert (smoker.key.text, smoker.value.text) == ("Smoker:", "yes")


def test_given_phi_in_a_table_title_or_cell_then_they_are_masked_and_other_cells_kept() -> None:
    document = intake(title=f"Results for {NAME}")
    cell = document.pages[0].tables[0].cell(2, 1)
    assert cell is not None
    cell.text = "Glucose per Fictive"  # read apart from its words: found as a PHI string

    table = mask_document(document).pages[0].tables[0]

    assert table.title == f"Results for {MASK * 7} {MASK * 7}"
    assert table.cell(2, 1).text == f"Glucose per {MASK * 7}"  # type: ignore[union-attr]
    assert table.cell(2, 2).text == "115"  # type: ignore[union-attr]
    assert table.cell(1, 1).text == "Test"  # type: ignore[union-attr]


def test_given_a_value_whose_masked_word_is_not_in_its_text_then_it_is_blocked_out_whole() -> None:
    document = intake()
    document.pages[0].fields[0].value.text = "D. F."  # the engine's own reading

    value = mask_document(document).pages[0].fields[0].value.text

    assert value == "██ ██"


def test_given_a_section_titled_with_phi_then_its_title_is_masked() -> None:
    document = intake()
    document.structure = Structure(
        sections=[Section(SectionKind.PATIENT, f"Patient {NAME}", 0, 10)]
    )

    section = mask_document(document).structure.sections[0]  # type: ignore[union-attr]

    assert section.title == f"Patient {MASK * 7} {MASK * 7}"


def review_of(document: Document, corrections: list[Correction]) -> str:
    """Everything the masked view shows, as JSON, with the reviewed fields and tables."""
    record = DocumentRecord("d" * 64, ObjectRef("b", "k.png"), "k.png", "image/png", 1, AT, AT)
    audit = [
        AuditEvent(
            f"a{n}",
            "d" * 64,
            c.kind.value,
            "reviewer",
            AT,
            before={"target": c.target, "label": "", "value": "Dolores Fictive"},
            after={"target": c.target, "label": "", "value": c.value},
        )
        for n, c in enumerate(corrections)
    ]
    shown = mask_review(record, document, [], corrections, audit)
    shown_document, shown_corrections = shown[1], shown[3]
    assert shown_document is not None
    reviewed = reviewed_structure(shown_document, shown_corrections)
    return json.dumps(serialization.to_dict([*shown, reviewed]), ensure_ascii=False)


def correction(kind: CorrectionKind, target: str, value: str) -> Correction:
    return Correction(f"c-{target}", "d" * 64, kind, "reviewer", AT, target=target, value=value)


def test_given_a_corrected_name_field_then_the_masked_view_blocks_out_the_new_value() -> None:
    # "Fictiva" is no PHI string of the document: the field it replaces is PHI.
    corrections = [correction(CorrectionKind.FIELD, "p1.f1", "Dolores Fictiva")]

    shown = review_of(intake(), corrections)

    assert "Fictiva" not in shown
    for word in PHI_WORDS:
        assert word not in shown
    assert json.loads(shown)[3][0]["value"] == f"{MASK * 7} {MASK * 7}"


def test_given_a_name_typed_into_a_cell_then_the_masked_view_masks_the_phi_string() -> None:
    corrections = [correction(CorrectionKind.CELL, "p1.t1/r2c1", "Glucose per Fictive")]

    shown = json.loads(review_of(intake(), corrections))

    assert shown[3][0]["value"] == f"Glucose per {MASK * 7}"
    assert shown[4][0]["after"]["value"] == f"Glucose per {MASK * 7}"
    assert "Fictive" not in json.dumps(shown)


def test_without_a_processed_document_every_corrected_value_is_blocked_out() -> None:
    record = DocumentRecord("d" * 64, ObjectRef("b", "k.png"), "k.png", "image/png", 1, AT, AT)
    fixed = correction(CorrectionKind.CELL, "p1.t1/r2c2", "105")

    _, _, _, corrections, _ = mask_review(record, None, [], [fixed], [])

    assert corrections[0].value == MASK * 3


def test_the_masked_structure_follows_the_phi_reviewers_added() -> None:
    document = intake()
    document.medical = MedicalAnalysis()  # the machine found no PHI
    added = MedicalEntity(
        "Fictive",
        document.text.index("Fictive"),
        document.text.index("Fictive") + 7,
        1.0,
        category=Category.PROTECTED_HEALTH_INFORMATION,
        type="NAME",
    )
    reviewer = Correction("c", "d" * 64, CorrectionKind.ADD, "r", AT, entity=added)

    shown = mask_document(document, document_phi(document, [reviewer]))

    assert shown.pages[0].fields[0].value.text == f"Dolores {MASK * 7}"
