"""The words the structure layer reads paperwork by (labels and headings, document titles,
relatives), English and Spanish, loaded from the TSV files beside this module."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from meddoc.model_structure import DocumentType, SectionKind

_DATA = Path(__file__).parent / "data"
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower case, accents off, every run of other characters one space: how labels,
    headings and titles are compared ("Fecha de nac.:" -> "fecha de nac")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", plain).strip()


def plain(text: str) -> str:
    """Lower case without accents, one character for one: offsets stay the text's."""
    return "".join(unicodedata.normalize("NFKD", c.lower())[:1] or c for c in text)


@dataclass(frozen=True, slots=True)
class Label:
    """What a label or heading says the text under it is about."""

    kind: SectionKind
    detail: str  # patient detail, social-history topic, vital sign... or ""
    heading: bool  # may stand on a line of its own
    label: bool  # may stand before a colon or as a form field's key


@dataclass(frozen=True, slots=True)
class Relative:
    code: str  # HL7 v3 RoleCode
    display: str


def _rows(name: str) -> list[list[str]]:
    lines = (_DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


@cache
def labels() -> dict[str, Label]:
    found: dict[str, Label] = {}
    for _language, text, kind, detail, use in _rows("labels.tsv"):
        found[fold(text)] = Label(
            SectionKind(kind),
            "" if detail == "-" else detail,
            use in ("heading", "both"),
            use in ("label", "both"),
        )
    return found


@cache
def document_types() -> tuple[tuple[str, DocumentType], ...]:
    """(folded phrase, type), longest phrase first."""
    rows = [
        (fold(phrase), DocumentType(kind)) for _language, phrase, kind in _rows("doctypes.tsv")
    ]
    return tuple(sorted(rows, key=lambda row: -len(row[0])))


@cache
def relatives() -> dict[str, Relative]:
    return {
        fold(word): Relative(code, display) for _l, word, code, display in _rows("relatives.tsv")
    }


def label_of(text: str) -> Label | None:
    """The label a field's key or a line's text before its colon is, if it is one."""
    found = labels().get(fold(text))
    return found if found is not None and found.label else None


def heading_of(text: str) -> Label | None:
    """The heading a line standing on its own is, if it is one ("Family history")."""
    found = labels().get(fold(text))
    return found if found is not None and found.heading else None


def has_phrase(folded: str, phrase: str) -> bool:
    """Whether a folded text holds a folded phrase as whole words."""
    return f" {phrase} " in f" {folded} "
