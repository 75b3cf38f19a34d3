"""What the search index keeps of a document (meddoc.pipeline.store.search_index): its
entity terms, codes and text with every PHI word left out, corrections included."""

from __future__ import annotations

from datetime import UTC, datetime

from meddoc.model import Category, Correction, CorrectionKind, MedicalEntity
from meddoc.pipeline.store import search_index, summarize
from tests.exports.documents import PHI_TEXTS, visit_note
from tests.structure.samples import intake_en, lab_en

AT = datetime(2025, 1, 2, tzinfo=UTC)


def test_given_a_visit_note_then_its_terms_and_text_hold_no_phi_word() -> None:
    terms, text = search_index(visit_note())

    words = {w for t in terms for w in t.value.split()} | set(text.lower().split())
    assert {"diabetes", "metformin"} <= words
    assert ("ICD-10-CM", "E11.9") in {(t.kind, t.value) for t in terms}
    for phi in PHI_TEXTS:
        for word in phi.replace(",", " ").split():
            assert word.lower() not in words, word


def test_given_an_entity_quoting_a_name_then_its_term_leaves_the_name_out() -> None:
    document = visit_note()
    assert document.medical is not None
    begin = document.text.index("Dr. Alan Reyes")
    document.medical.entities.append(
        MedicalEntity(
            "Dr. Alan Reyes",
            begin,
            begin + 14,
            0.8,
            id=99,
            category=Category.TEST_TREATMENT_PROCEDURE,
            type="TREATMENT_NAME",
        )
    )

    terms, _ = search_index(document)

    assert "dr." in {t.value for t in terms}
    assert not any("reyes" in t.value or "alan" in t.value for t in terms)


def test_given_phi_a_reviewer_added_then_the_index_drops_it_too() -> None:
    document = visit_note()
    begin = document.text.index("Denies")
    added = MedicalEntity(
        "Denies",
        begin,
        begin + 6,
        1.0,
        category=Category.PROTECTED_HEALTH_INFORMATION,
        type="NAME",
    )
    correction = Correction("c1", document.id, CorrectionKind.ADD, "reviewer", AT, entity=added)

    _, before = search_index(document)
    _, after = search_index(document, [correction])

    assert "Denies" in before
    assert "Denies" not in after


def test_given_the_same_phi_reported_twice_then_the_summary_counts_it_once() -> None:
    document = visit_note()
    assert document.medical is not None
    document.medical.entities += document.medical.phi  # DetectEntitiesV2 and DetectPHI

    assert summarize(document).phi == len(PHI_TEXTS)


def test_given_an_allergen_and_analytes_tagged_as_drugs_then_the_counts_read_them_right() -> None:
    # 01: Sulfamethoxazole (an allergy) and "Tobacco use" (the patient's habit, tagged as
    # the family's) are no medication and no condition of the patient's.
    intake = summarize(intake_en().document(structured=True))
    # 07: Potassium and LDL cholesterol, tagged MEDICATION in the lab table, are tests.
    lab = summarize(lab_en(tables=True).document(structured=True))

    # Lisinopril and Levothyroxine; hypertension and hypothyroidism (the sister's breast
    # cancer is hers).
    assert (intake.medications, intake.conditions) == (2, 2)
    assert lab.medications == 0
    assert lab.tests >= 2
