"""Document.structure.sections: the stretches of the text under a heading, each
"Label: value" field or form field, a lab table and the letterhead, from the text alone
and, where the pages have them, from layout blocks, form fields and tables."""

from __future__ import annotations

from dataclasses import dataclass

from meddoc.model import Document, Page
from meddoc.model_structure import LayoutKind, Section, SectionKind
from meddoc.structure.labels import (
    is_lab_header,
    lab_header_cells,
    labelled,
    looks_like_letterhead,
    looks_like_title,
    starts_with_label,
    title_type_phrase,
)
from meddoc.structure.lines import TextLine, text_lines, word_span
from meddoc.structure.vocabulary import heading_of, label_of

# A field's value may run on over a few lines ("Current medications: ...\nonce daily").
_CONTINUATION_LINES = 3
# The letterhead is among the first lines of the first page.
_LETTERHEAD_LINES = 7
_HEADINGS = (LayoutKind.SECTION_HEADER, LayoutKind.TITLE)
_PAGE_FURNITURE = (LayoutKind.PAGE_HEADER, LayoutKind.PAGE_FOOTER, LayoutKind.PAGE_NUMBER)
# Fields written as sentences: their value runs on over the lines below it.
_PROSE = (SectionKind.REASON, SectionKind.PROBLEMS, SectionKind.EXAM, SectionKind.PLAN)


@dataclass(frozen=True, slots=True)
class _Heading:
    line: int  # index into the lines
    kind: SectionKind


def find_sections(document: Document) -> list[Section]:
    """The document's sections in text order; a field's section lies inside the
    heading's section it is written under (Structure.kind_at takes the innermost)."""
    lines = text_lines(document)
    issuer = _letterhead(lines)
    body = [line for number, line in enumerate(lines) if number not in issuer]
    sections = _issuer_section([lines[i] for i in sorted(issuer)])
    sections += _heading_sections(document.text, body)
    sections += _label_sections(document.text, body)
    sections += _structure_sections(document, sections)
    return sorted(sections, key=lambda s: (s.begin, -(s.end - s.begin)))


# --- the letterhead -------------------------------------------------------------------


def _letterhead(lines: list[TextLine]) -> set[int]:
    """Lines of the first page's letterhead: a HEADER layout block at its top, else the
    lines above the document's title when they name an organisation, address or phone."""
    first = [n for n, line in enumerate(lines[:_LETTERHEAD_LINES]) if line.page == 1]
    if not first:
        return set()
    header = {n for n in first if lines[n].layout is LayoutKind.PAGE_HEADER}
    if header and min(header) == first[0]:
        return header
    title = next((n for n in first if _is_title(lines[n])), None)
    if title is not None:
        above = [n for n in first if n < title]
    else:
        above = []
        for n in first:
            if starts_with_label(lines[n].text) or not looks_like_letterhead(lines[n].text):
                break
            above.append(n)
    if above and any(looks_like_letterhead(lines[n].text) for n in above):
        return set(above)
    return set()


def _is_title(line: TextLine) -> bool:
    if line.layout is LayoutKind.TITLE:
        return True
    return not starts_with_label(line.text) and (
        looks_like_title(line.text) or title_type_phrase(line.text)
    )


def _issuer_section(lines: list[TextLine]) -> list[Section]:
    if not lines:
        return []
    # No title: a letterhead has no heading, and its first line may name a person.
    return [Section(SectionKind.ISSUER, "", lines[0].begin, lines[-1].end)]


# --- headings -------------------------------------------------------------------------


def _heading_sections(text: str, lines: list[TextLine]) -> list[Section]:
    """Each heading's section runs to the next heading (or the end of the text)."""
    headings = [h for n, line in enumerate(lines) if (h := _heading(n, line)) is not None]
    sections = []
    for number, heading in enumerate(headings):
        line = lines[heading.line]
        following = headings[number + 1 :]
        end = lines[following[0].line].begin if following else len(text)
        end = len(text[:end].rstrip())
        sections.append(Section(heading.kind, line.text.strip(), line.begin, max(end, line.end)))
    return sections


def _heading(number: int, line: TextLine) -> _Heading | None:
    if line.layout in _PAGE_FURNITURE:
        return None
    stripped = line.text.strip().rstrip(":").strip()
    known = heading_of(stripped)
    if known is not None and (
        not starts_with_label(line.text) or not line.text.split(":", 1)[1].strip()
    ):
        return _Heading(number, known.kind)
    if is_lab_header(line.text):
        return _Heading(number, SectionKind.RESULTS)
    if line.layout in _HEADINGS or (looks_like_title(line.text) and len(stripped) <= 60):
        return _Heading(number, SectionKind.OTHER)
    return None


# --- "Label: value" lines -------------------------------------------------------------


def _label_sections(text: str, lines: list[TextLine]) -> list[Section]:
    sections = []
    for number, line in enumerate(lines):
        if _heading(number, line) is not None:
            continue
        parts = labelled(line.text)
        for index, part in enumerate(parts):
            end = line.begin + part.end
            if index == len(parts) - 1:
                end = _continued(lines, number, end, part.label.kind)
            begin = line.begin + part.begin
            sections.append(Section(part.label.kind, part.title, begin, end))
    return sections


def _continued(lines: list[TextLine], number: int, end: int, kind: SectionKind) -> int:
    """Where a field's value ends: it runs on over the next lines until a heading, a
    label, another page or layout block; a list's value (allergies, medications...) only
    while the lines read as its continuation (the value is still empty, the line before
    ends mid-list, or the next does not start a new capitalised entry)."""
    line = lines[number]
    last = line.text[: end - line.begin]
    empty = last.rstrip().endswith(":")
    for following in lines[number + 1 : number + 1 + _CONTINUATION_LINES]:
        if (
            following.page != line.page
            or following.block != line.block
            or following.layout in _PAGE_FURNITURE
            or starts_with_label(following.text)
            or _known_label(following.text)
            or _heading(0, following) is not None
            or _is_title(following)
            or not (empty or kind in _PROSE or _runs_on(last, following.text))
        ):
            break
        end, last, empty = following.end, following.text, False
    return end


def _known_label(text: str) -> bool:
    """A known label before a colon, even run into its value ("Fecha:12/04/2025", as
    handwriting OCR reads it): a value never runs on over the next field."""
    before, colon, _ = text.partition(":")
    return bool(colon) and label_of(before.strip()) is not None


def _runs_on(before: str, after: str) -> bool:
    first = after.lstrip()[:1]
    return before.rstrip()[-1:] in (",", ";", "-", "/") or not first.isupper()


# --- form fields and tables the pages carry ---------------------------------------------


def _structure_sections(document: Document, found: list[Section]) -> list[Section]:
    sections: list[Section] = []
    for page in document.pages:
        sections += _field_sections(document.text, page, found + sections)
        sections += _table_sections(page)
    return sections


def _field_sections(text: str, page: Page, found: list[Section]) -> list[Section]:
    """A form field whose key is a known label, unless a "Label: value" line already
    gave the same stretch its kind."""
    sections = []
    for field in page.fields:
        label = label_of(field.key.text.strip().rstrip(":"))
        span = word_span(page, field.key.words + field.value.words)
        if label is None or span is None:
            continue
        begin, end = span
        if any(s.kind is label.kind and s.begin < end and begin < s.end for s in found):
            continue
        sections.append(Section(label.kind, field.key.text.strip(), begin, end))
    return sections


def _table_sections(page: Page) -> list[Section]:
    """A table whose header reads Test / Result / Units / Reference / Flag is RESULTS."""
    sections = []
    for table in page.tables:
        if not lab_header_cells([c.text for c in table.row(1)]):
            continue
        spans = [s for c in table.cells if (s := word_span(page, c.words)) is not None]
        if spans:
            title = table.title or " ".join(c.text for c in table.row(1))
            begin, end = min(b for b, _ in spans), max(e for _, e in spans)
            sections.append(Section(SectionKind.RESULTS, title, begin, end))
    return sections
