"""The structure step can be turned off, for the local host and for the OCR engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from meddoc.errors import ConfigurationError
from meddoc.local.engines import OfflineTextDetector
from meddoc.local.files import FileBlobStore
from meddoc.local.settings import LocalSettings


@pytest.mark.parametrize(("value", "expected"), [("off", False), ("0", False), ("on", True)])
def test_given_meddoc_structure_then_the_setting_follows_it(value: str, expected: bool) -> None:
    assert LocalSettings.from_environ({"MEDDOC_STRUCTURE": value}).structure is expected


def test_given_no_setting_then_structure_is_read_and_a_wrong_word_is_refused() -> None:
    assert LocalSettings.from_environ({}).structure is True
    with pytest.raises(ConfigurationError, match="MEDDOC_STRUCTURE must be on or off"):
        LocalSettings.from_environ({"MEDDOC_STRUCTURE": "maybe"})


def test_given_structure_off_then_the_detector_asks_the_engine_for_text_only(
    tmp_path: Path,
) -> None:
    detector = OfflineTextDetector(FileBlobStore(tmp_path), structure=False)
    assert detector.engine.config.structure is False
    assert "layout analyser" not in detector.engine.engine.version
    assert OfflineTextDetector(FileBlobStore(tmp_path)).engine.config.structure is True
