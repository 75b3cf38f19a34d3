"""Occupations: listed occupation words anywhere, and any occupation after a cue such as
"works as a" or "trabaja como" (clinical staff words count only after a cue)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from importlib import resources

from meddoc.local.phi_patterns import Finding, Kind

_CUE = re.compile(
    r"\b(?:works?|worked|working|employed|trabaja|trabajaba|trabajó|labora)\s+(?:as|como)"
    r"(?:\s+(?:an?|un|una))?\s+|\bde profesión\s+|\bby profession\s+",
    re.IGNORECASE,
)
# An employer named after "works at": capitalized words only
_EMPLOYER = re.compile(
    r"\b(?i:works?|worked|working|employed|trabaja|trabajaba|trabajó)[ \t]+(?i:at|for|en|para)"
    r"[ \t]+((?:the[ \t]+)?[A-Z][\w&'.-]*(?:[ \t]+(?:of|de|&)?[ \t]*[A-Z][\w&'.-]*){0,4})"
)
# Where an occupation named after a cue ends
_CUE_STOP = re.compile(
    r"[,.;:()\n]|\s(?:at|in|for|with|and|since|from|en|de|desde|con|y|para|durante)\b"
)


@cache
def _pattern(language: str) -> re.Pattern[str]:
    names = set(_read("professions_en.txt"))
    if language == "es":
        names |= set(_read("professions_es.txt"))
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.IGNORECASE)


def _read(name: str) -> list[str]:
    text = resources.files("meddoc.local.phi_data").joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def find_professions(text: str, language: str) -> Iterator[Finding]:
    for match in _pattern(language).finditer(text):
        yield Finding(Kind.PROFESSION, match.start(), match.end(), 0.7, 32)
    for match in _CUE.finditer(text):
        stop = _CUE_STOP.search(text, match.end())
        end = stop.start() if stop else len(text)
        value = text[match.end() : end].rstrip()
        if 0 < len(value.split()) <= 4:
            yield Finding(Kind.PROFESSION, match.end(), match.end() + len(value), 0.8, 34)
    for match in _EMPLOYER.finditer(text):
        yield Finding(Kind.PROFESSION, match.start(1), match.end(1), 0.7, 34)
