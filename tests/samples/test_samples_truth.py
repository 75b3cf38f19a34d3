"""The generator's ground truth: deterministic, offsets exact, labels shaped like Comprehend
Medical's, and every identity obviously invented."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from samplegen import plan, vocab
from samplegen.compose import Composer, Mark, Part
from samplegen.documents import KINDS, LANGUAGES, Spec

MEDICATION_ATTRIBUTES = {"DOSAGE", "STRENGTH", "ROUTE_OR_MODE", "FREQUENCY", "DURATION", "FORM"}
PHI_TYPES = {"NAME", "DATE", "AGE", "ADDRESS", "PHONE_OR_FAX", "ID", "EMAIL"}
FOOTERS = ("SAMPLE — fictitious patient", "MUESTRA — paciente ficticio")


def _truth(spec: Spec, seed: int = plan.COMMITTED_SEED) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(plan.truth_json(spec, seed))
    return loaded


# A wide random set (truth only, no drawing) on top of the committed one.
SPECS = list(plan.COMMITTED) + plan.random_plan(60, seed=7)


def _spans(truth: dict[str, Any]) -> list[dict[str, Any]]:
    spans = []
    for entity in truth["entities"] + truth["phi"]:
        spans.append(entity)
        spans.extend(entity["attributes"])
    return spans


def test_given_the_same_seed_when_composed_twice_then_the_truth_is_identical() -> None:
    for spec in SPECS[:20]:
        assert plan.truth_json(spec, 11) == plan.truth_json(spec, 11)


def test_given_another_seed_when_composed_then_the_text_differs() -> None:
    spec = plan.COMMITTED[0]
    assert _truth(spec, 1)["text"] != _truth(spec, 2)["text"]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_every_entity_attribute_and_phi_offset_slices_its_own_text(spec: Spec) -> None:
    truth = _truth(spec)
    for span in _spans(truth):
        assert truth["text"][span["begin"] : span["end"]] == span["text"]
    for begin, end in truth["handwriting"]:
        assert 0 <= begin < end <= len(truth["text"])


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_the_truth_text_is_its_lines_joined_and_each_page_ends_with_the_sample_footer(
    spec: Spec,
) -> None:
    truth = _truth(spec)
    assert truth["text"] == "\n".join(truth["lines"])
    pages = truth["text"].split("\n\n")
    assert len(pages) == truth["pages"]
    for page in pages:
        assert page.splitlines()[-1].startswith(FOOTERS)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_labels_follow_comprehend_medical_categories_types_and_attributes(spec: Spec) -> None:
    truth = _truth(spec)
    for entity in truth["entities"]:
        if entity["category"] == "MEDICATION":
            assert entity["type"] in {"GENERIC_NAME", "BRAND_NAME"}
            assert {a["type"] for a in entity["attributes"]} <= MEDICATION_ATTRIBUTES
        elif entity["category"] == "MEDICAL_CONDITION":
            assert entity["type"] == "DX_NAME"
            assert [c["system"] for c in entity["concepts"]] == ["ICD-10-CM"]
            assert {"DIAGNOSIS", "SYMPTOM", "SIGN"} & {t["name"] for t in entity["traits"]}
        elif entity["category"] == "TEST_TREATMENT_PROCEDURE":
            assert {a["type"] for a in entity["attributes"]} <= {"TEST_VALUE", "TEST_UNIT"}
        else:
            assert entity["category"] == "ANATOMY"
    assert {p["type"] for p in truth["phi"]} <= PHI_TYPES
    assert [e["id"] for e in truth["entities"]] == list(range(len(truth["entities"])))


@pytest.mark.parametrize("spec", [s for s in SPECS if s.kind == "intake"], ids=lambda s: s.name)
def test_a_form_filled_by_hand_has_its_answers_in_handwriting_a_typed_one_only_its_signature(
    spec: Spec,
) -> None:
    truth = _truth(spec)
    handwritten = [tuple(span) for span in truth["handwriting"]]
    patient = truth["phi"][3]  # after the clinic's name, address and phone
    signature = [p for p in truth["phi"] if p["text"] == patient["text"]][-1]
    assert patient["type"] == signature["type"] == "NAME"
    assert patient["begin"] < signature["begin"]
    assert (signature["begin"], signature["end"]) in handwritten
    assert ((patient["begin"], patient["end"]) in handwritten) == spec.hand
    assert len(handwritten) > 10 if spec.hand else len(handwritten) == 1


def test_a_visit_note_negates_what_the_patient_denies() -> None:
    truth = _truth(next(s for s in plan.COMMITTED if s.kind == "visit_note"))
    negated = [e for e in truth["entities"] if any(t["name"] == "NEGATION" for t in e["traits"])]
    assert len(negated) >= 2
    for entity in negated:
        before = truth["text"][max(0, entity["begin"] - 40) : entity["begin"]]
        assert re.search(r"\b(Denies|Niega|no|sin)\b", before)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_every_identity_is_obviously_fictitious(spec: Spec) -> None:
    truth = _truth(spec)
    for phi in truth["phi"]:
        if phi["type"] == "PHONE_OR_FAX":
            assert re.fullmatch(r"\(\d{3}\) 555-01\d\d", phi["text"])
        if phi["type"] == "EMAIL":
            assert re.search(r"@example\.(com|org|net)$", phi["text"])


def test_the_icd10cm_codes_are_real_billable_codes_with_their_official_descriptions() -> None:
    import simple_icd_10_cm as icd

    for condition in vocab.CONDITIONS:
        code = condition.code.code
        assert icd.is_valid_item(code), code
        assert icd.is_leaf(code), code
        assert icd.get_description(code) == condition.code.description


def test_the_random_plan_covers_every_kind_and_language() -> None:
    specs = plan.random_plan(60, seed=7)
    assert {s.kind for s in specs} == set(KINDS)
    assert {s.language for s in specs} == set(LANGUAGES)
    assert plan.random_plan(60, seed=7) == specs


_words = st.text(alphabet="abcdefgh", min_size=1, max_size=9)


@given(
    st.lists(st.tuples(_words, st.booleans(), st.booleans()), min_size=1, max_size=25),
    st.integers(min_value=4, max_value=40),
)
def test_wrapping_never_splits_a_mark_and_never_moves_an_offset(
    items: list[tuple[str, bool, bool]], width: int
) -> None:
    composer = Composer()
    composer.line(["Header"])
    parts: list[Part] = []
    marks: list[Mark] = []
    for word, marked, two_words in items:
        text = f"{word} {word}" if two_words else word
        if marked:
            marks.append(Mark(text))
            parts.append(marks[-1])
        else:
            parts.append(text)
        parts.append(" ")
    composer.line(parts[:-1], wrap=width)
    text = composer.text
    for mark in marks:
        assert text[mark.begin : mark.end] == mark.text
    assert text.replace("\n", " ") == "Header " + "".join(
        p if isinstance(p, str) else p.text for p in parts[:-1]
    )
