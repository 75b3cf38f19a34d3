"""The benchmark's scoring rules (meddoc.bench.medical_metrics)."""

from __future__ import annotations

import pytest

from meddoc.bench.medical_metrics import (
    code_mismatches,
    misses_and_false_positives,
    score_document,
)
from meddoc.model import Attribute, Category, CodeSystem, Concept, MedicalEntity, Trait


def entity(
    begin: int,
    end: int,
    category: str = "MEDICAL_CONDITION",
    kind: str = "DX_NAME",
    negated: bool = False,
    code: str = "",
    attributes: tuple[tuple[str, int, int], ...] = (),
) -> MedicalEntity:
    return MedicalEntity(
        text="x" * (end - begin),
        begin=begin,
        end=end,
        score=1.0,
        category=Category(category),
        type=kind,
        traits=[Trait("NEGATION", 1.0)] if negated else [],
        concepts=[Concept(CodeSystem.ICD10CM, code, "", 1.0)] if code else [],
        attributes=[Attribute("a", b, e, 1.0, type=t) for t, b, e in attributes],
    )


def test_given_an_overlapping_prediction_of_the_same_category_then_it_counts() -> None:
    score = score_document([entity(0, 14)], [entity(10, 14)])
    counts = score.categories["MEDICAL_CONDITION"]
    assert (counts.references, counts.found, counts.predictions, counts.correct) == (1, 1, 1, 1)
    assert score.micro().f1 == 1.0


def test_given_a_prediction_of_another_category_then_it_is_a_miss_and_a_false_positive() -> None:
    score = score_document([entity(0, 5)], [entity(0, 5, "ANATOMY", "SYSTEM_ORGAN_SITE")])
    assert score.categories["MEDICAL_CONDITION"].recall == 0.0
    assert score.categories["ANATOMY"].precision == 0.0
    assert score.micro().f1 == 0.0


def test_given_non_headline_types_then_they_are_ignored() -> None:
    reference = [
        entity(0, 4, "ANATOMY", "DIRECTION"),
        entity(5, 9, "ANATOMY", "SYSTEM_ORGAN_SITE"),
    ]
    score = score_document(reference, [entity(5, 9, "ANATOMY", "SYSTEM_ORGAN_SITE")])
    assert score.categories["ANATOMY"].references == 1
    assert score.micro().f1 == 1.0


def test_given_counts_then_precision_recall_and_f1_follow() -> None:
    reference = [entity(0, 3), entity(10, 13), entity(20, 23), entity(30, 33)]
    predicted = [entity(0, 3), entity(10, 13), entity(40, 43)]
    micro = score_document(reference, predicted).micro()
    assert micro.recall == pytest.approx(0.5)
    assert micro.precision == pytest.approx(2 / 3)
    assert micro.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))


def test_given_matches_then_negation_attributes_and_codes_are_compared() -> None:
    reference = [
        entity(0, 5, negated=True, code="R10.9", attributes=(("ACUITY", 6, 10),)),
        entity(20, 25, code="I10", attributes=(("SYSTEM_ORGAN_SITE", 30, 34),)),
    ]
    predicted = [
        entity(0, 5, negated=True, code="R10.9", attributes=(("ACUITY", 6, 9),)),
        entity(20, 25, code="I11.9"),
    ]
    score = score_document(reference, predicted)
    assert score.negation.value == 1.0
    assert score.icd10_top1.value == 0.5
    assert score.attributes["ACUITY"].value == 1.0
    assert score.attributes["SYSTEM_ORGAN_SITE"].value == 0.0
    assert score.attribute_recall().value == 0.5


def test_given_an_api_that_covers_one_category_then_only_it_is_scored() -> None:
    reference = [entity(0, 5)]
    predicted = [entity(0, 5), entity(8, 12, "MEDICATION", "GENERIC_NAME")]
    score = score_document(reference, predicted, ["MEDICAL_CONDITION"])
    assert set(score.categories) == {"MEDICAL_CONDITION"}
    assert score.micro().precision == 1.0


def test_given_errors_then_misses_and_false_positives_are_listed() -> None:
    missed, wrong = misses_and_false_positives(
        [entity(0, 5), entity(9, 12)], [entity(9, 12), entity(20, 25)]
    )
    assert [(m.begin, m.end) for m in missed] == [(0, 5)]
    assert [(w.begin, w.end) for w in wrong] == [(20, 25)]


def test_given_phi_references_then_every_phi_type_counts_when_the_api_covers_phi() -> None:
    name = entity(0, 10, "PROTECTED_HEALTH_INFORMATION", "NAME")
    age = entity(14, 16, "PROTECTED_HEALTH_INFORMATION", "AGE")
    predicted = [entity(0, 10, "PROTECTED_HEALTH_INFORMATION", "NAME")]
    phi = score_document([name, age], predicted, ["PROTECTED_HEALTH_INFORMATION"])
    counts = phi.categories["PROTECTED_HEALTH_INFORMATION"]
    assert (counts.references, counts.found, counts.predictions, counts.correct) == (2, 1, 1, 1)
    # the labelled corpus carries no PHI labels: by default PHI is not scored at all
    assert "PROTECTED_HEALTH_INFORMATION" not in score_document([name], predicted).categories


def test_given_a_matched_condition_with_another_top_code_then_it_is_a_code_mismatch() -> None:
    reference = [entity(0, 5, code="R21"), entity(10, 15, code="L29.9")]
    predicted = [entity(0, 5, code="R21"), entity(10, 15, code="L29.8")]
    wrong = code_mismatches(reference, predicted)
    assert [(r.begin, top) for r, top in wrong] == [(10, "L29.8")]
