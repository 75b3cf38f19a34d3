"""meddoc itself, when it can be imported: installed, or the checkout's src/ beside this
folder. It brings the pipeline's own type checks (truncation, page counts), its limits
and the price table; without it the uploader falls back on a small built-in check."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

CHECKOUT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class Package:
    file_types: ModuleType  # meddoc.pipeline.file_types
    invalid_document: type[Exception]  # meddoc.errors.InvalidDocument
    limits: Any  # meddoc.limits.Limits()
    pricing: ModuleType | None  # meddoc.pricing.estimate


@cache
def load() -> Package | None:
    """meddoc's parts, or None when it cannot be imported here."""
    try:
        import meddoc  # noqa: F401
    except ImportError:
        src = CHECKOUT / "src"
        if (src / "meddoc" / "__init__.py").is_file():
            sys.path.append(str(src))  # after site-packages: an installed meddoc wins
    try:
        from meddoc.errors import InvalidDocument
        from meddoc.limits import Limits
        from meddoc.pipeline import file_types
    except Exception:  # an old Python or a broken install: use the built-in check
        return None
    try:
        from meddoc.pricing import estimate as pricing
    except Exception:
        pricing = None  # type: ignore[assignment]
    return Package(file_types, InvalidDocument, Limits(), pricing)
