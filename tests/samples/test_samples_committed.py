"""The committed sample set under samples/: what the generator makes for the committed
seed, decodable, the expected pages and size, and covering every kind of paperwork.

Truth files must match the generator byte for byte. Images are only checked for what does
not depend on the font rasterizer (format, page count, pixel size): Pillow and FreeType
versions may draw glyph edges a little differently."""

from __future__ import annotations

import json
from typing import Any

import pytest
from samplegen import degrade, plan
from samplegen.documents import Spec

from tests.samples.pages import SAMPLES, page_sizes

DOCUMENTS = SAMPLES / plan.DOCUMENTS_DIR
TRUTH = SAMPLES / plan.TRUTH_DIR

LIMIT = 5 * 1024 * 1024


def _committed_truth(spec: Spec) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((TRUTH / f"{spec.name}{plan.TRUTH_SUFFIX}").read_text())
    return loaded


@pytest.mark.parametrize("spec", plan.COMMITTED, ids=lambda s: s.name)
def test_the_committed_truth_file_is_what_the_generator_makes_for_the_committed_seed(
    spec: Spec,
) -> None:
    committed = (TRUTH / f"{spec.name}{plan.TRUTH_SUFFIX}").read_text(encoding="utf-8")
    assert committed == plan.truth_json(spec, plan.COMMITTED_SEED)


@pytest.mark.parametrize("spec", plan.COMMITTED, ids=lambda s: s.name)
def test_every_committed_document_decodes_with_its_expected_page_count(spec: Spec) -> None:
    truth = _committed_truth(spec)
    sizes = page_sizes(DOCUMENTS / truth["file"])
    assert len(sizes) == truth["pages"] == spec.pages
    width, height = sizes[0]
    # Paper is portrait; a scan turned a quarter is landscape.
    assert (width > height) == (truth["rotation"] == 90)


def test_the_committed_set_is_exactly_the_plan_and_nothing_else() -> None:
    documents = {p.name for p in DOCUMENTS.iterdir()}
    truths = {p.name for p in TRUTH.iterdir()}
    assert documents == {spec.file_name for spec in plan.COMMITTED}
    assert truths == {f"{spec.name}{plan.TRUTH_SUFFIX}" for spec in plan.COMMITTED}


def test_the_committed_samples_weigh_at_most_five_megabytes() -> None:
    paths = [DOCUMENTS / spec.file_name for spec in plan.COMMITTED]
    paths += [TRUTH / f"{spec.name}{plan.TRUTH_SUFFIX}" for spec in plan.COMMITTED]
    assert sum(path.stat().st_size for path in paths) <= LIMIT


def test_the_committed_set_covers_every_kind_language_hand_and_look() -> None:
    specs = plan.COMMITTED
    assert {(s.kind, s.language) for s in specs} == {
        (kind, language)
        for kind in ("intake", "prescription", "visit_note", "lab_report")
        for language in ("en", "es")
    }
    assert {s.hand for s in specs} == {True, False}
    assert 2 <= sum(s.look == degrade.PHOTO for s in specs) <= 3
    assert any(s.look in (degrade.ROT90, degrade.ROT180) for s in specs)
    assert any(s.pages == 2 for s in specs)
