"""The labelled development corpus and the copied Comprehend Medical responses: valid
shared-model data, and regression pins of entities the engine must find."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from meddoc.bench.medical import load_corpus, load_shared
from meddoc.bench.medical_metrics import best_match, headline, score_document
from meddoc.local.medical.engine import LocalMedicalAnalyzer
from meddoc.local.medical.vocabulary import Vocabulary

CORPUS = Path(__file__).parents[2] / "fixtures" / "medical_notes"
SHARED = CORPUS / "comprehend_medical"


def test_given_the_corpus_then_every_note_is_valid_labelled_data(vocabulary: Vocabulary) -> None:
    documents = load_corpus(CORPUS)
    assert len(documents) >= 20
    assert {d.split for d in documents} == {"dev", "test"}
    assert {d.language for d in documents} == {"en", "es"}
    titles = vocabulary.icd.titles
    for doc in documents:
        for entity in doc.reference:
            assert doc.text[entity.begin : entity.end] == entity.text, doc.name
            assert entity.type, doc.name
            for attribute in entity.attributes:
                assert doc.text[attribute.begin : attribute.end] == attribute.text, doc.name
            for concept in entity.concepts:
                assert titles[concept.code][1], f"{concept.code} is not a billable code"


# Entities that were once missed or mislabelled: found again, with the right category.
PINNED = {
    "en_dev_02_ed_chest_pain": [
        ("Tachycardic", "MEDICAL_CONDITION"),
        ("Troponin I", "TEST_TREATMENT_PROCEDURE"),
    ],
    "en_dev_04_prescription": [("Tylenol", "MEDICATION"), ("nostril", "ANATOMY")],
    "en_dev_06_intake_form": [("acid reflux", "MEDICAL_CONDITION"), ("Singulair", "MEDICATION")],
    "en_dev_08_ortho": [("tenderness", "MEDICAL_CONDITION"), ("fracture", "MEDICAL_CONDITION")],
    "en_dev_12_neuro": [("topiramate", "MEDICATION"), ("brain", "ANATOMY")],
    "es_dev_02_urgencias": [("Crepitantes", "MEDICAL_CONDITION"), ("Salbutamol", "MEDICATION")],
}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_given_a_dev_note_then_its_pinned_entities_are_found(
    analyzer: LocalMedicalAnalyzer, name: str
) -> None:
    doc = next(d for d in load_corpus(CORPUS) if d.name == name)
    predicted = headline(
        analyzer.analyze(doc.text, language=doc.language).entities,
        ["MEDICAL_CONDITION", "MEDICATION", "TEST_TREATMENT_PROCEDURE", "ANATOMY"],
    )
    for text, category in PINNED[name]:
        reference = next(e for e in doc.reference if e.text == text and e.category == category)
        assert best_match(reference, predicted) is not None, f"{text} not found in {name}"


def test_given_genuine_cm_responses_then_every_reference_entity_is_found(
    analyzer: LocalMedicalAnalyzer,
) -> None:
    documents = load_shared(SHARED)
    assert len(documents) == 4
    for doc in documents:
        score = score_document(doc.reference, analyzer.analyze(doc.text).entities, doc.categories)
        assert score.micro().recall == 1.0, doc.name


def test_given_the_copied_responses_then_they_are_the_documented_files() -> None:
    index = (SHARED / "README.md").read_text(encoding="utf-8")
    for response in SHARED.glob("*.response.json"):
        assert response.name.split(".")[0] in index
        json.loads(response.read_text(encoding="utf-8"))
