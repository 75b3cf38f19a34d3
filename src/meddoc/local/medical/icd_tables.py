"""ICD-10-CM tables (simple-icd-10-cm's copy of the CMS tabular list) turned into the
phrase index, the condition terms and the word index the offline coder uses."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from functools import cache
from typing import Any

from meddoc.local.medical.text import normalize, phrase_key, singular
from meddoc.local.medical.vocabulary import IcdIndex, TermEntry

_STOPWORDS = frozenset(
    [
        "of",
        "the",
        "and",
        "in",
        "to",
        "by",
        "or",
        "for",
        "a",
        "an",
        "on",
        "at",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "with",
        "due",
        "other",
        "specified",
        "elsewhere",
        "classified",
        "nos",
    ]
)
_WORD_RE = re.compile(r"[a-z0-9]+")
# Chapters whose titles name conditions a note would mention by name (not injuries by
# mechanism, external causes or encounter reasons).
_TERM_CHAPTERS = frozenset("ABCDEFGHIJKLMNOPQR")
_SKIP_PREFIXES = (
    "other ",
    "encounter",
    "personal history",
    "family history",
    "history of",
    "screening",
    "contact with",
    "underdosing",
    "poisoning",
    "adverse effect",
    "toxic effect",
    "sequelae",
    "complication",
    "abnormal result",
)
_MAX_TERM_WORDS = 8
_QUALIFIER_TAIL = re.compile(
    r"^\s*(?:unspecified|not |without |with |uncomplicated|initial|right|left|bilateral)"
)


def stems(text: str) -> list[str]:
    """Content-word stems of a title or a condition text, for ranking."""
    # "toe(s)" is "toe", not "toe" and "s"
    words = _WORD_RE.findall(normalize(text).replace("(s)", ""))
    return [singular(w) for w in words if w not in _STOPWORDS]


def title_variants(title: str) -> list[str]:
    """Phrases a title may appear as in a note: without "unspecified" and "NOS", with
    and without its parenthesised nonessential words, and its part before a comma."""
    text = normalize(title)
    text = re.sub(r",? not elsewhere classified|\bnos\b", "", text)
    text = re.sub(r"^unspecified ", "", text).strip(" ,")
    text = re.sub(r"\s*\[[^\]]*\]", "", text)  # "... ejection fraction [HFrEF]"
    variants = {re.sub(r"\s*\([^)]*\)", "", text), re.sub(r"[()]", "", text)}
    # Eponyms with a plural possessive ("Graves' disease") are written without it too.
    variants |= {re.sub(r"(?<=s)'(?=\s|$)", "", v) for v in variants}
    # The part before a comma names the condition only when the rest qualifies it
    # ("Otitis media, unspecified, right ear"), not in lists ("Hand, foot and mouth").
    heads = {v.split(",")[0] for v in variants if _QUALIFIER_TAIL.search(v.partition(",")[2])}
    cleaned = {re.sub(r",\s*unspecified\b.*$", "", v) for v in variants}
    return sorted({" ".join(v.split()) for v in variants | heads | cleaned if v.strip()})


def _tables() -> Any:
    """The simple-icd-10-cm module; it parses its XML at import, which only the build needs."""
    import simple_icd_10_cm  # type: ignore[import-untyped]

    return simple_icd_10_cm


def _codes() -> list[str]:
    icd = _tables()
    return [c for c in icd.get_all_codes(with_dots=True) if icd.is_category_or_subcategory(c)]


def _default_rank(code: str, title: str) -> tuple[int, bool]:
    """How much a child reads as the plain form of its parent, the code the bare term
    gets: unspecified first, then the uncomplicated one ("without complications", "not
    intractable"), "with X" codes last; among equals the ICD's residual ...9 code."""
    text = f" {title.lower()} "
    rank = 2 * ("unspecified" in text) - 2 * (" with " in text)
    rank += any(w in text for w in (" without ", "uncomplicated", "not intractable"))
    return rank, code.endswith("9")


def _default_leaf(code: str) -> str:
    """The billable code a category stands for: itself, or the plainest child, level by
    level ("Asthma" J45 -> J45.909, "Cholelithiasis" K80 -> K80.20)."""
    icd = _tables()
    while not icd.is_leaf(code):
        children = icd.get_children(code)
        code = max(children, key=lambda c: _default_rank(c, icd.get_description(c)))
    return code


def billable(code: str) -> str:
    """The billable code for a curated code: itself, its unspecified child when the tables
    split it since the list was written, or "" when it does not exist."""
    icd = _tables()
    return _default_leaf(code) if code and icd.is_valid_item(code) else ""


def _phrases(code: str) -> list[tuple[str, int]]:
    """(phrase, rank) pairs of a code: its title ranks before its inclusion terms."""
    icd = _tables()
    phrases = [(v, 0) for v in title_variants(icd.get_description(code))]
    for term in icd.get_inclusion_term(code) + icd.get_includes(code):
        phrases += [(v, 1) for v in title_variants(term)]
    return phrases


@cache
def _best_codes() -> dict[str, tuple[str, str]]:
    """phrase -> (leaf code, code the phrase came from), the best-ranked source winning."""
    icd = _tables()
    best: dict[str, tuple[tuple[int, int, int], str, str]] = {}
    for code in _codes():
        title = normalize(icd.get_description(code))
        for variant, rank in _phrases(code):
            phrase = phrase_key(variant)
            exact = 0 if variant == title.strip() else 1
            score = (rank, exact if "unspecified" not in title else 0, len(code))
            if phrase not in best or score < best[phrase][0]:
                best[phrase] = (score, _default_leaf(code), code)
    return {phrase: (leaf, source) for phrase, (_, leaf, source) in best.items()}


def icd_index() -> IcdIndex:
    icd = _tables()
    index = IcdIndex()
    document_frequency: dict[str, int] = defaultdict(int)
    postings: dict[str, list[str]] = defaultdict(list)
    for code in _codes():
        leaf = icd.is_leaf(code)
        title = icd.get_description(code)
        index.titles[code] = (title, leaf)
        if leaf:
            code_stems = tuple(dict.fromkeys(stems(title)))
            index.stems[code] = code_stems
            for stem in code_stems:
                document_frequency[stem] += 1
                postings[stem].append(code)
    index.exact = {phrase: leaf for phrase, (leaf, _) in _best_codes().items()}
    total = len(index.stems)
    index.idf = {s: math.log(1 + total / df) for s, df in document_frequency.items()}
    index.postings = {s: tuple(codes) for s, codes in postings.items()}
    return index


def icd_condition_terms() -> list[tuple[str, TermEntry]]:
    terms = []
    for phrase, (leaf, source) in _best_codes().items():
        if source[0] not in _TERM_CHAPTERS or phrase.startswith(_SKIP_PREFIXES):
            continue
        if len(phrase.split()) > _MAX_TERM_WORDS or len(phrase) < 4:
            continue
        trait = "SYMPTOM" if leaf.startswith("R") else "DIAGNOSIS"
        terms.append((phrase, TermEntry("MEDICAL_CONDITION", "DX_NAME", leaf, trait, "icd10cm")))
    return terms
