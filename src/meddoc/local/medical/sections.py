"""Section headers of a note ("HEENT:", "Past medical history:"): where they are, which
section kind they open, and the colons that stop trait scopes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from meddoc.local.medical.text import phrase_key
from meddoc.local.medical.vocabulary import LanguageRules, TermEntry

# A header: up to six words at the start of a line or sentence, then a colon.
_HEADER_RE = re.compile(
    r"(?:^|(?<=\n)|(?<=[.;]\s)|(?<=[.;]\s\s))[ \t]*(?:[-*•]\s*|\d{1,2}[.)]\s+)?"
    r"(?P<name>[^\W\d_][\w'\u2019/&-]*(?:[ \t]+[\w'\u2019/&-]+){0,5})[ \t]*:",
    re.MULTILINE,
)
_ONE_LINE_NAME_RE = re.compile(r"[\w'\u2019/&-]+(?:[ \t][\w'\u2019/&-]+)*")
_INLINE_COLON_RE = re.compile(r"(?<=[^\W\d_])[ \t]?:(?!\d)")
_WORD_BEFORE_RE = re.compile(
    r"(?:^|(?<=[ \t]))(?P<word>[^\W\d_][\w'\u2019/&-]*)(?=[ \t]|$|[ \t]?:)"
)


class SectionKind(StrEnum):
    EXAM = "exam"
    HISTORY = "history"
    FAMILY = "family"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Header:
    begin: int
    end: int
    colon: int
    kind: SectionKind
    is_entity: bool  # an anatomy or test name used as a header ("HEENT:", "ECG:")
    anatomy: bool = False
    line_end: int = 0  # where the header's line ends


@dataclass(frozen=True, slots=True)
class Sections:
    headers: tuple[Header, ...]

    def kind_at(self, offset: int) -> SectionKind:
        kind = SectionKind.OTHER
        for header in self.headers:
            if header.begin > offset:
                break
            kind = header.kind
        return kind

    def anatomy_header(self, offset: int) -> Header | None:
        """The anatomy header ("HEENT:") whose section holds the offset, if any."""
        last = None
        for header in self.headers:
            if header.begin > offset:
                break
            last = header
        if last is None or not last.anatomy:
            return None
        return last if last.colon < offset < last.line_end else None

    def opens(self, offset: int) -> bool:
        """Whether a header starts at the offset ("Heart" of "Heart : Regular rhythm")."""
        return any(h.begin == offset for h in self.headers)

    def colons(self) -> list[int]:
        return [h.colon for h in self.headers]

    def hidden(self, begin: int, end: int) -> bool:
        """Whether a span lies in, or runs into, a header that is not an entity itself
        ("hyperlipidemia Exam :" names no exam)."""
        return any(not h.is_entity and begin < h.end and h.begin < end for h in self.headers)


def _line_end(text: str, offset: int) -> int:
    newline = text.find("\n", offset)
    return len(text) if newline < 0 else newline


def _known(key: str, rules: LanguageRules, terms: dict[str, tuple[TermEntry, ...]]) -> bool:
    return key in rules.sections or any(e.category == "ANATOMY" for e in terms.get(key, ()))


def _inline_headers(
    text: str, rules: LanguageRules, terms: dict[str, tuple[TermEntry, ...]], taken: set[int]
) -> list[tuple[int, int, int]]:
    """Known headers in the middle of a line, as in text flattened onto one line
    ("... po qhs HEENT : Boggy inferior turbinates ... Lungs : clear"): a capitalised
    section or anatomy name of up to three words right before a colon."""
    found = []
    for match in _INLINE_COLON_RE.finditer(text):
        colon = match.end() - 1
        if colon in taken:
            continue
        words = list(_WORD_BEFORE_RE.finditer(text, max(0, match.start() - 60), match.start()))
        for width in (3, 2, 1):
            if len(words) < width:
                continue
            begin, end = words[-width].start("word"), words[-1].end("word")
            name = text[begin:end]
            one_line = _ONE_LINE_NAME_RE.fullmatch(name) and name[0].isupper()
            if one_line and _known(phrase_key(name), rules, terms):
                found.append((begin, end, colon))
                break
    return found


def find_sections(
    text: str, rules: LanguageRules, terms: dict[str, tuple[TermEntry, ...]]
) -> Sections:
    headers: list[Header] = []
    current = SectionKind.OTHER
    starts = [(m.start("name"), m.end("name"), m.end() - 1) for m in _HEADER_RE.finditer(text)]
    inline = _inline_headers(text, rules, terms, {colon for _, _, colon in starts})
    for begin, end, colon in sorted(starts + inline):
        name = text[begin:end]
        key = phrase_key(name)
        kind_name = rules.sections.get(key)
        entries = terms.get(key, ())
        if (begin, end, colon) in inline and not _known(key, rules, terms):
            continue
        if kind_name is not None:
            current = SectionKind(kind_name)
            headers.append(Header(begin, end, colon, current, False))
        elif any(e.category == "ANATOMY" for e in entries):
            current = SectionKind.EXAM  # "LUNGS:", "HEENT:" open exam findings
            headers.append(Header(begin, end, colon, current, True, True, _line_end(text, end)))
        elif entries:
            headers.append(Header(begin, end, colon, current, True))
        elif len(key.split()) <= 4:
            # An unknown header still ends the section before it; its words may be entities.
            current = SectionKind.OTHER
            headers.append(Header(begin, end, colon, current, True))
    return Sections(tuple(headers))
