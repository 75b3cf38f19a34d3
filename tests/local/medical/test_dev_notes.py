"""The second development set (dev_notes/): valid labelled data, and entities it once
exposed as missed that the engine must keep finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from meddoc.bench.medical import load_corpus
from meddoc.bench.medical_metrics import best_match, headline
from meddoc.local.medical.engine import LocalMedicalAnalyzer
from meddoc.local.medical.vocabulary import Vocabulary

NOTES = Path(__file__).parent / "dev_notes"


def test_given_the_dev_notes_then_every_note_is_valid_labelled_data(
    vocabulary: Vocabulary,
) -> None:
    documents = load_corpus(NOTES)
    assert len(documents) >= 10
    assert {d.split for d in documents} == {"dev2"}
    for doc in documents:
        assert doc.reference, doc.name
        for entity in doc.reference:
            assert doc.text[entity.begin : entity.end] == entity.text, doc.name
            for concept in entity.concepts:
                assert vocabulary.icd.titles[concept.code][1], f"{concept.code} not billable"


PINNED = {
    "en_dev2_01_cardiology": [
        ("JVD", "MEDICAL_CONDITION"),
        ("Irregularly irregular rhythm", "MEDICAL_CONDITION"),
        ("Potassium", "TEST_TREATMENT_PROCEDURE"),
    ],
    "en_dev2_04_rheumatology": [
        ("morning stiffness", "MEDICAL_CONDITION"),
        ("Rheumatoid factor", "TEST_TREATMENT_PROCEDURE"),
        ("Anti-CCP antibodies", "TEST_TREATMENT_PROCEDURE"),
    ],
    "en_dev2_05_ophthalmology": [
        ("floaters", "MEDICAL_CONDITION"),
        ("Intraocular pressure", "TEST_TREATMENT_PROCEDURE"),
        ("optic nerve", "ANATOMY"),
    ],
    "en_dev2_08_radiology": [
        ("consolidation", "MEDICAL_CONDITION"),
        ("Mediastinum", "ANATOMY"),
    ],
    "en_dev2_10_flattened": [
        ("Lumbar radiculopathy", "MEDICAL_CONDITION"),
        ("straight leg raise", "TEST_TREATMENT_PROCEDURE"),
    ],
}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_given_a_dev_note_then_its_pinned_entities_are_found(
    analyzer: LocalMedicalAnalyzer, name: str
) -> None:
    doc = next(d for d in load_corpus(NOTES) if d.name == name)
    predicted = headline(
        analyzer.analyze(doc.text, language=doc.language).entities,
        ["MEDICAL_CONDITION", "MEDICATION", "TEST_TREATMENT_PROCEDURE", "ANATOMY"],
    )
    for text, category in PINNED[name]:
        reference = next(e for e in doc.reference if e.text == text and e.category == category)
        assert best_match(reference, predicted) is not None, (text, category)
