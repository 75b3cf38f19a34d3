"""to_comprehend_medical_json: the DetectEntitiesV2 shape, which parse_medical_entities
reads back to the same entities (real recorded responses and generated analyses)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meddoc.aws.medical_parser import parse_medical_entities
from meddoc.exports.comprehend_medical_json import to_comprehend_medical_json
from meddoc.model import (
    Attribute,
    Category,
    CodeSystem,
    Concept,
    Engine,
    MedicalAnalysis,
    MedicalEntity,
    Trait,
)
from tests.contract.recorded import load_json, names

RECORDED = names("comprehend-medical", ".response.json")


def response(name: str) -> dict[str, Any]:
    raw = load_json(f"comprehend-medical/{name}.response.json")
    if isinstance(raw, list):
        return {"Entities": raw}
    return dict(raw) if "Entities" in raw else {"Entities": [raw]}


def exported(analysis: MedicalAnalysis) -> dict[str, Any]:
    return dict(json.loads(json.dumps(to_comprehend_medical_json(analysis))))


@pytest.mark.parametrize("name", RECORDED)
def test_given_parsed_real_response_when_exported_then_it_parses_to_the_same_entities(
    name: str,
) -> None:
    entities, unmapped = parse_medical_entities(response(name))
    analysis = MedicalAnalysis(
        entities=entities, unmapped_attributes=unmapped, engines=[Engine("cm", "0.1.0")]
    )

    again, again_unmapped = parse_medical_entities(exported(analysis))

    assert again == entities
    assert again_unmapped == unmapped


def test_given_analysis_when_exported_then_it_has_the_detectentitiesv2_shape() -> None:
    entities, unmapped = parse_medical_entities(response("de_v1_medication_sodium_chloride"))
    inferred, _ = parse_medical_entities(response("cli_rxnorm_levothyroxine"))
    analysis = MedicalAnalysis(
        entities=[*entities, inferred[0]],
        unmapped_attributes=unmapped,
        engines=[Engine("offline-medical", "3.2")],
    )

    out = exported(analysis)

    assert set(out) == {"Entities", "UnmappedAttributes", "ModelVersion"}
    assert out["ModelVersion"] == "3.2"
    sodium, levothyroxine = out["Entities"]
    assert set(sodium) == {
        "Id",
        "BeginOffset",
        "EndOffset",
        "Score",
        "Text",
        "Category",
        "Type",
        "Traits",
        "Attributes",
    }
    assert set(sodium["Attributes"][0]) == {
        "Type",
        "Score",
        "RelationshipScore",
        "Id",
        "BeginOffset",
        "EndOffset",
        "Text",
        "Traits",
    }
    assert [c["Code"] for c in levothyroxine["RxNormConcepts"]][:2] == ["966224", "966405"]
    assert "ICD10CMConcepts" not in levothyroxine
    assert out["UnmappedAttributes"][0]["Type"] == "MEDICATION"
    assert out["UnmappedAttributes"][0]["Attribute"]["Text"] == "1000 mL"


def test_given_ids_when_exported_then_entity_ids_are_kept_and_all_ids_are_unique() -> None:
    entities, unmapped = parse_medical_entities(response("de_v1_heent_vyvanse_2019"))

    out = exported(MedicalAnalysis(entities=entities, unmapped_attributes=unmapped))

    entity_ids = [e["Id"] for e in out["Entities"]]
    attribute_ids = [a["Id"] for e in out["Entities"] for a in e["Attributes"]]
    assert entity_ids == [e.id for e in entities]
    assert len(set(entity_ids + attribute_ids)) == len(entity_ids) + len(attribute_ids)
    assert out["ModelVersion"] == "unknown"


def test_given_phi_when_exported_then_it_appears_once_as_protected_health_information() -> None:
    phi, _ = parse_medical_entities(response("phi_john_smith"))
    v1, _ = parse_medical_entities(response("de_v1_phi_john_smith"))
    condition = MedicalEntity("pain", 0, 4, 0.9, id=0, category=Category.MEDICAL_CONDITION)
    # The DetectPHI call numbers its entities from 0 too; John Smith, 48 and teacher
    # were also found by DetectEntities (v1 reports PHI among its entities).
    analysis = MedicalAnalysis(entities=[condition, *v1[:3]], phi=phi)

    out = exported(analysis)

    texts = [(e["Text"], e["Category"]) for e in out["Entities"]]
    assert texts == [
        ("pain", "MEDICAL_CONDITION"),
        ("John Smith", "PROTECTED_HEALTH_INFORMATION"),
        ("48", "PROTECTED_HEALTH_INFORMATION"),
        ("teacher", "PROTECTED_HEALTH_INFORMATION"),
        ("Seattle", "PROTECTED_HEALTH_INFORMATION"),
        ("Washington", "PROTECTED_HEALTH_INFORMATION"),
    ]
    ids = [e["Id"] for e in out["Entities"]]
    assert len(set(ids)) == len(ids)


# --- generated analyses -------------------------------------------------------------

scores = st.integers(min_value=0, max_value=1000).map(lambda n: n / 1000)
names_ = st.sampled_from(["NEGATION", "SIGN", "SYMPTOM", "DIAGNOSIS", "PAST_HISTORY"])
traits = st.lists(st.builds(Trait, name=names_, score=scores), max_size=2)
words = st.text(min_size=1, max_size=12)


@st.composite
def attributes(draw: st.DrawFn) -> Attribute:
    begin = draw(st.integers(min_value=0, max_value=500))
    text = draw(words)
    return Attribute(
        text=text,
        begin=begin,
        end=begin + len(text),
        score=draw(scores),
        type=draw(st.sampled_from(["DOSAGE", "FREQUENCY", "ROUTE_OR_MODE", "ACUITY"])),
        category=draw(st.none() | st.sampled_from([c.value for c in Category])),
        relationship_type=draw(st.none() | st.sampled_from(["DOSAGE", "OVERLAP"])),
        relationship_score=draw(st.none() | scores),
        traits=draw(traits),
    )


concepts = st.builds(
    Concept,
    system=st.sampled_from(CodeSystem),
    code=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.", min_size=1, max_size=8),
    description=st.text(max_size=20),
    score=scores,
)


@st.composite
def entities(draw: st.DrawFn, entity_id: int) -> MedicalEntity:
    begin = draw(st.integers(min_value=0, max_value=500))
    text = draw(words)
    found = draw(st.lists(concepts, max_size=4))
    # The export groups concepts by system; within a system the order is kept.
    found.sort(key=lambda concept: list(CodeSystem).index(concept.system))
    return MedicalEntity(
        text=text,
        begin=begin,
        end=begin + len(text),
        score=draw(scores),
        id=entity_id,
        category=draw(st.sampled_from(Category)),
        type=draw(st.sampled_from(["DX_NAME", "GENERIC_NAME", "NAME", "TEST_NAME"])),
        traits=draw(traits),
        attributes=draw(st.lists(attributes(), max_size=3)),
        concepts=found,
    )


@st.composite
def analyses(draw: st.DrawFn) -> MedicalAnalysis:
    ids = draw(st.lists(st.integers(min_value=0, max_value=50), unique=True, max_size=5))
    return MedicalAnalysis(
        entities=[draw(entities(entity_id)) for entity_id in ids],
        unmapped_attributes=draw(st.lists(attributes(), max_size=2)),
        engines=[Engine("offline-medical", draw(st.sampled_from(["1.0", "2.0.1"])))],
    )


@settings(max_examples=60, deadline=None)
@given(analysis=analyses())
def test_given_any_analysis_when_exported_then_parsing_gives_the_same_entities(
    analysis: MedicalAnalysis,
) -> None:
    again, unmapped = parse_medical_entities(exported(analysis))

    assert again == analysis.entities
    assert unmapped == analysis.unmapped_attributes
