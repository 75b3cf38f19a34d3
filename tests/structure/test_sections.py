"""Sections and document types: from the text alone and from the structure a page carries
(layout blocks, form fields, tables), English and Spanish."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from meddoc.layout import layout_text
from meddoc.model import (
    Document,
    DocumentType,
    Field,
    FieldPart,
    LayoutBlock,
    LayoutKind,
    Page,
    SectionKind,
    Structure,
    TypeGuess,
    WordRef,
)
from meddoc.structure import document_structure, structure_of
from tests.structure.paperwork import line_of
from tests.structure.samples import intake_en, lab_en

TRUTH = Path(__file__).resolve().parents[2] / "samples" / "truth"
KINDS = {
    "intake": DocumentType.INTAKE_FORM,
    "prescription": DocumentType.PRESCRIPTION,
    "lab_report": DocumentType.LAB_REPORT,
    "visit_note": DocumentType.VISIT_NOTE,
}


def text_document(*lines: str) -> Document:
    return Document("x" * 64, [], "\n".join(lines))


def page_document(page: Page) -> Document:
    text = layout_text([page])
    return Document("x" * 64, [page], text)


@pytest.mark.parametrize("truth", sorted(TRUTH.glob("*.truth.json")), ids=lambda p: p.name[:2])
def test_given_each_sample_as_text_then_its_document_type(truth: Path) -> None:
    sample = json.loads(truth.read_text(encoding="utf-8"))

    guess = document_structure(text_document(sample["text"])).document_type

    assert guess.type is KINDS[sample["kind"]]
    assert guess.confidence >= 0.9  # its title names it and its sections agree


@pytest.mark.parametrize("truth", sorted(TRUTH.glob("*.truth.json")), ids=lambda p: p.name[:2])
def test_given_each_sample_as_text_then_its_sections_are_the_generators(truth: Path) -> None:
    """The generator's truth sections (samplegen), at the start of each value and at its
    end; an emergency contact is someone else's, so never the patient's section."""
    sample = json.loads(truth.read_text(encoding="utf-8"))
    text = sample["text"]
    structure = document_structure(text_document(text))

    for section in sample["sections"]:
        value = min(section["begin"] + len(section["title"]) + 1, section["end"] - 1)
        for offset in (value, section["end"] - 1):
            line = text[text.rfind("\n", 0, offset) + 1 : text.find("\n", offset)]
            expected = "OTHER" if "emergenc" in line.lower() else section["kind"]
            assert structure.kind_at(offset).value == expected, (section["title"], line)


def test_given_an_intake_form_as_text_then_each_field_has_its_sections_kind() -> None:
    document = intake_en().document(structured=False)
    structure = document_structure(document)

    def kind(phrase: str) -> SectionKind:
        return structure.kind_at(document.text.index(phrase))

    assert kind("Lakeside") is SectionKind.ISSUER
    assert kind("(702) 555-0113") is SectionKind.ISSUER
    assert kind("Dolores Fictive") is SectionKind.PATIENT
    assert kind("Gideon Fictive") is SectionKind.OTHER  # the emergency contact's
    assert kind("Sulfamethoxazole") is SectionKind.ALLERGIES
    assert kind("once daily before breakfast") is SectionKind.MEDICATIONS  # wrapped value
    assert kind("hypothyroidism") is SectionKind.PAST_HISTORY
    assert kind("sister") is SectionKind.FAMILY_HISTORY
    assert kind("never") is SectionKind.SOCIAL_HISTORY
    assert kind("Health history") is SectionKind.OTHER  # a heading over the fields


def test_given_spanish_labels_then_the_same_kinds() -> None:
    text = (
        "Alergias: Penicilina\nAntecedentes familiares: madre - diabetes\nConsumo de tabaco: nunca"
    )
    structure = document_structure(text_document(text))

    kinds = [structure.kind_at(text.index(word)) for word in ("Penicilina", "madre", "nunca")]

    assert kinds == [SectionKind.ALLERGIES, SectionKind.FAMILY_HISTORY, SectionKind.SOCIAL_HISTORY]


def test_given_two_fields_on_a_line_then_each_is_its_own_section() -> None:
    text = "Patient: Maria Lopez  DOB: 03/14/1961"
    structure = document_structure(text_document(text))

    assert [(s.kind, s.title) for s in structure.sections] == [
        (SectionKind.PATIENT, "Patient"),
        (SectionKind.PATIENT, "DOB"),
    ]
    assert text[structure.sections[0].begin : structure.sections[0].end] == "Patient: Maria Lopez"


def test_given_a_label_above_its_value_then_the_form_field_gives_the_section() -> None:
    page = Page(1, [line_of("Sex", 0.1), line_of("M", 0.13)])
    page.fields.append(
        Field("p1.f1", FieldPart("Sex", [WordRef(0, 0)]), FieldPart("M", [WordRef(1, 0)]), 0.9)
    )
    document = page_document(page)

    structure = document_structure(document)

    assert structure.kind_at(document.text.index("M")) is SectionKind.PATIENT
    assert document_structure(text_document("Sex", "M")).kind_at(4) is SectionKind.OTHER


def test_given_a_page_header_block_then_it_is_the_letterhead_without_a_title() -> None:
    page = Page(1, [line_of("Ann Ridge", 0.02), line_of("Seen today, feels well.", 0.2)])
    page.layout.append(LayoutBlock(LayoutKind.PAGE_HEADER, page.lines[0].geometry, 0.9, [0]))
    document = page_document(page)

    structure = document_structure(document)

    assert structure.kind_at(0) is SectionKind.ISSUER
    assert structure.kind_at(document.text.index("Seen")) is SectionKind.OTHER
    # Without the layout, a name alone (no address, phone or organisation word) is no letterhead.
    assert document_structure(text_document(document.text)).kind_at(0) is SectionKind.OTHER


def test_given_a_lab_table_then_its_cells_are_results_wherever_the_lines_fall() -> None:
    document = lab_en(tables=True).document(structured=True)
    structure = document_structure(document)

    assert structure.kind_at(document.text.index("mmol/L")) is SectionKind.RESULTS
    assert structure.document_type.type is DocumentType.LAB_REPORT


def test_given_nothing_to_go_by_then_other() -> None:
    guess = document_structure(text_document("Thank you for coming in.")).document_type

    assert guess.type is DocumentType.OTHER


def test_given_a_stored_structure_then_it_is_kept_and_without_one_it_is_worked_out() -> None:
    stored = Structure(TypeGuess(DocumentType.CONSENT, 0.8), [])
    document = text_document("LABORATORY REPORT", "Glucose 115 mg/dL 70-99 H")

    assert structure_of(document).document_type.type is DocumentType.LAB_REPORT
    document.structure = stored
    assert structure_of(document) is stored


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("DISCHARGE SUMMARY", DocumentType.DISCHARGE_SUMMARY),
        ("Resumen de alta", DocumentType.DISCHARGE_SUMMARY),
        ("Health Plan Member Card", DocumentType.INSURANCE_CARD),
        ("AUTHORIZATION FOR RELEASE OF INFORMATION", DocumentType.CONSENT),
        ("Consentimiento informado", DocumentType.CONSENT),
        ("Progress note", DocumentType.VISIT_NOTE),
        ("Receta médica", DocumentType.PRESCRIPTION),
    ],
)
def test_given_a_title_then_the_type_it_names(title: str, expected: DocumentType) -> None:
    guess = document_structure(text_document("Lakeside Clinic", title, "Date: 01/02/2025"))

    assert guess.document_type.type is expected
