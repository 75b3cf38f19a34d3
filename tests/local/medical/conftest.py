"""Shared vocabulary and analyzer for the medical engine tests (the local extra's
vocabulary packages are required: `make test` installs them)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from meddoc.local.medical.engine import LocalMedicalAnalyzer
from meddoc.local.medical.vocabulary import Vocabulary, load_vocabulary
from meddoc.model import MedicalEntity


@pytest.fixture(scope="session")
def vocabulary() -> Vocabulary:
    # The default cache (~/.cache/meddoc): built once, then loaded in under a second.
    return load_vocabulary()


@pytest.fixture(scope="session")
def analyzer(vocabulary: Vocabulary) -> LocalMedicalAnalyzer:
    return LocalMedicalAnalyzer(vocabulary=vocabulary)


Finder = Callable[..., MedicalEntity]


def _find(entities: list[MedicalEntity], text: str, category: str | None = None) -> MedicalEntity:
    matches = [e for e in entities if e.text == text and category in (None, e.category)]
    assert matches, f"no {text!r} ({category}) in {[(e.text, e.category) for e in entities]}"
    return matches[0]


@pytest.fixture
def find() -> Finder:
    """The first entity with this text (and category)."""
    return _find
