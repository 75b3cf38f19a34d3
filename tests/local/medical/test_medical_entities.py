"""Entities, attributes, traits and ICD-10-CM codes of labelled sentences, written the way
Comprehend Medical labels them (several are its own documentation examples)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from meddoc.local.medical.engine import LocalMedicalAnalyzer
from meddoc.model import MedicalEntity

Finder = Callable[..., MedicalEntity]


def attributes(entity: MedicalEntity) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for attribute in entity.attributes:
        found.setdefault(attribute.type, []).append(attribute.text)
    return found


def code(entity: MedicalEntity) -> str:
    assert entity.concepts, f"{entity.text!r} has no ICD-10-CM concept"
    return entity.concepts[0].code


def test_given_the_cm_heent_example_then_medication_signs_and_negation_match(
    analyzer: LocalMedicalAnalyzer, find: Finder
) -> None:
    text = (
        "MEDS : Vyvanse 50 mgs po at breakfast daily HEENT: Oropharynx clear. Sclerae are "
        "anicteric. EXTREMITIES: No clubbing, cyanosis, left lower extremity present with edema"
    )
    entities = analyzer.analyze(text).entities
    vyvanse = find(entities, "Vyvanse", "MEDICATION")
    assert vyvanse.type == "BRAND_NAME"
    assert attributes(vyvanse) == {
        "DOSAGE": ["50 mgs"],
        "ROUTE_OR_MODE": ["po"],
        "FREQUENCY": ["at breakfast daily"],
    }
    sclerae = find(entities, "Sclerae are anicteric", "MEDICAL_CONDITION")
    assert sclerae.has_trait("SIGN")
    assert find(entities, "clubbing").has_trait("NEGATION")
    assert find(entities, "cyanosis").has_trait("NEGATION")
    assert not find(entities, "edema").has_trait("NEGATION")
    assert not find(entities, "EXTREMITIES").traits  # the header is not negated
    extremity = find(entities, "extremity", "ANATOMY")
    assert attributes(extremity) == {"DIRECTION": ["left", "lower"]}


def test_given_an_infusion_order_then_every_medication_attribute_is_found(
    analyzer: LocalMedicalAnalyzer, find: Finder
) -> None:
    text = (
        "Infuse Sodium Chloride 0.9% solution 1000 mL intravenously daily Rate - 200 mL/hr "
        "for next 3 days"
    )
    saline = find(analyzer.analyze(text).entities, "Sodium Chloride", "MEDICATION")
    assert attributes(saline) == {
        "ROUTE_OR_MODE": ["Infuse", "intravenously"],
        "STRENGTH": ["0.9%"],
        "FORM": ["solution"],
        "DOSAGE": ["1000 mL"],
        "FREQUENCY": ["daily"],
        "RATE": ["200 mL/hr"],
        "DURATION": ["3 days"],
    }


def test_given_a_count_dose_then_the_amount_is_the_strength(
    analyzer: LocalMedicalAnalyzer, find: Finder
) -> None:
    text = "1. Amoxicillin 500 mg capsule. Take 1 capsule by mouth three times a day for 10 days."
    drug = find(analyzer.analyze(text).entities, "Amoxicillin")
    assert attributes(drug) == {
        "STRENGTH": ["500 mg"],
        "FORM": ["capsule"],
        "DOSAGE": ["1 capsule"],
        "ROUTE_OR_MODE": ["by mouth"],
        "FREQUENCY": ["three times a day"],
        "DURATION": ["10 days"],
    }


def test_given_the_cm_procedure_example_then_tests_procedures_and_acuity_are_split(
    analyzer: LocalMedicalAnalyzer, find: Finder
) -> None:
    text = (
        "Abdominal ultrasound noted acute appendicitis, recommend appendectomy followed by "
        "several series of broad spectrum antibiotics"
    )
    entities = analyzer.analyze(text).entities
    assert find(entities, "Abdominal ultrasound").type == "TEST_NAME"
    appendicitis = find(entities, "appendicitis", "MEDICAL_CONDITION")
    assert attributes(appendicitis) == {"ACUITY": ["acute"]}
    assert appendicitis.has_trait("DIAGNOSIS")
    assert code(appendicitis) == "K35.80"
    assert find(entities, "appendectomy").type == "PROCEDURE_NAME"
    assert find(entities, "broad spectrum antibiotics").type == "TREATMENT_NAME"
    assert not [e for e in entities if e.text.lower() == "abdominal" and e.category == "ANATOMY"]


def test_given_lab_results_then_tests_carry_value_and_unit(
    analyzer: LocalMedicalAnalyzer, find: Finder
) -> None:
    text = (
        "LABS: Hemoglobin A1c 8.1%. BP 148/92. Potassium was 3.1 mmol/L and was replaced "
        "with potassium chloride 20 mEq by mouth.\nUrinalysis: positive for protein and glucose."
    )
    entities = analyzer.analyze(text).entities
    a1c = find(entities, "Hemoglobin A1c")
    assert attributes(a1c) == {"TEST_VALUE": ["8.1"], "TEST_UNIT": ["%"]}
    assert attributes(find(entities, "BP"))["TEST_VALUE"] == ["148/92"]
    assert find(entities, "Potassium").category == "TEST_TREATMENT_PROCEDURE"
    replacement = find(entities, "potassium chloride")
    assert replacement.category == "MEDICATION"
    assert attributes(replacement)["DOSAGE"] == ["20 mEq"]
    assert attributes(find(entities, "glucose"))["TEST_VALUE"] == ["positive"]


@pytest.mark.parametrize(
    ("text", "target", "trait", "expected"),
    [
        (
            "She denies chest pain, shortness of breath or palpitations.",
            "palpitations",
            "NEGATION",
            True,
        ),
        ("patient no longer taking warfarin", "warfarin", "NEGATION", True),
        ("No fever. Reports cough.", "cough", "NEGATION", False),
        ("Iron deficiency without anemia.", "anemia", "NEGATION", True),
        ("Weight loss: no.", "Weight loss", "NEGATION", True),
        ("He has a history of gout.", "gout", "PAST_HISTORY", True),
        ("FH: Mother with migraines.", "migraines", "PERTAINS_TO_FAMILY", True),
        ("Colon cancer in his father at age 58.", "Colon cancer", "PERTAINS_TO_FAMILY", True),
        ("Boy brought in by his mother for ear pain.", "ear pain", "PERTAINS_TO_FAMILY", False),
        ("Return if fever or rash develops.", "rash", "HYPOTHETICAL", True),
        ("Hematochezia, likely from hemorrhoids.", "hemorrhoids", "LOW_CONFIDENCE", True),
        ("No vomiting. Return if fever develops.", "fever", "NEGATION", False),
    ],
)
def test_given_a_cue_then_the_trait_follows_its_scope(
    analyzer: LocalMedicalAnalyzer,
    find: Finder,
    text: str,
    target: str,
    trait: str,
    expected: bool,
) -> None:
    assert find(analyzer.analyze(text).entities, target).has_trait(trait) is expected


def test_given_a_header_colon_then_negation_does_not_cross_it(
    analyzer: LocalMedicalAnalyzer, find: Finder
) -> None:
    entities = analyzer.analyze("Denies fever.\nLUNGS: Bibasilar crackles.").entities
    crackles = find(entities, "crackles")
    assert not crackles.has_trait("NEGATION")
    assert crackles.has_trait("SIGN")  # a finding in an exam section


@pytest.mark.parametrize(
    ("text", "target", "expected"),
    [
        ("long-standing history of diabetes", "diabetes", "E11.9"),
        ("Complains of abdominal pain.", "abdominal pain", "R10.9"),
        ("4 year old with right ear pain.", "ear pain", "H92.01"),
        ("Chronic migraine without aura.", "migraine without aura", "G43.709"),
        ("65 y/o M with CKD stage 4.", "CKD stage 4", "N18.4"),
        ("Essential hypertension, stable.", "Essential hypertension", "I10"),
    ],
)
def test_given_a_condition_then_its_first_icd10cm_code_is_the_expected_one(
    analyzer: LocalMedicalAnalyzer, find: Finder, text: str, target: str, expected: str
) -> None:
    condition = find(analyzer.analyze(text).entities, target, "MEDICAL_CONDITION")
    assert code(condition) == expected
    assert condition.concepts[0].description
    scores = [c.score for c in condition.concepts]
    assert scores == sorted(scores, reverse=True)


def test_given_spanish_text_then_main_entities_traits_and_codes_are_found(
    analyzer: LocalMedicalAnalyzer, find: Finder
) -> None:
    text = (
        "Paciente con diabetes mellitus tipo 2. Niega dolor torácico o disnea. "
        "Faringitis aguda.\nMedicamentos: metformina 850 mg vía oral cada 12 horas."
    )
    entities = analyzer.analyze(text, language="es").entities
    assert code(find(entities, "diabetes mellitus tipo 2")) == "E11.9"
    chest = find(entities, "dolor torácico", "MEDICAL_CONDITION")
    assert chest.has_trait("NEGATION")
    assert code(chest) == "R07.9"
    assert find(entities, "disnea").has_trait("NEGATION")
    pharyngitis = find(entities, "Faringitis")
    assert attributes(pharyngitis) == {"ACUITY": ["aguda"]}
    assert code(pharyngitis) == "J02.9"
    metformin = find(entities, "metformina", "MEDICATION")
    assert attributes(metformin) == {
        "DOSAGE": ["850 mg"],
        "ROUTE_OR_MODE": ["vía oral"],
        "FREQUENCY": ["cada 12 horas"],
    }


def test_given_a_route_word_then_it_is_not_anatomy(
    analyzer: LocalMedicalAnalyzer,
) -> None:
    entities = analyzer.analyze("Prednisone 40 mg by mouth daily.").entities
    assert not [e for e in entities if e.category == "ANATOMY"]


def test_given_clinic_abbreviations_then_tests_and_procedures_are_found_only_in_capitals(
    analyzer: LocalMedicalAnalyzer, find: Finder
) -> None:
    text = (
        "EGD today: reflux esophagitis. UA: large leukocyte esterase. DEXA shows osteopenia. "
        "PFTs pending. Screening: AUDIT 18. We will audit the chart."
    )
    entities = analyzer.analyze(text).entities
    assert find(entities, "EGD", "TEST_TREATMENT_PROCEDURE").type == "PROCEDURE_NAME"
    for name in ("UA", "DEXA", "PFTs", "AUDIT"):
        assert find(entities, name, "TEST_TREATMENT_PROCEDURE").type == "TEST_NAME"
    assert not [e for e in entities if e.text == "audit"]


def test_given_lower_urinary_tract_symptoms_then_each_is_a_coded_symptom(
    analyzer: LocalMedicalAnalyzer, find: Finder
) -> None:
    text = "Reports urinary hesitancy, weak stream and a sensation of incomplete emptying."
    entities = analyzer.analyze(text).entities
    expected = {
        "urinary hesitancy": "R39.11",
        "weak stream": "R39.12",
        "incomplete emptying": "R39.14",
    }
    for name, icd in expected.items():
        symptom = find(entities, name, "MEDICAL_CONDITION")
        assert symptom.has_trait("SYMPTOM")
        assert code(symptom) == icd
