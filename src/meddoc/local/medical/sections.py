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

    def colons(self) -> list[int]:
        return [h.colon for h in self.headers]

    def hidden(self, begin: int, end: int) -> bool:
        """Whether a span lies in a header that is not an entity itself."""
        return any(not h.is_entity and h.begin <= begin and end <= h.end for h in self.headers)


def _line_end(text: str, offset: int) -> int:
    newline = text.find("\n", offset)
    return len(text) if newline < 0 else newline


def find_sections(
    text: str, rules: LanguageRules, terms: dict[str, tuple[TermEntry, ...]]
) -> Sections:
    headers: list[Header] = []
    current = SectionKind.OTHER
    for match in _HEADER_RE.finditer(text):
        name = match.group("name")
        key = phrase_key(name)
        begin = match.start("name")
        end = begin + len(name)
        kind_name = rules.sections.get(key)
        entries = terms.get(key, ())
        if kind_name is not None:
            current = SectionKind(kind_name)
            headers.append(Header(begin, end, match.end() - 1, current, False))
        elif any(e.category == "ANATOMY" for e in entries):
            current = SectionKind.EXAM  # "LUNGS:", "HEENT:" open exam findings
            headers.append(
                Header(begin, end, match.end() - 1, current, True, True, _line_end(text, end))
            )
        elif entries:
            headers.append(Header(begin, end, match.end() - 1, current, True))
        elif len(key.split()) <= 4:
            # An unknown header still ends the section before it; its words may be entities.
            current = SectionKind.OTHER
            headers.append(Header(begin, end, match.end() - 1, current, True))
    return Sections(tuple(headers))
