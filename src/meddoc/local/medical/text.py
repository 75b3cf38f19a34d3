"""Tokens of a clinical text with their offsets, accent-free normal forms, and the
sentence and clause boundaries that limit attributes and trait scopes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Numbers keep their decimal point ("1.0", "16.000"); words keep inner apostrophes and
# hyphens stay separate tokens so "x-ray" and "x - ray" match alike.
_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['\u2019][^\W\d_]+)?|\S")
# A sentence ends at . ! ? ; or a line break; a period inside "1.0", "p.o." or "Dr." does not.
_SENTENCE_END_RE = re.compile(
    r"(?<!\b[A-Za-z])(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bvs)[.!?;](?!\d)|\n"
)


# A line break is only a wrap (an OCR'd or narrow page) when the sentence plainly goes on:
# the next line starts in lower case, or this one ends with a comma, hyphen or a word that
# cannot end a sentence. A next line that opens a header, a bullet or a numbered item
# always starts anew.
_LINE_BREAK_RE = re.compile(r"\n")
_NEW_ITEM_RE = re.compile(
    r"[ \t]*(?:[-*\u2022]|\d{1,2}[.)]\s|[^\W\d_][\w'/&-]*(?:[ \t]+[\w'/&-]+){0,5}[ \t]*:)"
)
_LAST_WORD_RE = re.compile(r"([^\W\d_]+)[ \t]*$")
_OPEN_ENDED = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "to",
        "and",
        "or",
        "but",
        "with",
        "without",
        "for",
        "from",
        "in",
        "on",
        "at",
        "by",
        "as",
        "per",
        "than",
        "no",
        "not",
        "nor",
        "is",
        "are",
        "was",
        "were",
        "be",
        "has",
        "have",
        "had",
        "his",
        "her",
        "their",
        "its",
        "any",
        "some",
        "denies",
        "deny",
        "taking",
        "takes",
        "take",
        "including",
        "includes",
    }
)


def unwrap(text: str) -> str:
    """The text with the line breaks that only wrap a sentence turned into spaces (same
    length, so every offset still points into the original text)."""
    chars = list(text)
    for match in _LINE_BREAK_RE.finditer(text):
        if _wraps(text, match.start()):
            chars[match.start()] = " "
    return "".join(chars)


def _wraps(text: str, newline: int) -> bool:
    line_start = text.rfind("\n", 0, newline) + 1
    before = text[line_start:newline].rstrip()
    line_end = text.find("\n", newline + 1)
    after = text[newline + 1 : line_end if line_end >= 0 else len(text)]
    if not before or not after.strip() or before[-1] in ".:;!?" or _NEW_ITEM_RE.match(after):
        return False
    if after.lstrip()[0].islower() or before[-1] in ",-":
        return True
    last = _LAST_WORD_RE.search(before)
    return last is not None and last.group(1).lower() in _OPEN_ENDED


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    norm: str
    begin: int
    end: int


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Lower-case, accent-free form used for every vocabulary lookup."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.lower()


def _token_norm(word: str) -> str:
    # Eponyms are written with and without the possessive ("Hashimoto's thyroiditis",
    # "Hashimoto thyroiditis"): both forms share one key.
    norm = normalize(word)
    return norm[:-2] if len(norm) > 3 and norm.endswith("'s") else norm


def tokenize(text: str) -> list[Token]:
    return [
        Token(m.group(), _token_norm(m.group()), m.start(), m.end())
        for m in _TOKEN_RE.finditer(text)
    ]


def phrase_key(text: str) -> str:
    """The lookup key of a phrase: its normalised tokens joined by single spaces."""
    return " ".join(_token_norm(m.group()) for m in _TOKEN_RE.finditer(text))


def singular(word: str) -> str:
    """A cheap English singular for the last word of a lookup ("headaches")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("oses"):
        return word[:-2] + "is"  # "keratoses", "stenoses"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def sentence_ends(text: str) -> list[int]:
    """Offsets where sentences end (the boundary character's offset), sorted."""
    ends = [m.start() for m in _SENTENCE_END_RE.finditer(text)]
    ends.append(len(text))
    return ends


@dataclass(frozen=True, slots=True)
class Segmenter:
    """Answers which sentence an offset is in; a header colon also starts a clause."""

    ends: tuple[int, ...]
    colons: tuple[int, ...]

    @classmethod
    def of(cls, text: str, colons: list[int]) -> Segmenter:
        return cls(tuple(sentence_ends(text)), tuple(sorted(colons)))

    def sentence_bounds(self, offset: int) -> tuple[int, int]:
        start = 0
        for end in self.ends:
            if end >= offset:
                return start, end
            start = end + 1
        return start, self.ends[-1]

    def clause_bounds(self, offset: int) -> tuple[int, int]:
        """Sentence bounds narrowed by header colons on either side of the offset."""
        start, end = self.sentence_bounds(offset)
        for colon in self.colons:
            if start <= colon < offset:
                start = colon + 1
            elif offset <= colon < end:
                end = colon
                break
        return start, end
