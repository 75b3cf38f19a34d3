"""Realistic Amazon Textract AnalyzeDocument responses (FORMS + TABLES + LAYOUT) built from
a few lines of test input, for AWS-host tests of what the pipeline makes of forms and
tables. Each page is laid out top to bottom (letterhead, title, text, fields, checkboxes,
table, footer) with page-relative geometry; the blocks are those Textract returns: PAGE,
LINE, WORD, KEY_VALUE_SET, SELECTION_ELEMENT, TABLE, CELL, TABLE_TITLE and LAYOUT_*.

    page = FakePage(letterhead=["Riverside Clinic", "12 Main St, Springfield"],
                    fields=[("Allergies", "Sulfamethoxazole")],
                    table=[["Test", "Result"], ["Glucose", "98"]])
    response = analyze_document_response(page)              # AnalyzeDocument
    pages = document_analysis_pages(page, page, per_response=40)  # GetDocumentAnalysis

`intake_form()` and `lab_report()` are the two documents of issue 11's regression cases."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from meddoc.exports.textract_json import to_textract_json
from meddoc.model import (
    Cell,
    Engine,
    Field,
    FieldPart,
    Geometry,
    LayoutBlock,
    LayoutKind,
    Line,
    Page,
    Selection,
    SelectionStatus,
    Table,
    TextDetection,
    Word,
    WordRef,
)

MODEL_VERSION = "1.0"
_LEFT, _TOP, _LINE_HEIGHT, _GAP, _CHAR = 0.06, 0.04, 0.018, 0.012, 0.0085
_COLUMN_WIDTH = 0.17


@dataclass
class FakePage:
    letterhead: list[str] = field(default_factory=list)  # LAYOUT_HEADER
    title: str = ""  # LAYOUT_TITLE
    text: list[str] = field(default_factory=list)  # LAYOUT_TEXT, one line each
    fields: list[tuple[str, str]] = field(default_factory=list)  # "Key: value" lines
    checkboxes: list[tuple[str, bool]] = field(default_factory=list)  # ticked or not
    table: list[list[str]] = field(default_factory=list)  # first row = column headers
    table_title: str = ""
    footer: list[str] = field(default_factory=list)  # LAYOUT_FOOTER


def intake_form() -> FakePage:
    """Issue 11's intake case: a letterhead that is not the patient, an allergy that is
    not a medication, a social-history answer that is not family history."""
    return FakePage(
        letterhead=["Riverside Family Clinic", "400 Harbor Road, Springfield", "(555) 010-2000"],
        title="Patient Intake Form",
        fields=[
            ("Patient name", "Maria Lopez"),
            ("Date of birth", "03/14/1961"),
            ("Sex", "F"),
            ("Allergies", "Sulfamethoxazole"),
            ("Current medications", "Metformin 500 mg twice daily"),
            ("Tobacco use", "never"),
            ("Family history", "Mother: type 2 diabetes"),
        ],
        checkboxes=[("Diabetes", True), ("Hypertension", False)],
    )


LAB_HEADER = ["Test", "Result", "Units", "Reference", "Flag"]
LAB_ROWS = [
    ["Glucose", "115", "mg/dL", "70-99", "H"],
    ["Total cholesterol", "164", "mg/dL", "<200", ""],
    ["LDL cholesterol", "131", "mg/dL", "<100", "H"],
    ["Triglycerides", "88", "mg/dL", "<150", ""],
    ["ALT", "22", "U/L", "7-56", ""],
    ["Potassium", "3.2", "mmol/L", "3.5-5.1", "L"],
]


def lab_report() -> list[FakePage]:
    """Issue 11's lab case, two pages: Test | Result | Units | Reference | Flag, every
    value in its own row (read column by column, ALT would get glucose's 115)."""
    first = FakePage(
        letterhead=["Northside Laboratory Services"],
        title="Laboratory Report",
        fields=[("Patient", "Gideon Smith"), ("Sex", "M"), ("Collected", "01/09/2024")],
        table=[LAB_HEADER, *LAB_ROWS[:3]],
        table_title="Chemistry panel",
        footer=["Page 1 of 2"],
    )
    second = FakePage(
        letterhead=["Northside Laboratory Services"],
        table=[LAB_HEADER, *LAB_ROWS[3:]],
        footer=["Page 2 of 2"],
    )
    return [first, second]


def analyzed_page(number: int, spec: FakePage) -> Page:
    """The model page the response describes (what parsing it must give back)."""
    return _Layout(number).page(spec)


def analyze_document_response(spec: FakePage) -> dict[str, Any]:
    """A synchronous AnalyzeDocument response for a one-page image (no "Page" on the
    blocks, as the synchronous API returns them)."""
    response = _export([analyzed_page(1, spec)])
    for block in response["Blocks"]:
        block.pop("Page", None)
    return response


def document_analysis_pages(*specs: FakePage, per_response: int = 1000) -> list[dict[str, Any]]:
    """GetDocumentAnalysis results of a finished job over these pages: blocks carry their
    "Page", cut every `per_response` blocks (MaxResults) into NextToken-linked parts."""
    response = _export([analyzed_page(n, spec) for n, spec in enumerate(specs, start=1)])
    blocks = response.pop("Blocks")
    parts = [blocks[i : i + per_response] for i in range(0, len(blocks), per_response)]
    results = []
    for index, part in enumerate(parts):
        result = {**copy.deepcopy(response), "JobStatus": "SUCCEEDED", "Blocks": part}
        if index < len(parts) - 1:
            result["NextToken"] = f"analysis-token-{index + 1}"
        results.append(result)
    return results


def _export(pages: list[Page]) -> dict[str, Any]:
    detection = TextDetection(pages, Engine("amazon-textract", MODEL_VERSION))
    response: dict[str, Any] = json.loads(json.dumps(to_textract_json(detection)))
    return response


class _Layout:
    """Places a page's lines one under another and remembers what each part covers."""

    def __init__(self, number: int) -> None:
        self.result = Page(number=number)
        self.top = _TOP

    def page(self, spec: FakePage) -> Page:
        self._block(LayoutKind.PAGE_HEADER, [self._line(t) for t in spec.letterhead])
        if spec.title:
            self._block(LayoutKind.TITLE, [self._line(spec.title)])
        for text in spec.text:
            self._block(LayoutKind.TEXT, [self._line(text)])
        self._block(LayoutKind.KEY_VALUE, [self._field(k, v) for k, v in spec.fields])
        self._block(LayoutKind.KEY_VALUE, [self._checkbox(t, on) for t, on in spec.checkboxes])
        if spec.table:
            self._table(spec.table, spec.table_title)
        self._block(LayoutKind.PAGE_FOOTER, [self._line(t) for t in spec.footer])
        return self.result

    def _line(self, text: str, left: float = _LEFT, advance: bool = True) -> int:
        words, x = [], left
        for word in text.split():
            width = _CHAR * len(word)
            words.append(Word(word, Geometry.from_box(x, self.top, width, _LINE_HEIGHT), 0.99))
            x += width + _CHAR
        geometry = Geometry.enclosing([w.geometry for w in words])
        self.result.lines.append(Line(" ".join(text.split()), geometry, 0.99, words))
        if advance:
            self._next_row()
        return len(self.result.lines) - 1

    def _next_row(self) -> None:
        self.top += _LINE_HEIGHT + _GAP

    def _block(self, kind: LayoutKind, lines: list[int]) -> None:
        if not lines:
            return
        place = Geometry.enclosing([self.result.lines[i].geometry for i in lines])
        self.result.layout.append(LayoutBlock(kind, place, 0.95, lines))

    def _part(self, line: int, words: range) -> FieldPart:
        refs = [WordRef(line, w) for w in words]
        if not refs:
            return FieldPart("")
        parts = self.result.lines[line].words
        return FieldPart(
            " ".join(parts[r.word].text for r in refs),
            refs,
            Geometry.enclosing([parts[r.word].geometry for r in refs]),
        )

    def _field(self, key: str, value: str) -> int:
        line = self._line(f"{key}: {value}")
        count, keys = len(self.result.lines[line].words), len(f"{key}:".split())
        self.result.fields.append(
            Field(
                id=f"p{self.result.number}.f{len(self.result.fields) + 1}",
                key=self._part(line, range(keys)),
                value=self._part(line, range(keys, count)),
                confidence=0.93,
            )
        )
        return line

    def _checkbox(self, label: str, ticked: bool) -> int:
        status = SelectionStatus.SELECTED if ticked else SelectionStatus.NOT_SELECTED
        mark = Geometry.from_box(_LEFT, self.top, _LINE_HEIGHT * 0.8, _LINE_HEIGHT)
        self.result.selections.append(Selection(status, mark, 0.97))
        line = self._line(label, left=_LEFT + 0.03)
        self.result.fields.append(
            Field(
                id=f"p{self.result.number}.f{len(self.result.fields) + 1}",
                key=self._part(line, range(len(label.split()))),
                value=FieldPart("", [], mark),
                confidence=0.9,
                selection=status,
            )
        )
        return line

    def _table(self, rows: list[list[str]], title: str) -> None:
        if title:
            self._block(LayoutKind.TEXT, [self._line(title)])
        start, cells, lines = self.top, [], []
        for r, row in enumerate(rows, start=1):
            for c, text in enumerate(row, start=1):
                left = _LEFT + (c - 1) * _COLUMN_WIDTH
                place = Geometry.from_box(left, self.top, _COLUMN_WIDTH, _LINE_HEIGHT + _GAP)
                words: list[WordRef] = []
                if text:
                    lines.append(self._line(text, left=left + 0.004, advance=False))
                    words = [WordRef(lines[-1], w) for w in range(len(text.split()))]
                cells.append(Cell(r, c, " ".join(text.split()), words, place, 0.9, header=r == 1))
            self._next_row()
        columns = max(len(row) for row in rows)
        place = Geometry.from_box(_LEFT, start, _COLUMN_WIDTH * columns, self.top - start)
        number = f"p{self.result.number}.t{len(self.result.tables) + 1}"
        self.result.tables.append(Table(number, place, 0.96, len(rows), columns, cells, title))
        self._block(LayoutKind.TABLE, lines)
