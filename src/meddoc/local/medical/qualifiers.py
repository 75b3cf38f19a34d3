"""Words around a condition that pick its ICD-10-CM code without being part of its name:
severity and course before it ("moderate persistent asthma"), a list after it ("Major
depressive disorder, recurrent, in partial remission"; "Otitis media, left") and its
stage or class ("Stage 2 pressure ulcer", "CKD stage 3b", "class 1 obesity")."""

from __future__ import annotations

import re

from meddoc.local.medical.matcher import Mention
from meddoc.local.medical.text import Token

_NUMBER = r"(?:\d{1,2}[a-c]?|i{1,3}[a-c]?|iv|v)"
_BEFORE_RE = re.compile(rf"\b(stage|class)\s+({_NUMBER})\s*$", re.IGNORECASE)
_INSIDE_RE = re.compile(rf"\b(stage|class)\s+({_NUMBER})\b", re.IGNORECASE)
_AFTER_RE = re.compile(rf"^\s*,?\s*(stage|class)\s+({_NUMBER})\b", re.IGNORECASE)
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"}
_MAX_ITEMS = 4
_MAX_WORDS = 3


def qualifiers(
    tokens: list[Token], mention: Mention, modifiers: dict[str, tuple[str, str]]
) -> list[str]:
    """Modifier words and phrases right before the condition or listed right after it."""
    found = []
    k = mention.first - 1
    while k >= 0 and "refine" in modifiers.get(tokens[k].norm, ("", ""))[0]:
        found.append(tokens[k].norm)
        k -= 1
    k = mention.last
    for _ in range(_MAX_ITEMS):
        if k < len(tokens) and tokens[k].norm == ",":
            k += 1
        item = _item(tokens, k, modifiers, ("side", "refine", "acuity"))
        if not item:
            break
        found.append(" ".join(t.norm for t in tokens[k : k + item]))
        k += item
    return found


def _item(
    tokens: list[Token], k: int, modifiers: dict[str, tuple[str, str]], roles: tuple[str, ...]
) -> int:
    """How many tokens from k form a modifier phrase of one of `roles` (0 when none)."""
    for width in range(_MAX_WORDS, 0, -1):
        if k + width > len(tokens):
            continue
        key = " ".join(t.norm for t in tokens[k : k + width])
        role = modifiers.get(key, ("", ""))[0]
        if any(r in role for r in roles):
            return width
    return 0


def encounter(
    tokens: list[Token], first: int, last: int, modifiers: dict[str, tuple[str, str]]
) -> list[str]:
    """Encounter words (role "encounter") among tokens[first:last], the condition's
    sentence ("admitted for rehabilitation after ORIF of a right hip fracture")."""
    found = []
    for k in range(first, last):
        width = _item(tokens, k, modifiers, ("encounter",))
        if width:
            found.append(" ".join(t.norm for t in tokens[k : k + width]))
    return found


def before(tokens: list[Token], mention: Mention, modifiers: dict[str, tuple[str, str]]) -> str:
    """Up to two words right before the condition on its line that the vocabulary did
    not join to it ("postablative hypothyroidism", "intramural fibroids"); not its
    side, course or severity, which refine its code otherwise."""
    words: list[str] = []
    k = mention.first - 1
    while k >= 0 and len(words) < 2 and tokens[k].norm.isalpha():
        if tokens[k].norm in modifiers:
            break
        if tokens[k].end + 1 != tokens[k + 1].begin:
            break  # not one space apart: another line or column
        words.insert(0, tokens[k].text)
        k -= 1
    return " ".join(words)


def stage(text: str, begin: int, end: int) -> list[str]:
    """["stage", "3b"] or ["class", "1"] for the stage or class said of the condition
    inside its text, right before it or right after it."""
    match = (
        _INSIDE_RE.search(text, begin, end)
        or _BEFORE_RE.search(text[max(0, begin - 12) : begin])
        or _AFTER_RE.search(text[end : end + 14])
    )
    if not match:
        return []
    number = match.group(2).lower()
    roman = number.rstrip("abc")
    if roman in _ROMAN:
        number = _ROMAN[roman] + number[len(roman) :]
    return [match.group(1).lower(), number]
