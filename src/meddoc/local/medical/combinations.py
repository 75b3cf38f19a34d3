"""Conditions a note links to a cause or a complication ("DM2 with hyperglycemia",
"anemia of chronic kidney disease", "chemotherapy-induced neutropenia"): ICD-10-CM codes
such pairs with one combination code (E11.65, D63.1, D70.1), which both mentions get."""

from __future__ import annotations

from dataclasses import dataclass

from meddoc.local.medical.matcher import ANATOMY, CONDITION, Mention
from meddoc.local.medical.text import Token

_MAX_LINK = 3  # words of a link phrase ("secondary to")
_MAX_WORDS = 4  # words of a companion that is no condition mention ("blood loss")
_BOUNDARIES = frozenset({",", ".", ";", ":", "and", "or", "but", "(", ")"})


@dataclass(frozen=True, slots=True)
class Pair:
    condition: Mention
    companion: str  # the linked words
    other: Mention | None  # the linked condition, when the companion is one


def pairs(
    text: str, tokens: list[Token], mentions: list[Mention], links: dict[str, str]
) -> list[Pair]:
    """Each condition with the words a link phrase ties to it: after it ("with", "due
    to", "of" a condition) or before it ("chemotherapy-induced")."""
    by_first = {m.first: m for m in mentions if m.category in (CONDITION, ANATOMY)}
    found = []
    for mention in mentions:
        if mention.category != CONDITION:
            continue
        after = _after(text, tokens, mention, by_first, links)
        if after:
            found.append(after)
        before = _before(text, tokens, mention, links)
        if before:
            found.append(before)
    return found


def _after(
    text: str,
    tokens: list[Token],
    mention: Mention,
    by_first: dict[int, Mention],
    links: dict[str, str],
) -> Pair | None:
    for width in range(_MAX_LINK, 0, -1):
        k = mention.last + width
        if k > len(tokens):
            continue
        role = links.get(" ".join(t.norm for t in tokens[mention.last : k]), "")
        if not role.startswith("link"):
            continue
        other = by_first.get(k)
        if other is not None:
            if other.category != CONDITION:
                return None  # a site ("pain of the knee") is no companion
            return Pair(mention, text[other.begin : other.end], other)
        if role == "link-condition":
            return None
        end = k
        while end < len(tokens) and tokens[end].norm not in _BOUNDARIES:
            end += 1
        if end == k or end - k > _MAX_WORDS or "\n" in text[tokens[k].begin : tokens[end - 1].end]:
            return None  # nothing, or a whole clause rather than a cause
        return Pair(mention, text[tokens[k].begin : tokens[end - 1].end], None)
    return None


def _before(
    text: str, tokens: list[Token], mention: Mention, links: dict[str, str]
) -> Pair | None:
    """ "chemotherapy-induced neutropenia", "alcohol related cirrhosis"."""
    k = mention.first - 1
    if k < 1 or links.get(tokens[k].norm) != "cause":
        return None
    k -= 1
    if tokens[k].norm == "-":
        k -= 1
    if k < 0 or not tokens[k].norm.isalpha():
        return None
    return Pair(mention, text[tokens[k].begin : tokens[k].end], None)
