"""The recorded AWS responses in tests/fixtures/aws (sources in its README.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "aws"


def load_json(relative: str) -> Any:
    return json.loads((ROOT / relative).read_text(encoding="utf-8"))


def load_text(relative: str) -> str:
    return (ROOT / relative).read_text(encoding="utf-8")


def names(folder: str, suffix: str) -> list[str]:
    """Fixture names in a folder, e.g. names("textract", ".textract.json")."""
    return sorted(path.name[: -len(suffix)] for path in (ROOT / folder).glob(f"*{suffix}"))
