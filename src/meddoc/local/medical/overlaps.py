"""Choosing among overlapping candidate mentions the way Comprehend Medical reports them:
one entity per stretch of text, except anatomy nested in a condition ("abdominal" in
"abdominal pain", "Oropharynx" in "Oropharynx clear"), which is kept."""

from __future__ import annotations

import re

from meddoc.local.medical.matcher import ANATOMY, CONDITION, MEDICATION, TTP, Mention
from meddoc.local.medical.sections import Sections
from meddoc.local.medical.text import Token
from meddoc.local.medical.vocabulary import LanguageRules

_SOURCE_RANK = {
    "curated": 0,
    "finding": 0,
    "icd10cm": 1,
    "rule": 2,
    "labunits": 2,
    "mesh": 3,
    "drugs": 3,
}
_CATEGORY_RANK = {MEDICATION: 0, TTP: 1, CONDITION: 2, ANATOMY: 3}
# A number with a laboratory unit (or none) after a name means a test result, while a
# dose unit ("20 mEq", "600 mg") means a medication.
_LAB_RESULT_RE = re.compile(
    r"\s*(?:[:=]|\bis\b|\bwas\b|\bof\b|\bde\b)?\s*(?:"
    r"\d+(?:[.,]\d+)?(?!\d|[.,]\d)"
    r"(?!\s*(?:mg|mcg|g|units?|iu|meq|tablets?|tabs?|capsules?|caps?)\b(?!\s*/))"
    r"|(?:positive|negative|positivo|negativo)\b)",  # "Rheumatoid factor positive at 86"
    re.IGNORECASE,
)
_STAGE_RE = re.compile(r"\s+stage\s+(?:[0-9]+[a-b]?|[ivx]+[a-c]?)\b", re.IGNORECASE)


def _preference(m: Mention, text: str) -> tuple[int, int, int, int]:
    category = _CATEGORY_RANK.get(m.category, 4)
    if m.category == TTP and _LAB_RESULT_RE.match(text, m.end):
        category = -1  # "Potassium was 3.1" is the test, "potassium 20 mEq" the drug
    return (-m.length, category, _SOURCE_RANK.get(m.source, 4), m.begin)


def _nested_allowed(
    inner: Mention, outer: Mention, tokens: list[Token], rules: LanguageRules
) -> bool:
    if inner.category != ANATOMY or outer.category != CONDITION:
        return False
    if outer.finding:
        return True
    head = tokens[outer.last - 1].norm
    if inner.last == outer.last:
        return True  # "runny nose", "stiff neck": the site names the finding
    return head in rules.finding_heads or (
        outer.last - outer.first > 1 and tokens[outer.first].norm in rules.finding_heads
    )


def _inside(inner: Mention, outer: Mention) -> bool:
    return outer.begin <= inner.begin and inner.end <= outer.end


def resolve(
    mentions: list[Mention],
    text: str,
    tokens: list[Token],
    rules: LanguageRules,
    sections: Sections,
) -> list[Mention]:
    visible = [m for m in mentions if not sections.hidden(m.begin, m.end)]
    chosen: list[Mention] = []
    for mention in sorted(visible, key=lambda m: _preference(m, text)):
        clash = False
        for kept in chosen:
            if mention.end <= kept.begin or kept.end <= mention.begin:
                continue
            if _inside(mention, kept) and _nested_allowed(mention, kept, tokens, rules):
                continue
            clash = True
            break
        if not clash:
            chosen.append(mention)
    chosen.sort(key=lambda m: (m.begin, -m.length))
    return _extend_stages(_merge_combinations(chosen, text, tokens), text, tokens)


def _merge_combinations(mentions: list[Mention], text: str, tokens: list[Token]) -> list[Mention]:
    """ "amoxicillin-clavulanate", "budesonide/formoterol": one medication entity."""
    merged: list[Mention] = []
    for mention in mentions:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.category == MEDICATION
            and mention.category == MEDICATION
            and text[previous.end : mention.begin] in ("-", "/")
        ):
            previous.end, previous.last = mention.end, mention.last
            continue
        if mention.category == MEDICATION and mention.last + 1 < len(tokens):
            joiner, word = tokens[mention.last], tokens[mention.last + 1]
            if (
                joiner.text in ("-", "/")
                and joiner.begin == mention.end
                and word.begin == joiner.end
                and word.norm.isalpha()
                and len(word.norm) >= 6
                and not any(m.begin == word.begin for m in mentions)
            ):
                mention.end, mention.last = word.end, mention.last + 2
        merged.append(mention)
    return merged


def _extend_stages(mentions: list[Mention], text: str, tokens: list[Token]) -> list[Mention]:
    """ "CKD stage 4": the stage belongs to the condition's name."""
    for mention in mentions:
        if mention.category != CONDITION:
            continue
        stage = _STAGE_RE.match(text, mention.end)
        if stage:
            mention.end = stage.end()
            while mention.last < len(tokens) and tokens[mention.last].end <= mention.end:
                mention.last += 1
    return mentions
