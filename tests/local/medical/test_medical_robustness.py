"""Regression pins of the fixes made with the second development set and the end-to-end
yardstick: text wrapped by a page, headers inside a flattened line, eponyms, lab results
at a sentence end, and ICD-10-CM codes picked by site, side and the plain form of a code."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from meddoc.local.medical.engine import LocalMedicalAnalyzer
from meddoc.local.medical.text import unwrap
from meddoc.model import MedicalEntity

Finder = Callable[..., MedicalEntity]

# The input of the genuine InferICD10CM example icd10_40yo_mother_2020 (the text of the
# medical_notes.png page), flattened onto one line as AWS published it.
FLATTENED_NOTE = (
    "Pt is 40yo mother, highschool teacher HPI : Sleeping trouble on present dosage of "
    "Clonidine. Severe Rash  on face and leg, slightly itchy  Meds : Vyvanse 50 mgs po at "
    "breakfast daily,             Clonidine 0.2 mgs -- 1 and 1 / 2 tabs po qhs HEENT : Boggy "
    "inferior turbinates, No oropharyngeal lesion Lungs : clear Heart : Regular rhythm "
    "Skin :  Mild erythematous eruption to hairline Follow-up as scheduled"
)


def top_code(entity: MedicalEntity) -> str:
    assert entity.concepts, f"{entity.text!r} has no ICD-10-CM concept"
    return entity.concepts[0].code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("but denies taking\nSynthroid.", "but denies taking Synthroid."),
        (
            "No clubbing, cyanosis, left lower\nextremity",
            "No clubbing, cyanosis, left lower extremity",
        ),
        ("Metformin 500 mg daily\nLisinopril 10 mg", "Metformin 500 mg daily\nLisinopril 10 mg"),
        ("Chest pain.\nHEENT: normal", "Chest pain.\nHEENT: normal"),
        ("rash on face and\n- leg", "rash on face and\n- leg"),
        ("first line\n\nnext", "first line\n\nnext"),
    ],
)
def test_given_line_breaks_then_only_the_ones_that_wrap_a_sentence_become_spaces(
    text: str, expected: str
) -> None:
    assert unwrap(text) == expected
    assert len(unwrap(text)) == len(text)


def test_given_a_negation_wrapped_onto_the_next_line_then_the_drug_is_still_negated(
    analyzer: LocalMedicalAnalyzer, find: Finder
) -> None:
    text = "Patient reports taking Levothyroxine daily, but denies taking\nSynthroid."
    synthroid = find(analyzer.analyze(text).entities, "Synthroid", "MEDICATION")
    assert synthroid.has_trait("NEGATION")


def test_given_a_term_wrapped_across_lines_then_its_text_keeps_the_line_break(
    analyzer: LocalMedicalAnalyzer, find: Finder
) -> None:
    text = "She denies chest pain, shortness of\nbreath or palpitations."
    found = find(analyzer.analyze(text).entities, "shortness of\nbreath", "MEDICAL_CONDITION")
    assert found.has_trait("NEGATION")


def test_given_headers_inside_a_flattened_line_then_findings_and_scopes_follow_them(
    analyzer: LocalMedicalAnalyzer, find: Finder
) -> None:
    entities = analyzer.analyze(FLATTENED_NOTE).entities
    turbinates = find(entities, "Boggy inferior turbinates", "MEDICAL_CONDITION")
    assert turbinates.has_trait("SIGN")
    assert find(entities, "lesion", "MEDICAL_CONDITION").has_trait("NEGATION")
    # "No" of the HEENT section does not reach past "Lungs :" and "Skin :"
    assert not find(entities, "erythematous", "MEDICAL_CONDITION").has_trait("NEGATION")
    assert not [e for e in entities if "Heart" in e.text and e.category == "MEDICAL_CONDITION"]


def test_given_pt_followed_by_an_age_then_it_is_the_patient_not_a_test(
    analyzer: LocalMedicalAnalyzer, find: Finder
) -> None:
    entities = analyzer.analyze(FLATTENED_NOTE).entities
    assert not [e for e in entities if e.text == "Pt"]
    labs = analyzer.analyze("PT 12.5 seconds, INR 1.1").entities
    assert find(labs, "PT", "TEST_TREATMENT_PROCEDURE").type == "TEST_NAME"


def test_given_a_lab_result_ending_a_sentence_then_the_analyte_is_a_test(
    analyzer: LocalMedicalAnalyzer, find: Finder
) -> None:
    entities = analyzer.analyze("TSH 2.1. Potassium 4.3. Echocardiogram pending.").entities
    assert find(entities, "Potassium", "TEST_TREATMENT_PROCEDURE").type == "TEST_NAME"
    assert not [e for e in entities if e.category == "MEDICATION"]
    factor = analyzer.analyze("Rheumatoid factor positive at 86 IU/mL.").entities
    assert find(factor, "Rheumatoid factor", "TEST_TREATMENT_PROCEDURE")


@pytest.mark.parametrize("text", ["Hashimoto's thyroiditis.", "Hashimoto thyroiditis."])
def test_given_an_eponym_with_or_without_the_possessive_then_it_gets_the_same_code(
    analyzer: LocalMedicalAnalyzer, text: str
) -> None:
    entity = next(e for e in analyzer.analyze(text).entities if e.category == "MEDICAL_CONDITION")
    assert top_code(entity) == "E06.3"


@pytest.mark.parametrize(
    ("text", "condition", "code"),
    [
        # the plain form of a category: uncomplicated, not "with acute cholecystitis"
        ("History of cholelithiasis.", "cholelithiasis", "K80.20"),
        ("Admitted with cellulitis of the left lower leg.", "cellulitis", "L03.116"),
        ("Pain in the right knee for a week.", "Pain", "M25.561"),
        ("Primary open-angle glaucoma of both eyes.", "Primary open-angle glaucoma", "H40.1130"),
        ("Lumbar radiculopathy, left.", "radiculopathy", "M54.16"),
        ("Type 2 diabetes mellitus with diabetic neuropathy.", None, "E11.40"),
    ],
)
def test_given_a_condition_with_its_site_or_side_then_the_code_names_them(
    analyzer: LocalMedicalAnalyzer, text: str, condition: str | None, code: str
) -> None:
    conditions = [e for e in analyzer.analyze(text).entities if e.category == "MEDICAL_CONDITION"]
    entity = next(e for e in conditions if condition is None or condition in e.text)
    assert top_code(entity) == code


def test_given_a_side_without_a_site_then_the_code_adds_no_site(
    analyzer: LocalMedicalAnalyzer,
) -> None:
    text = "He reports swelling of both ankles by evening."
    swelling = next(e for e in analyzer.analyze(text).entities if e.text == "swelling")
    assert "limb" not in swelling.concepts[0].description


def test_given_a_finding_no_code_fits_then_it_has_none(
    analyzer: LocalMedicalAnalyzer, find: Finder
) -> None:
    entities = analyzer.analyze("Thyroid is enlarged, no nodules.").entities
    nodules = find(entities, "nodules", "MEDICAL_CONDITION")
    assert nodules.has_trait("NEGATION")
    assert nodules.concepts == []


def test_given_a_code_found_only_by_shared_words_then_it_names_the_condition(
    analyzer: LocalMedicalAnalyzer,
) -> None:
    # "excessive" alone once ranked "Neonatal jaundice due to excessive hemolysis" first
    entities = analyzer.analyze("Excessive daytime sleepiness and loud snoring.").entities
    for entity in entities:
        assert all(not c.code.startswith("P") for c in entity.concepts[:1]), entity.text
