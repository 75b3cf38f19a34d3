"""Comprehend Medical parsers against the real documented responses in
tests/fixtures/aws/comprehend-medical. Offsets are only held to the input where the
shared data's INDEX.tsv says they fit: several documentation examples were edited."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import pytest

from meddoc.aws.medical_parser import (
    medical_model_version,
    merge_concepts,
    parse_inferred,
    parse_medical_entities,
)
from meddoc.model import Attribute, Category, CodeSystem, Concept, MedicalEntity, Span
from tests.contract.recorded import load_json, load_text, names

# name: (entities, spans whose offsets fit the input, all spans) from INDEX.tsv; spans
# count entities, their attributes and the unmapped attributes.
INDEX = {
    "cli_de_v2_clonidine": (1, 1, 1),
    "cli_icd10_abdominal_pain_diabetes": (2, 0, 2),
    "cli_phi_carlos_salazar": (3, 0, 3),
    "cli_rxnorm_levothyroxine": (2, 4, 5),
    "cli_snomed_abdominal_pain_diabetes": (3, 0, 4),
    "de_v1_anatomy_left_lung": (2, 2, 2),
    "de_v1_condition_chronic_pain": (2, 2, 2),
    "de_v1_heent_vyvanse_2019": (13, 14, 16),
    "de_v1_medication_sodium_chloride": (1, 9, 9),
    "de_v1_phi_john_smith": (4, 4, 4),
    "de_v1_ttp_appendicitis": (5, 5, 5),
    "de_v2_aspirin": (1, 6, 6),
    "phi_john_smith": (5, 4, 5),
    "rxnorm_warfarin_negation": (1, 1, 1),
    "snomed_heent": (5, 5, 7),
}


def response(name: str) -> dict[str, Any]:
    """A recorded response; the two published abridged (a bare entity list, a single
    entity object) are wrapped as the service returns them."""
    raw = load_json(f"comprehend-medical/{name}.response.json")
    if isinstance(raw, list):
        return {"Entities": raw}
    if "Entities" not in raw:
        return {"Entities": [raw]}
    return dict(raw)


def spans(entities: list[MedicalEntity], unmapped: list[Attribute]) -> list[Span]:
    return [*entities, *(a for e in entities for a in e.attributes), *unmapped]


def codes(entity: MedicalEntity) -> list[str]:
    return [concept.code for concept in entity.concepts]


def test_every_recorded_response_is_in_the_table() -> None:
    assert names("comprehend-medical", ".response.json") == sorted(INDEX)


@pytest.mark.parametrize("name", sorted(INDEX))
def test_given_recorded_response_then_entity_count_and_fitting_offsets_match_the_index(
    name: str,
) -> None:
    expected_entities, expected_fit, expected_spans = INDEX[name]
    text = load_text(f"comprehend-medical/{name}.input.txt")

    entities, unmapped = parse_medical_entities(response(name))

    found = spans(entities, unmapped)
    assert len(entities) == expected_entities
    assert len(found) == expected_spans
    assert sum(text[s.begin : s.end] == s.text for s in found) == expected_fit


@pytest.mark.parametrize("name", sorted(INDEX))
def test_given_recorded_response_then_ids_categories_and_types_are_the_services(
    name: str,
) -> None:
    raw_entities = response(name)["Entities"]

    entities, _ = parse_medical_entities(response(name))

    assert [(e.id, e.category.value, e.type) for e in entities] == [
        (raw["Id"], raw["Category"], raw["Type"]) for raw in raw_entities
    ]
    assert all(0.0 <= e.score <= 1.0 for e in entities)


def test_given_v1_medication_then_attributes_and_unmapped_attributes_are_read() -> None:
    (entity,), unmapped = parse_medical_entities(response("de_v1_medication_sodium_chloride"))

    assert (entity.text, entity.category, entity.type) == (
        "Sodium Chloride",
        Category.MEDICATION,
        "GENERIC_NAME",
    )
    assert [(a.type, a.text) for a in entity.attributes] == [
        ("ROUTE_OR_MODE", "Infuse"),
        ("STRENGTH", "0.9%"),
        ("FORM", "solution"),
        ("ROUTE_OR_MODE", "intravenously"),
        ("FREQUENCY", "daily"),
        ("DURATION", "3 days"),
    ]
    assert entity.attributes[1].relationship_score == pytest.approx(0.7892051339149475)
    assert entity.attributes[1].relationship_type is None
    assert [(a.type, a.text, a.category, a.begin) for a in unmapped] == [
        ("DOSAGE", "1000 mL", "MEDICATION", 37),
        ("RATE", "200 mL/hr", "MEDICATION", 72),
    ]


def test_given_heent_note_then_negated_signs_carry_the_negation_trait() -> None:
    entities, _ = parse_medical_entities(response("de_v1_heent_vyvanse_2019"))

    negated = [e.text for e in entities if e.has_trait("NEGATION")]
    clubbing = next(e for e in entities if e.text == "clubbing")

    assert negated == ["clubbing", "cyanosis"]
    assert [(t.name, t.score) for t in clubbing.traits] == [
        ("SIGN", pytest.approx(0.9817004799842834)),
        ("NEGATION", pytest.approx(0.9858788847923279)),
    ]


@pytest.mark.parametrize("name", ["phi_john_smith", "cli_phi_carlos_salazar"])
def test_given_detect_phi_then_every_entity_is_protected_health_information(name: str) -> None:
    entities, _ = parse_medical_entities(response(name))

    assert {e.category for e in entities} == {Category.PROTECTED_HEALTH_INFORMATION}
    assert "NAME" in {e.type for e in entities}


def test_given_icd10_response_then_concepts_are_ranked_icd10cm_codes() -> None:
    abdominal_pain, diabetes = parse_inferred(response("cli_icd10_abdominal_pain_diabetes"))

    assert codes(abdominal_pain) == ["R10.9", "R10.13", "R10.84", "R10.32", "R10.30"]
    assert codes(diabetes)[:2] == ["E11.9", "Z83.3"]
    assert diabetes.concepts[0] == Concept(
        CodeSystem.ICD10CM,
        "E11.9",
        "Type 2 diabetes mellitus without complications",
        pytest.approx(0.7158446311950684),
    )
    assert diabetes.has_trait("DIAGNOSIS")


def test_given_rxnorm_response_then_codes_attributes_and_negation_are_read() -> None:
    levothyroxine, synthroid = parse_inferred(response("cli_rxnorm_levothyroxine"))

    assert codes(levothyroxine)[:2] == ["966224", "966405"]
    assert {c.system for c in levothyroxine.concepts} == {CodeSystem.RXNORM}
    assert [a.type for a in levothyroxine.attributes] == ["DOSAGE", "ROUTE_OR_MODE", "FREQUENCY"]
    assert synthroid.type == "BRAND_NAME"
    assert synthroid.has_trait("NEGATION")
    assert codes(synthroid)[0] == "224920"


def test_given_early_rxnorm_example_with_concept_id_names_then_codes_are_read() -> None:
    (warfarin,) = parse_inferred(response("rxnorm_warfarin_negation"))

    assert codes(warfarin) == ["11289", "855302", "855318", "855338", "855314"]
    assert warfarin.concepts[0].description == "Warfarin"
    assert warfarin.has_trait("NEGATION")


def test_given_snomed_response_then_concepts_and_related_attributes_are_read() -> None:
    entities = parse_inferred(response("snomed_heent"))
    turbinates = next(e for e in entities if e.text == "Boggy inferior turbinates")

    assert sum(len(e.concepts) for e in entities) == 25
    assert {c.system for e in entities for c in e.concepts} == {CodeSystem.SNOMEDCT}
    assert codes(entities[0])[0] == "69536005"
    (heent,) = turbinates.attributes
    assert (heent.text, heent.type, heent.category, heent.relationship_type) == (
        "HEENT",
        "SYSTEM_ORGAN_SITE",
        "ANATOMY",
        "SYSTEM_ORGAN_SITE",
    )


@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("cli_icd10_abdominal_pain_diabetes", "0.1.0"),
        ("snomed_heent", "0.0.1"),
        ("cli_snomed_abdominal_pain_diabetes", "1.0.0"),
        ("de_v2_aspirin", "unknown"),
    ],
)
def test_given_response_then_model_version_is_read(name: str, version: str) -> None:
    assert medical_model_version(response(name)) == version


def test_given_unknown_category_and_type_then_they_are_kept_not_dropped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    raw = response("de_v2_aspirin")
    raw["Entities"][0]["Type"] = "A_TYPE_ADDED_LATER"
    future = {**raw["Entities"][0], "Id": 9, "Category": "GENOMICS", "Attributes": []}
    raw["Entities"].append(future)

    with caplog.at_level(logging.WARNING):
        entities, unmapped = parse_medical_entities(raw)

    assert [e.type for e in entities] == ["A_TYPE_ADDED_LATER"]
    assert [(a.text, a.category, a.type) for a in unmapped] == [
        ("aspirin", "GENOMICS", "A_TYPE_ADDED_LATER")
    ]
    assert "GENOMICS" in caplog.text
    assert "aspirin" not in caplog.text


# --- merging Infer* concepts into detected entities --------------------------------


def test_given_real_detection_and_icd10_of_same_text_then_codes_join_the_conditions() -> None:
    # The SNOMED and ICD-10 CLI examples analysed the same sentence; their offsets
    # differ by two characters, as the detected and inferred spans of edited text do.
    detected, _ = parse_medical_entities(response("cli_snomed_abdominal_pain_diabetes"))
    inferred = parse_inferred(response("cli_icd10_abdominal_pain_diabetes"))

    merged = merge_concepts(detected, inferred)

    assert [(e.id, e.text) for e in merged] == [(e.id, e.text) for e in detected]
    assert codes(merged[0])[0] == "R10.9"
    assert codes(merged[1])[0] == "E11.9"
    assert codes(merged[2]) == []
    assert all(e.concepts == [] for e in detected)


def test_given_snomed_entities_without_codes_then_merge_gives_each_its_own_back() -> None:
    inferred = parse_inferred(response("snomed_heent"))
    detected = [dataclasses.replace(e, concepts=[]) for e in inferred]

    merged = merge_concepts(detected, inferred)

    assert [codes(e) for e in merged] == [codes(e) for e in inferred]


def entity(
    entity_id: int, begin: int, end: int, category: Category, *concepts: str
) -> MedicalEntity:
    return MedicalEntity(
        text="x" * (end - begin),
        begin=begin,
        end=end,
        score=0.9,
        id=entity_id,
        category=category,
        concepts=[Concept(CodeSystem.ICD10CM, code, code, 0.5) for code in concepts],
    )


def test_given_inferred_entity_overlapping_two_then_the_larger_overlap_gets_the_codes() -> None:
    small = entity(0, 0, 6, Category.MEDICAL_CONDITION)
    large = entity(1, 4, 20, Category.MEDICAL_CONDITION)

    merged = merge_concepts([small, large], [entity(7, 3, 18, Category.MEDICAL_CONDITION, "R51")])

    assert [codes(e) for e in merged] == [[], ["R51"]]


def test_given_overlap_in_another_category_only_then_the_inferred_entity_is_added() -> None:
    anatomy = entity(4, 0, 10, Category.ANATOMY)

    merged = merge_concepts([anatomy], [entity(0, 0, 10, Category.MEDICAL_CONDITION, "R51")])

    assert [(e.id, e.category, codes(e)) for e in merged] == [
        (4, Category.ANATOMY, []),
        (5, Category.MEDICAL_CONDITION, ["R51"]),
    ]


def test_given_codes_from_several_calls_then_each_code_is_attached_once() -> None:
    detected = entity(0, 0, 10, Category.MEDICAL_CONDITION, "R51")
    first = entity(0, 0, 10, Category.MEDICAL_CONDITION, "R51", "G44.1")
    second = entity(1, 2, 9, Category.MEDICAL_CONDITION, "G44.1", "R10.9")

    (merged,) = merge_concepts([detected], [first, second])

    assert codes(merged) == ["R51", "G44.1", "R10.9"]
    assert codes(detected) == ["R51"]
