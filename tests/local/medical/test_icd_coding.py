"""ICD-10-CM top codes for the error classes the third development set exposed: sides,
stages and courses around a condition, combination codes, title wordings, sites and the
encounter of an injury."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from meddoc.local.medical.engine import LocalMedicalAnalyzer
from meddoc.local.medical.icd10 import IcdCoder
from meddoc.local.medical.qualifiers import stage
from meddoc.local.medical.vocabulary import Vocabulary
from meddoc.model import MedicalEntity

Finder = Callable[..., MedicalEntity]


def _top(entity: MedicalEntity) -> str:
    return entity.concepts[0].code if entity.concepts else ""


def _coded(analyzer: LocalMedicalAnalyzer, find: Finder, text: str, target: str) -> str:
    return _top(find(analyzer.analyze(text).entities, target, "MEDICAL_CONDITION"))


@pytest.mark.parametrize(
    ("text", "target", "expected"),
    [
        # a side abbreviation, a list item after the condition, plural paired organs
        ("CC: R knee pain x 3 weeks", "knee pain", "M25.561"),
        ("Assessment: 1. Acute otitis media, left.", "otitis media", "H66.92"),
        ("She also reports dry eyes.", "dry eyes", "H04.123"),
        ("Mild nuclear sclerosis on the right.", "nuclear sclerosis", "H25.11"),
        # stage and class, lettered or in roman numerals, before, inside or after
        ("Reason for consult: AKI on CKD stage 3b", "CKD stage 3b", "N18.32"),
        ("PMH: CKD stage IV.", "CKD stage IV", "N18.4"),
        ("4. Stage 2 pressure ulcer of the sacrum.", "pressure ulcer", "L89.152"),
        ("7. Class 1 obesity, BMI 32.", "obesity", "E66.811"),
        # a course that names a code, in the category or another one
        ("1. Sepsis due to acute pyelonephritis.", "pyelonephritis", "N10"),
        ("Chronic hepatitis C, untreated.", "hepatitis C", "B18.2"),
        ("Acute on chronic systolic heart failure.", "systolic heart failure", "I50.23"),
        ("6. Chronic constipation.", "constipation", "K59.09"),
        ("2. Chronic rhinosinusitis with nasal polyps.", "rhinosinusitis", "J32.9"),
        (
            "1. Major depressive disorder, recurrent, severe without psychotic features.",
            "Major depressive disorder, recurrent",
            "F33.2",
        ),
        # note wordings that titles put otherwise
        ("Father had esophageal cancer.", "esophageal cancer", "C15.9"),
        ("2. Graves disease s/p radioactive iodine ablation.", "Graves disease", "E05.00"),
        ("Cryotherapy to 8 actinic keratoses.", "actinic keratoses", "L57.0"),
        ("now postablative hypothyroidism.", "hypothyroidism", "E89.0"),
        ("Pelvic ultrasound: multiple intramural fibroids.", "fibroids", "D25.1"),
        ("DRE: prostate enlarged, smooth.", "prostate enlarged", "N40.0"),
        # the site of a condition picks its code
        ("Colonoscopy: sigmoid diverticulosis.", "diverticulosis", "K57.30"),
        ("A 14 mm nodule in the right upper lobe.", "nodule", "R91.1"),
        ("No axillary lymphadenopathy.", "lymphadenopathy", "R59.0"),
        ("2. Cellulitis of the left foot.", "Cellulitis", "L03.116"),
        # an injury at its site, at its first visit unless the note says a later one
        ("3 cm scalp laceration over the right parietal area.", "laceration", "S01.01XA"),
        ("4. Left wrist sprain.", "sprain", "S63.502A"),
        ("3. Left rib fractures, ribs 5-6.", "rib fractures", "S22.42XA"),
        (
            "1. Right hip fracture, s/p ORIF, weight bearing as tolerated.",
            "hip fracture",
            "S72.001D",
        ),
        ("X-ray shows a right hip fracture.", "hip fracture", "S72.001A"),
    ],
)
def test_given_a_condition_in_context_then_its_top_code_is_the_specific_one(
    analyzer: LocalMedicalAnalyzer, find: Finder, text: str, target: str, expected: str
) -> None:
    assert _coded(analyzer, find, text, target) == expected


@pytest.mark.parametrize(
    ("text", "targets", "expected"),
    [
        ("4. DM2 with hyperglycemia.", ("DM2", "hyperglycemia"), "E11.65"),
        ("2. GERD with esophagitis.", ("GERD", "esophagitis"), "K21.00"),
        ("Type 2 diabetes with neuropathy.", ("Type 2 diabetes", "neuropathy"), "E11.40"),
        ("1. BPH with LUTS.", ("BPH",), "N40.1"),
        ("2. Chemotherapy-induced neutropenia.", ("neutropenia",), "D70.1"),
        ("4. Anemia due to chemotherapy.", ("Anemia",), "D64.81"),
        ("Anemia of chronic kidney disease.", ("Anemia", "chronic kidney disease"), "D63.1"),
    ],
)
def test_given_a_condition_linked_to_its_cause_then_both_get_the_combination_code(
    analyzer: LocalMedicalAnalyzer,
    find: Finder,
    text: str,
    targets: tuple[str, ...],
    expected: str,
) -> None:
    for target in targets:
        assert _coded(analyzer, find, text, target) == expected, target


@pytest.mark.parametrize(
    ("text", "target", "expected"),
    [
        # no code names both, so each keeps its own
        ("1. Sepsis due to pneumonia.", "Sepsis", "A41.9"),
        ("Menorrhagia due to uterine fibroids.", "Menorrhagia", "N92.0"),
        # a generic shared word is no combination: not "Dementia in other diseases"
        ("Late onset Alzheimer's disease with agitation.", "agitation", "R45.1"),
        # a site after "of" is the site, not a companion
        ("Cellulitis of the left leg.", "Cellulitis", "L03.116"),
        # the course is an attribute, not a reason to leave the code's kind
        ("Assessment: Acute otitis media of the right ear.", "otitis media", "H66.91"),
        ("Clinical indication: Persistent cough.", "cough", "R05.9"),
    ],
)
def test_given_a_link_or_course_without_a_combination_then_the_own_code_stays(
    analyzer: LocalMedicalAnalyzer, find: Finder, text: str, target: str, expected: str
) -> None:
    assert _coded(analyzer, find, text, target) == expected


def test_given_words_no_title_has_then_a_code_sharing_a_generic_word_is_no_answer(
    vocabulary: Vocabulary,
) -> None:
    # Before, "graves disease" (no apostrophe) got "Legionnaires' disease": both say disease.
    assert IcdCoder(vocabulary.icd).concepts("zorblax disease", "", []) == []


@pytest.mark.parametrize(
    ("text", "condition", "expected"),
    [
        ("CKD stage 3b", "CKD stage 3b", ["stage", "3b"]),
        (
            "chronic kidney disease stage IIIa",
            "chronic kidney disease stage IIIa",
            ["stage", "3a"],
        ),
        ("Stage 2 pressure ulcer", "pressure ulcer", ["stage", "2"]),
        ("obesity, class 3", "obesity", ["class", "3"]),
        ("pressure ulcer of the heel", "pressure ulcer", []),
    ],
)
def test_given_a_stage_or_class_then_it_is_read_as_a_number(
    text: str, condition: str, expected: list[str]
) -> None:
    begin = text.find(condition)
    assert stage(text, begin, begin + len(condition)) == expected
