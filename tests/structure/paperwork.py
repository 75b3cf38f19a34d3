"""Paperwork built at test time, as each host's text detection would give it: pages of
lines and words alone (DetectDocumentText, or an engine without structure), or with the
structure AnalyzeDocument (or the offline analyser) adds: form fields for "Label: value"
lines, layout blocks (letterhead, title, headings) and lab tables whose lines come out
column by column. Entities are placed as an engine would report them, wrong ones too."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from meddoc.layout import layout_text
from meddoc.model import (
    Attribute,
    Category,
    CodeSystem,
    Concept,
    Document,
    Engine,
    Field,
    FieldPart,
    Geometry,
    Language,
    LanguageAnalysis,
    LayoutBlock,
    LayoutKind,
    Line,
    MedicalAnalysis,
    MedicalEntity,
    Page,
    Segment,
    Table,
    Trait,
    Translation,
    Word,
    WordRef,
)
from meddoc.model import Cell as TableCell

_LABEL = re.compile(r"^([^:]{1,40}):\s*(.*)$")
LINE_HEIGHT = 0.025


def line_of(text: str, top: float, left: float = 0.05) -> Line:
    words, x = [], left
    for token in text.split():
        width = 0.012 * len(token)
        words.append(Word(token, Geometry.from_box(x, top, width, 0.02), 0.98))
        x += width + 0.01
    return Line(text, Geometry.from_box(left, top, max(x - left, 0.01), 0.02), 0.98, words)


@dataclass
class Sheet:
    """One page as written: its lines, and which of them a layout analyser would call
    letterhead, title or heading."""

    lines: list[str]
    letterhead: int = 0  # the first n lines
    title: int | None = None
    headings: tuple[int, ...] = ()
    # A lab table: (header, rows) laid out as its own lines, column by column.
    table: tuple[list[str], list[list[str]]] | None = None
    table_at: int = -1  # the table's lines go after this line index
    continued: tuple[int, ...] = ()  # lines that carry on the value of the line before
    skew: float = 0.0  # how far down a line drifts per page width


def page_of(number: int, sheet: Sheet, structured: bool) -> Page:
    texts = list(sheet.lines)
    table_cells: list[tuple[int, int, int]] = []  # (line index, row, column)
    if sheet.table is not None:
        header, rows = sheet.table
        grid = [header, *rows]
        columns = len(header)
        inserted: list[str] = []
        # Column by column, as a reader of the page image that follows columns would.
        for column in range(columns):
            for row, cells in enumerate(grid, start=1):
                if column < len(cells) and cells[column]:
                    table_cells.append((sheet.table_at + 1 + len(inserted), row, column + 1))
                    inserted.append(cells[column])
        texts[sheet.table_at + 1 : sheet.table_at + 1] = inserted
    lines = [line_of(text, 0.03 + i * LINE_HEIGHT) for i, text in enumerate(texts)]
    # A table's cells sit in their row and column on the page, whatever the reading
    # order; a skewed page drifts down to the right.
    top = 0.03 + (sheet.table_at + 1) * LINE_HEIGHT
    for index, row, column in table_cells:
        left = 0.05 + (column - 1) * 0.18
        lines[index] = line_of(
            texts[index], top + (row - 1) * LINE_HEIGHT + sheet.skew * left, left
        )
    page = Page(number, lines, width=1700, height=2200)
    if structured:
        _add_structure(page, sheet, table_cells)
    return page


def _add_structure(page: Page, sheet: Sheet, cells: list[tuple[int, int, int]]) -> None:
    lines = page.lines
    if sheet.letterhead:
        page.layout.append(_block(LayoutKind.PAGE_HEADER, range(sheet.letterhead), lines))
    for index, line in enumerate(lines):
        if index < sheet.letterhead or any(index == c[0] for c in cells):
            continue
        if index in sheet.continued:
            # The same layout block and form field value as the line before.
            page.layout[-1].lines.append(index)
            refs = [WordRef(index, w) for w in range(len(line.words))]
            page.fields[-1].value.words += refs
            page.fields[-1].value.text += " " + line.text
            continue
        if index == sheet.title:
            page.layout.append(_block(LayoutKind.TITLE, [index], lines))
        elif index in sheet.headings:
            page.layout.append(_block(LayoutKind.SECTION_HEADER, [index], lines))
        else:
            page.layout.append(_block(LayoutKind.TEXT, [index], lines))
        match = _LABEL.match(line.text)
        if match and index != sheet.title:
            key_words = len(match.group(1).split())
            refs = [WordRef(index, w) for w in range(len(line.words))]
            page.fields.append(
                Field(
                    f"p{page.number}.f{len(page.fields) + 1}",
                    FieldPart(match.group(1), refs[:key_words]),
                    FieldPart(match.group(2), refs[key_words:]),
                    0.95,
                )
            )
    if cells:
        rows = max(r for _, r, _ in cells)
        columns = max(c for _, _, c in cells)
        table = Table(
            f"p{page.number}.t1", Geometry.from_box(0.05, 0.3, 0.9, 0.4), 0.97, rows, columns
        )
        for index, row, column in cells:
            refs = [WordRef(index, w) for w in range(len(lines[index].words))]
            table.cells.append(TableCell(row, column, lines[index].text, refs, header=row == 1))
        page.tables.append(table)


def _block(kind: LayoutKind, indices: range | list[int], lines: list[Line]) -> LayoutBlock:
    return LayoutBlock(kind, lines[next(iter(indices))].geometry, 0.95, list(indices))


# --- entities ---------------------------------------------------------------------------


@dataclass
class Mention:
    """An entity as an engine reports it: found at the n-th occurrence of its text."""

    text: str
    category: Category
    type: str
    traits: tuple[str, ...] = ()
    concepts: tuple[Concept, ...] = ()
    occurrence: int = 0
    values: tuple[tuple[str, str, int], ...] = ()  # (attribute type, text, occurrence)


def rxnorm(code: str, description: str) -> Concept:
    return Concept(CodeSystem.RXNORM, code, description, 0.8)


def icd(code: str, description: str) -> Concept:
    return Concept(CodeSystem.ICD10CM, code, description, 0.8)


def drug(text: str, code: str, occurrence: int = 0) -> Mention:
    return Mention(
        text, Category.MEDICATION, "GENERIC_NAME", (), (rxnorm(code, text.lower()),), occurrence
    )


def phi(text: str, kind: str, occurrence: int = 0) -> Mention:
    return Mention(text, Category.PROTECTED_HEALTH_INFORMATION, kind, occurrence=occurrence)


def _find(text: str, phrase: str, occurrence: int) -> int:
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(phrase, at + 1)
    return at


def entities_of(
    text: str, mentions: list[Mention]
) -> tuple[list[MedicalEntity], list[MedicalEntity]]:
    """(entities, phi), ids in order."""
    entities, found_phi = [], []
    for number, mention in enumerate(mentions, start=1):
        begin = _find(text, mention.text, mention.occurrence)
        attributes = []
        for kind, value, occurrence in mention.values:
            at = _find(text, value, occurrence)
            attributes.append(Attribute(value, at, at + len(value), 0.9, type=kind))
        entity = MedicalEntity(
            mention.text,
            begin,
            begin + len(mention.text),
            0.9,
            id=number,
            category=mention.category,
            type=mention.type,
            traits=[Trait(name, 0.9) for name in mention.traits],
            attributes=attributes,
            concepts=list(mention.concepts),
        )
        is_phi = mention.category is Category.PROTECTED_HEALTH_INFORMATION
        (found_phi if is_phi else entities).append(entity)
    return entities, found_phi


@dataclass
class Paperwork:
    sheets: list[Sheet]
    mentions: list[Mention]
    language: str = "en"
    # Spanish paperwork: the English translation, line by line, that the medical
    # engine read (its mentions are found in the translation).
    translation: dict[str, str] = field(default_factory=dict)
    # Translate aligns line by line when it keeps the line count, else only as a whole.
    aligned_by_line: bool = True

    def document(self, structured: bool, document_id: str = "f" * 64) -> Document:
        pages = [page_of(n, sheet, structured) for n, sheet in enumerate(self.sheets, start=1)]
        text = layout_text(pages)
        translation = self._translation(text) if self.translation else None
        analysed = translation.text if translation else text
        entities, found_phi = entities_of(analysed, self.mentions)
        medical = MedicalAnalysis(
            text_source="translation" if translation else "original",
            entities=entities,
            phi=found_phi,
        )
        return Document(
            document_id,
            pages,
            text,
            language=LanguageAnalysis(Language(self.language, 0.99)),
            translation=translation,
            medical=medical,
        )

    def _translation(self, text: str) -> Translation:
        parts, segments, source, target = [], [], 0, 0
        for line in text.split("\n"):
            english = self.translation.get(line, line)
            segments.append(Segment(source, source + len(line), target, target + len(english)))
            parts.append(english)
            source += len(line) + 1
            target += len(english) + 1
        english = "\n".join(parts)
        if not self.aligned_by_line:
            segments = [Segment(0, len(text), 0, len(english))]
        return Translation(self.language, "en", english, segments, Engine("fake", "1"))
