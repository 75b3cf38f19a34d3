"""Candidate mentions in a note: vocabulary phrases (longest first), test, treatment and
procedure phrases by head word or word ending, and exam findings ("Sclerae are
anicteric"); then the overlap rules Comprehend Medical follows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from meddoc.local.medical.sections import Sections
from meddoc.local.medical.text import Token, singular
from meddoc.local.medical.vocabulary import LanguageRules, TermEntry

CONDITION = "MEDICAL_CONDITION"
MEDICATION = "MEDICATION"
ANATOMY = "ANATOMY"
TTP = "TEST_TREATMENT_PROCEDURE"
_LINKING_WORDS = frozenset({"is", "are", "was", "were", "appears", "appear", "esta", "estan"})
_DEGREE_WORDS = frozenset(
    {"mildly", "slightly", "moderately", "markedly", "very", "mild", "levemente", "muy"}
)
_VALUE_RE = re.compile(
    r"\s*(?:[:=]|\bis\b|\bwas\b|\bof\b|\bat\b|\bes\b|\bde\b)?\s*"
    r"(?:[<>≤≥]=?\s*)?(?:\d|positive|negative|positivo|negativo|normal|trace|decreased|"
    r"symmetric|presentes|unremarkable|less than|below|above)",
    re.IGNORECASE,
)
_AGE_RE = re.compile(
    r"\s*(?:is|was|a|an)?\s*\d+\s*-?\s*(?:yo|y/o|y\.o|yrs?|years?|year-old|months?)\b",
    re.IGNORECASE,
)
_RESULT_BEFORE_RE = re.compile(
    r"(?:positive|negative|positivo|negativo|trace)\s+(?:(?:for|to|para)\s+)?"
    r"(?:[\w-]+\s+(?:and|or|y)\s+)?$",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Mention:
    begin: int
    end: int
    first: int  # index of the first token
    last: int  # index after the last token
    category: str
    type: str
    code: str = ""
    trait: str = ""
    source: str = ""
    finding: bool = False  # an exam finding phrase: anatomy + adjective

    @property
    def length(self) -> int:
        return self.end - self.begin


def _lookup(
    terms: dict[str, tuple[TermEntry, ...]], norms: list[str], i: int, j: int
) -> tuple[TermEntry, ...]:
    key = " ".join(norms[i:j])
    found = terms.get(key)
    if found is None and j - i >= 1:
        last = singular(norms[j - 1])
        if last != norms[j - 1]:
            found = terms.get(" ".join([*norms[i : j - 1], last]))
    return found or ()


def _has_value(text: str, mention_end: int, mention_begin: int) -> bool:
    if _AGE_RE.match(text, mention_end):
        return False  # "Pt is 40yo": an age, so "Pt" is the patient, not a test
    if _VALUE_RE.match(text, mention_end):
        return True
    return bool(_RESULT_BEFORE_RE.search(text[max(0, mention_begin - 40) : mention_begin]))


def vocabulary_mentions(
    text: str,
    tokens: list[Token],
    terms: dict[str, tuple[TermEntry, ...]],
    max_words: int,
    capitals_only: frozenset[str] = frozenset(),
) -> list[Mention]:
    norms = [t.norm for t in tokens]
    mentions = []
    for i in range(len(tokens)):
        if not tokens[i].norm[0].isalnum():
            continue
        if tokens[i].norm in capitals_only and not tokens[i].text.isupper():
            continue
        for j in range(min(len(tokens), i + max_words), i, -1):
            for entry in _lookup(terms, norms, i, j):
                begin, end = tokens[i].begin, tokens[j - 1].end
                if entry.needs_value and not _has_value(text, end, begin):
                    continue
                mentions.append(
                    Mention(
                        begin,
                        end,
                        i,
                        j,
                        entry.category,
                        entry.type,
                        entry.code,
                        entry.trait,
                        entry.source,
                    )
                )
    return mentions


def rule_mentions(text: str, tokens: list[Token], rules: LanguageRules) -> list[Mention]:
    """Test, treatment and procedure phrases by their head word or word ending."""
    mentions = []
    for j, token in enumerate(tokens):
        kind = rules.ttp_heads.get(token.norm)
        if kind is None and token.norm.isalpha() and token.norm not in rules.attribute_words:
            # "mammogram", "appendectomy"; not a unit such as "micrograms"
            kind = next((k for s, k in rules.suffixes if token.norm.endswith(s)), None)
        if kind is None:
            continue
        first = j
        while first > 0 and j - first < 3 and _modifier(tokens[first - 1], rules):
            if text[tokens[first - 1].end : tokens[first].begin] not in ("", " "):
                break  # modifiers sit on the same line, one space apart
            first -= 1
        if first == j and token.norm in rules.ttp_heads:
            continue  # a bare head word ("test", "diet") names nothing
        mentions.append(
            Mention(tokens[first].begin, token.end, first, j + 1, TTP, kind, source="rule")
        )
    return mentions


def _modifier(token: Token, rules: LanguageRules) -> bool:
    return (
        token.norm[0].isalpha()
        and token.norm not in rules.modifier_stopwords
        and token.norm not in rules.exam_adjectives
    ) or token.norm == "-"


def finding_mentions(
    tokens: list[Token], anatomy: list[Mention], rules: LanguageRules, sections: Sections
) -> list[Mention]:
    """Exam findings: an anatomy term with a finding adjective after it ("Oropharynx
    clear", "Sclerae are anicteric") or, in an exam section, before it."""
    mentions = []
    for site in anatomy:
        j = site.last
        while j < len(tokens) and (
            tokens[j].norm in _LINKING_WORDS
            or tokens[j].norm in _DEGREE_WORDS
            or "DIRECTION" in rules.attribute_words.get(tokens[j].norm, ())
        ):
            j += 1
        last = None
        while j < len(tokens) and tokens[j].norm in rules.exam_adjectives:
            last = j
            if j + 2 < len(tokens) and tokens[j + 1].norm in ("and", "y"):
                j += 2
            else:
                break
        if last is not None:
            end = tokens[last].end
            mentions.append(
                Mention(
                    site.begin,
                    end,
                    site.first,
                    last + 1,
                    CONDITION,
                    "DX_NAME",
                    trait="SIGN",
                    source="finding",
                    finding=True,
                )
            )
            continue
        before = site.first - 1
        if (
            before >= 0
            and tokens[before].norm in rules.exam_adjectives
            and sections.kind_at(site.begin) == "exam"
            and not sections.opens(site.begin)  # "clear Heart : ..." is two sections
        ):
            mentions.append(
                Mention(
                    tokens[before].begin,
                    site.end,
                    before,
                    site.last,
                    CONDITION,
                    "DX_NAME",
                    trait="SIGN",
                    source="finding",
                    finding=True,
                )
            )
    return mentions
