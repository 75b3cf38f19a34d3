"""One rendered page through the real local OCR and NLP, scored on the original text."""

from __future__ import annotations

import pytest

from meddoc.bench.end_to_end import Pipeline, run_page
from meddoc.bench.medical import Document
from meddoc.bench.medical_metrics import ALL_CATEGORIES
from meddoc.bench.rendering import PRINTED, installed
from meddoc.model import Category, MedicalEntity, Trait

pytestmark = pytest.mark.slow

TEXT = "Patient denies taking\nwarfarin. He reports chest pain and takes aspirin 81 mg daily."


def reference(text: str, category: str, kind: str) -> MedicalEntity:
    begin = TEXT.index(text)
    return MedicalEntity(
        text, begin, begin + len(text), 1.0, category=Category(category), type=kind
    )


def test_given_a_printed_page_then_its_entities_are_scored_on_the_original_text() -> None:
    face = next((f for f in PRINTED if installed(f)), None)
    if face is None:
        pytest.skip("the Debian font packages are not installed")
    document = Document(
        "e2e",
        "unit",
        "en",
        TEXT,
        [
            reference("warfarin", "MEDICATION", "GENERIC_NAME"),
            reference("chest pain", "MEDICAL_CONDITION", "DX_NAME"),
            reference("aspirin", "MEDICATION", "GENERIC_NAME"),
        ],
        ALL_CATEGORIES,
    )
    document.reference[0].traits = [Trait("NEGATION", 1.0)]  # across the line break
    run = run_page(Pipeline.load(), document, face, "unit", seed=0)
    micro = run.score.micro()
    assert (micro.references, micro.found) == (3, 3)
    assert run.score.categories["MEDICATION"].predictions == 2
    assert run.score.negation.value == 1.0
    assert run.cer < 0.05
