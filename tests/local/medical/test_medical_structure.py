"""Comprehend-Medical-style structure of the offline engine's output."""

from __future__ import annotations

from collections.abc import Callable

from meddoc.local.medical.engine import LocalMedicalAnalyzer
from meddoc.model import CodeSystem, CodingState, MedicalAnalysis, MedicalEntity
from meddoc.serialization import from_dict, to_dict

Finder = Callable[..., MedicalEntity]

NOTE = (
    "MEDICATIONS: Lisinopril 20 mg PO daily.\n"
    "HPI: She reports abdominal pain and nausea. She denies chest pain.\n"
    "HEENT: Oropharynx clear.\n"
    "EXTREMITIES: No clubbing, cyanosis, left lower extremity present with edema\n"
    "LABS: Hemoglobin A1c 8.1%.\n"
)


def test_given_a_note_when_analysed_then_every_entity_has_a_type_and_exact_offsets(
    analyzer: LocalMedicalAnalyzer,
) -> None:
    result = analyzer.analyze(NOTE)
    assert len(result.entities) >= 10
    for entity in result.entities:
        assert entity.type
        assert NOTE[entity.begin : entity.end] == entity.text
        for attribute in entity.attributes:
            assert NOTE[attribute.begin : attribute.end] == attribute.text
            assert attribute.type
            assert attribute.relationship_type
    assert len({e.id for e in result.entities}) == len(result.entities)


def test_given_a_site_inside_a_condition_when_analysed_then_both_entities_are_kept(
    analyzer: LocalMedicalAnalyzer, find: Finder
) -> None:
    entities = analyzer.analyze(NOTE).entities
    pain = find(entities, "abdominal pain", "MEDICAL_CONDITION")
    site = find(entities, "abdominal", "ANATOMY")
    assert pain.begin == site.begin
    assert [a.text for a in pain.attributes if a.type == "SYSTEM_ORGAN_SITE"] == ["abdominal"]
    assert (
        find(entities, "Oropharynx", "ANATOMY").begin == find(entities, "Oropharynx clear").begin
    )


def test_given_section_headers_when_analysed_then_only_anatomy_headers_are_entities(
    analyzer: LocalMedicalAnalyzer, find: Finder
) -> None:
    entities = analyzer.analyze(NOTE).entities
    texts = {e.text for e in entities}
    assert not texts & {"MEDICATIONS", "HPI", "LABS"}
    assert find(entities, "HEENT").category == "ANATOMY"
    assert find(entities, "EXTREMITIES").type == "SYSTEM_ORGAN_SITE"


def test_given_any_text_when_analysed_then_coding_states_and_engines_are_reported(
    analyzer: LocalMedicalAnalyzer,
) -> None:
    result = analyzer.analyze("Patient with hypertension.")
    states = {c.system: c.state for c in result.coding}
    assert states == {
        CodeSystem.ICD10CM: CodingState.LINKED,
        CodeSystem.RXNORM: CodingState.UNAVAILABLE,
        CodeSystem.SNOMEDCT: CodingState.UNAVAILABLE,
    }
    engines = {e.name: e.version for e in result.engines}
    assert engines["meddoc-local-medical"]
    assert engines["simple-icd-10-cm"] != "missing"
    assert result.phi == []
    assert all(c.system == CodeSystem.ICD10CM for e in result.entities for c in e.concepts)


def test_given_an_analysis_when_serialised_then_it_round_trips(
    analyzer: LocalMedicalAnalyzer,
) -> None:
    result = analyzer.analyze(NOTE)
    assert from_dict(MedicalAnalysis, to_dict(result)) == result


def test_given_empty_text_when_analysed_then_no_entities(analyzer: LocalMedicalAnalyzer) -> None:
    assert analyzer.analyze("").entities == []
    assert analyzer.analyze("   \n").entities == []
