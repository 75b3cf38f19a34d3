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


def tokenize(text: str) -> list[Token]:
    return [
        Token(m.group(), normalize(m.group()), m.start(), m.end())
        for m in _TOKEN_RE.finditer(text)
    ]


def phrase_key(text: str) -> str:
    """The lookup key of a phrase: its normalised tokens joined by single spaces."""
    return " ".join(normalize(m.group()) for m in _TOKEN_RE.finditer(text))


def singular(word: str) -> str:
    """A cheap English singular for the last word of a lookup ("headaches")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
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
