"""Finding PHI again in text: the whole words a span touches, the same PHI string
elsewhere (accents, case and punctuation aside), and PHI of one text on its translation."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from meddoc.model import Segment

# A PHI string this long is looked for in the whole text; shorter ones ("45", "Ana")
# match too much by chance and are only looked for where the translation aligns them.
WHOLE_TEXT_MIN = 4
# Free text (file names, notes) is searched for PHI strings of at least this many letters
# and digits: shorter PHI (an age) identifies nobody and would blank out doses.
FREE_TEXT_MIN = 3
# Month names in English and Spanish, January first (also read by the FHIR Patient's
# birth dates).
MONTHS = (
    ("january", "jan", "enero", "ene"),
    ("february", "feb", "febrero"),
    ("march", "mar", "marzo"),
    ("april", "apr", "abril", "abr"),
    ("may", "mayo"),
    ("june", "jun", "junio"),
    ("july", "jul", "julio"),
    ("august", "aug", "agosto", "ago"),
    ("september", "sep", "sept", "septiembre", "setiembre", "set"),
    ("october", "oct", "octubre"),
    ("november", "nov", "noviembre"),
    ("december", "dec", "diciembre", "dic"),
)
_MONTH_NAMES = {name: names for names in MONTHS for name in names}

Range = tuple[int, int]


def word_bounds(text: str, begin: int, end: int) -> Range | None:
    """[begin, end) grown to the whole words it touches (words: runs without spaces, so
    a span inside a token the OCR merged takes the whole token); None when the span
    holds no word."""
    begin, end = max(begin, 0), min(end, len(text))
    while begin < end and text[begin].isspace():
        begin += 1
    while end > begin and text[end - 1].isspace():
        end -= 1
    if begin >= end:
        return None
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return begin, end


def alphanumerics(text: str) -> int:
    return sum(c.isalnum() for c in text)


class Folded:
    """A text as PHI is compared: its words with case and accents folded, anything but
    letters and digits between words; each word with where it is in the text. Finding
    a phrase looks its first word up, so it costs the phrase's occurrences, not a scan
    of the text."""

    def __init__(self, text: str) -> None:
        self.words: list[tuple[str, int, int]] = []  # folded word, begin, end in the text
        self._at: dict[str, list[int]] = {}  # folded word -> its indices in `words`
        for match in _WORD.finditer(text):
            word = _fold(match.group())
            for piece in _NOT_ALNUM.split(word):
                if piece:
                    self._at.setdefault(piece, []).append(len(self.words))
                    self.words.append((piece, match.start(), match.end()))

    @classmethod
    def of(cls, text: str) -> Folded:
        return cls(text)

    def find(self, phrase: str, within: Range | None = None) -> list[Range]:
        """Where `phrase` occurs as whole words, in offsets of the text (inside `within`,
        a range of the text, when given). Words may be apart or run together ("John
        Smith", "JOHN  SMITH", "JohnSmith")."""
        tokens = words(phrase)
        if not tokens:
            return []
        runs = [
            (i, i + len(tokens) - 1)
            for i in self._at.get(tokens[0], [])
            if [w for w, _, _ in self.words[i : i + len(tokens)]] == tokens
        ]
        if len(tokens) > 1:
            runs += [(i, i) for i in self._at.get("".join(tokens), [])]
        found = [(self.words[first][1], self.words[last][2]) for first, last in runs]
        return [r for r in found if within is None or (within[0] <= r[0] and r[1] <= within[1])]


# Letters and digits, with the combining accents of a decomposed letter ("e" + U+0301)
_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")
_NOT_ALNUM = re.compile(r"[\W_]+")


@lru_cache(maxsize=65536)
def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The folded words of a text."""
    return [
        w for match in _WORD.finditer(text) for w in _NOT_ALNUM.split(_fold(match.group())) if w
    ]


def occurrences(text: str, folded: Folded, phrase: str) -> list[Range]:
    """Every whole-word occurrence of a PHI string long enough to look for everywhere."""
    if alphanumerics(phrase) < WHOLE_TEXT_MIN:
        return []
    return _widened(text, folded.find(phrase))


def counterparts(segments: list[Segment], span: Range, to_translation: bool) -> Range | None:
    """The stretch of the other text the translation aligned with `span`: the union of
    the aligned pieces it overlaps; None when no piece does."""
    pieces = [
        (s.target_begin, s.target_end) if to_translation else (s.source_begin, s.source_end)
        for s in segments
        if _overlaps(
            (s.source_begin, s.source_end) if to_translation else (s.target_begin, s.target_end),
            span,
        )
    ]
    if not pieces:
        return None
    return min(p[0] for p in pieces), max(p[1] for p in pieces)


def transfer(phrase: str, target: str, folded: Folded, region: Range | None) -> list[Range]:
    """Where PHI found on one text is on the other, inside the `region` the translation
    aligned with it: the same string, else its words (a month by its name in either
    language; names, numbers and dates survive translation), else the region itself
    when it is one line. [] when there is no aligned region or nothing can be placed."""
    if region is None:
        return []
    found = folded.find(phrase, region)
    for token in [] if found else words(phrase):
        if len(token) < 2 and not token.isdigit():
            continue
        for variant in _MONTH_NAMES.get(token, (token,)):
            found += folded.find(variant, region)
    if not found and "\n" not in target[region[0] : region[1]]:
        found = [region]
    return _widened(target, found)


def _widened(text: str, ranges: list[Range]) -> list[Range]:
    widened = (word_bounds(text, b, e) for b, e in ranges)
    return [r for r in widened if r is not None]


def _overlaps(a: Range, b: Range) -> bool:
    if b[0] == b[1]:
        return a[0] <= b[0] < a[1]
    return a[0] < b[1] and b[0] < a[1]
