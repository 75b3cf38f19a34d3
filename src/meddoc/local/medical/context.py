"""ConText-style traits (NEGATION, PAST_HISTORY, HYPOTHETICAL, PERTAINS_TO_FAMILY,
LOW_CONFIDENCE, FUTURE): cue phrases with a direction and a scope that ends at the
sentence, at a header colon or at a terminating word."""

from __future__ import annotations

from dataclasses import dataclass

from meddoc.local.medical.matcher import CONDITION, TTP, Mention
from meddoc.local.medical.sections import SectionKind, Sections
from meddoc.local.medical.text import Segmenter, Token
from meddoc.local.medical.vocabulary import LanguageRules

# Terminating words end only these scopes: a family member named earlier in a sentence
# still owns a condition after "with" ("Mother with migraines").
_TERMINABLE = frozenset({"NEGATION", "HYPOTHETICAL", "LOW_CONFIDENCE"})
_FORWARD_REACH = 14  # tokens
_BACKWARD_REACH = 8
_NO_ANSWERS = frozenset({"no", "none", "negative", "denies", "neg"})
# A family member owns a condition only as the subject ("Mother with migraines",
# "Father - heart attack") or after "in his/her" ("colon cancer in his father"), not in
# "brought in by his mother for ear pain".
_MEMBER_THEN = frozenset(
    {"with", "has", "had", "-", ":", "was", "is", "diagnosed", "died", "con", "tiene", "tuvo"}
)
_MEMBER_AFTER = frozenset({"his", "her", "their", "in", "of", "su", "sus", "en", "del"})


@dataclass(frozen=True, slots=True)
class CueHit:
    trait: str
    direction: str
    first: int  # token indices, last exclusive
    last: int


def find_cues(tokens: list[Token], rules: LanguageRules) -> list[CueHit]:
    hits: list[CueHit] = []
    taken: set[int] = set()
    norms = [t.norm for t in tokens]
    for cue in rules.cues:  # longest cues first, so "no history of" beats "no"
        words = cue.words.split()
        width = len(words)
        for k in range(len(tokens) - width + 1):
            if norms[k : k + width] == words and not taken.intersection(range(k, k + width)):
                hits.append(CueHit(cue.trait, cue.direction, k, k + width))
                taken.update(range(k, k + width))
    return sorted(hits, key=lambda h: h.first)


def _in_scope(
    hit: CueHit, mention: Mention, hits: list[CueHit], tokens: list[Token], segmenter: Segmenter
) -> bool:
    cue_offset = tokens[hit.first].begin
    start, end = segmenter.clause_bounds(cue_offset)
    if not (start <= mention.begin and mention.end <= end + 1):
        return False
    terminators = []
    if hit.trait in _TERMINABLE:
        # "No ibuprofen if stomach pain": a condition clause ends a negation's scope.
        ends = ("TERMINATE", "HYPOTHETICAL") if hit.trait == "NEGATION" else ("TERMINATE",)
        terminators = [h for h in hits if h.trait in ends]
    if hit.trait == "PERTAINS_TO_FAMILY" and not _member_linked(hit, mention, tokens):
        return False
    if hit.direction in ("forward", "both") and mention.first >= hit.last:
        if mention.first - hit.last > _FORWARD_REACH:
            return False
        return not any(hit.last <= t.first < mention.first for t in terminators)
    if hit.direction in ("backward", "both") and mention.last <= hit.first:
        if hit.first - mention.last > _BACKWARD_REACH:
            return False
        return not any(mention.last <= t.first < hit.first for t in terminators)
    return False


def _member_linked(hit: CueHit, mention: Mention, tokens: list[Token]) -> bool:
    if any("famil" in t.norm for t in tokens[hit.first : hit.last]):
        return True
    if mention.first >= hit.last:
        return hit.last < len(tokens) and tokens[hit.last].norm in _MEMBER_THEN
    return hit.first > 0 and tokens[hit.first - 1].norm in _MEMBER_AFTER


def _answered_no(mention: Mention, tokens: list[Token]) -> bool:
    """Form answers: "Weight loss: no", "Numbness or tingling in the legs: no"."""
    k = mention.last
    while k < len(tokens) and tokens[k].norm not in (":", ".", ";", "?"):
        k += 1
    return (
        k + 1 < len(tokens)
        and tokens[k].norm == ":"
        and tokens[k + 1].norm in _NO_ANSWERS
        and (k + 2 >= len(tokens) or not tokens[k + 2].norm.isalnum())
        and tokens[k].begin - tokens[mention.last - 1].end < 80
    )


def traits_for(
    mention: Mention,
    hits: list[CueHit],
    tokens: list[Token],
    segmenter: Segmenter,
    sections: Sections,
) -> list[str]:
    found: set[str] = set()
    for hit in hits:
        if hit.trait != "TERMINATE" and _in_scope(hit, mention, hits, tokens, segmenter):
            found.add(hit.trait)
    if _answered_no(mention, tokens):
        found.add("NEGATION")
    section = sections.kind_at(mention.begin)
    if section == SectionKind.FAMILY and mention.category == CONDITION:
        found.add("PERTAINS_TO_FAMILY")
    if section == SectionKind.HISTORY and mention.category in (CONDITION, TTP):
        found.add("PAST_HISTORY")
    if mention.type == "TEST_NAME":
        found.discard("NEGATION")  # a negative test is a TEST_VALUE, not a negated test
    if mention.category not in (CONDITION,):
        found.discard("PERTAINS_TO_FAMILY")
    return sorted(found)
