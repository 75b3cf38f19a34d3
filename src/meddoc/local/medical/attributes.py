"""Attributes of tests (TEST_VALUE, TEST_UNIT), anatomy (DIRECTION) and conditions
(SYSTEM_ORGAN_SITE, DIRECTION, ACUITY), found from the words around each entity."""

from __future__ import annotations

import re
from dataclasses import dataclass

from meddoc.local.medical.matcher import ANATOMY, Mention
from meddoc.local.medical.text import Token
from meddoc.local.medical.vocabulary import LanguageRules

_VALUE_RE = re.compile(
    r"(?P<lead>\s*(?:[:=]|\b(?:is|was|were|of|at|de|del|shows?|today|now)\b)?\s*(?:\bthe\b\s*)?)"
    r"(?P<value>(?:(?:less than|greater than|below|above|under|over)\s+)?[<>≤≥]?\s*"
    r"\d+(?:[.,]\d+)*(?:\s*/\s*\d+(?:[.,]\d+)?)?\+?)"
    r"(?P<unit>\s*(?:%|°\s?[CF]\b|x\s?10\^\d+/[a-zA-Zµμ]+|[a-zA-Zµμ]+(?:/[a-zA-Zµμ0-9.]+)?))?",
)
_KNOWN_UNITS = frozenset(
    [
        "kg",
        "lb",
        "lbs",
        "g",
        "cm",
        "mm",
        "m",
        "c",
        "f",
        "mmhg",
        "bpm",
        "lpm",
        "rpm",
        "seconds",
        "sec",
        "s",
        "min",
        "units",
        "iu",
        "u",
        "mmol",
        "meq",
        "ml",
        "l",
        "mg",
        "mcg",
        "ng",
        "pg",
    ]
)
_SITE_LINKS = frozenset(
    [
        "in",
        "of",
        "on",
        "over",
        "to",
        "at",
        "around",
        "near",
        "the",
        "his",
        "her",
        "their",
        "both",
        "bilateral",
        "en",
        "de",
        "del",
        "la",
        "el",
        "los",
        "las",
        "ambas",
        "ambos",
        "sus",
        "su",
        "a",
    ]
)
_SKIP_BEFORE_CONDITION = frozenset(
    [
        "mild",
        "moderate",
        "severe",
        "slight",
        "sharp",
        "dull",
        "aching",
        "mild-to-moderate",
        "leve",
        "moderada",
        "moderado",
        "grave",
        "intensa",
        "intenso",
        "-",
    ]
)


@dataclass(frozen=True, slots=True)
class Span:
    type: str
    begin: int
    end: int


def test_values(text: str, test: Mention, rules: LanguageRules, tokens: list[Token]) -> list[Span]:
    match = _VALUE_RE.match(text, test.end)
    spans: list[Span] = []
    if match:
        spans.append(Span("TEST_VALUE", match.start("value"), match.end("value")))
        unit = match.group("unit")
        if unit and _is_unit(unit.strip()):
            spans.append(
                Span("TEST_UNIT", match.end("unit") - len(unit.strip()), match.end("unit"))
            )
        return spans
    worded = _word_after(tokens, test.last, rules) or _word_before(tokens, test.first, rules)
    return [worded] if worded else []


def _is_unit(unit: str) -> bool:
    lowered = unit.lower().replace("°", "").strip()
    return unit == "%" or "/" in lowered or "^" in lowered or lowered in _KNOWN_UNITS


def _word_after(tokens: list[Token], k: int, rules: LanguageRules) -> Span | None:
    while k < len(tokens) and tokens[k].norm in (":", "is", "was", "were", "es"):
        k += 1
    for j in range(min(len(tokens), k + 3), k, -1):
        key = " ".join(t.norm for t in tokens[k:j])
        if "TEST_WORD" in rules.attribute_words.get(key, ()):
            return Span("TEST_VALUE", tokens[k].begin, tokens[j - 1].end)
    return None


def _word_before(tokens: list[Token], first: int, rules: LanguageRules) -> Span | None:
    """ "positive nitrite", "positive for protein and glucose", "trace blood"."""
    for back in range(1, 6):
        k = first - back
        if k < 0 or tokens[k].norm in (".", ";", ":", ","):
            return None
        if "TEST_WORD" in rules.attribute_words.get(tokens[k].norm, ()) and (
            back == 1 or tokens[k + 1].norm in ("for", "to", "para")
        ):
            return Span("TEST_VALUE", tokens[k].begin, tokens[k].end)
    return None


def directions(tokens: list[Token], site: Mention, rules: LanguageRules) -> list[Span]:
    """Direction words right before an anatomy term ("left lower"), or right after it in
    Spanish ("hemitórax derecho")."""
    spans = []
    k = site.first - 1
    while k >= 0 and "DIRECTION" in rules.attribute_words.get(tokens[k].norm, ()):
        spans.append(Span("DIRECTION", tokens[k].begin, tokens[k].end))
        k -= 1
    k = site.last
    while k < len(tokens) and "DIRECTION" in rules.attribute_words.get(tokens[k].norm, ()):
        if tokens[k].norm not in ("izquierdo", "izquierda", "derecho", "derecha", "bilateral"):
            break
        spans.append(Span("DIRECTION", tokens[k].begin, tokens[k].end))
        k += 1
    return sorted(spans, key=lambda s: s.begin)


def condition_sites(
    condition: Mention,
    anatomy: list[Mention],
    tokens: list[Token],
    rules: LanguageRules,
    condition_words: frozenset[int] = frozenset(),
) -> list[Mention]:
    """Anatomy nested in the condition, right before it, or linked after it ("rash on
    face and leg", "tenderness over the anatomic snuffbox")."""
    sites = [a for a in anatomy if condition.begin <= a.begin and a.end <= condition.end]
    if sites:
        return sites
    before = [a for a in anatomy if a.last == condition.first]
    if before:
        return before
    if condition.first >= 1 and tokens[condition.first - 1].norm in ("with", "con"):
        # "Left wrist with swelling"
        linked_before = [a for a in anatomy if a.last == condition.first - 1]
        if linked_before:
            return linked_before
    by_first = {a.first: a for a in anatomy if a.category == ANATOMY}
    k = condition.last
    linked: list[Mention] = []
    while k < len(tokens) and k - condition.last < 8:
        site = by_first.get(k)
        if site is not None:
            linked.append(site)
            k = site.last
            if k < len(tokens) and tokens[k].norm in ("and", "y"):
                k += 1
                continue
            break
        direction = "DIRECTION" in rules.attribute_words.get(tokens[k].norm, ())
        coordinated = tokens[k].norm in ("or", "and", "o", "y", ",") or k in condition_words
        if tokens[k].norm not in _SITE_LINKS and not direction and not coordinated:
            break
        k += 1
    return linked


def acuity(tokens: list[Token], condition: Mention, rules: LanguageRules) -> Span | None:
    """An acuity word before the condition ("acute", "intermittent lower abdominal") or
    after it ("faringitis aguda", ", recurrent", "which has been persistent")."""
    k = condition.first - 1
    while k >= 0 and (
        tokens[k].norm in _SKIP_BEFORE_CONDITION
        or rules.attribute_words.get(tokens[k].norm, frozenset()) & {"DIRECTION"}
    ):
        k -= 1
    span = _acuity_phrase_ending(tokens, k, rules)
    if span:
        return span
    k = condition.last
    while k < len(tokens) and tokens[k].norm in (
        ",",
        "which",
        "that",
        "has",
        "have",
        "been",
        "is",
        "was",
    ):
        k += 1
    for j in range(min(len(tokens), k + 3), k, -1):
        key = " ".join(t.norm for t in tokens[k:j])
        if "ACUITY" in rules.attribute_words.get(key, ()):
            return Span("ACUITY", tokens[k].begin, tokens[j - 1].end)
    return None


def _acuity_phrase_ending(tokens: list[Token], k: int, rules: LanguageRules) -> Span | None:
    for width in (3, 2, 1):
        first = k - width + 1
        if first < 0:
            continue
        key = " ".join(t.norm for t in tokens[first : k + 1])
        if "ACUITY" in rules.attribute_words.get(key, ()):
            return Span("ACUITY", tokens[first].begin, tokens[k].end)
    return None
