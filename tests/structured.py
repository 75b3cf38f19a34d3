"""Pages with structure for tests: form fields and tables made from the words of a page
built by tests.fakes.page_of, as an engine reading FORMS and TABLES would give them."""

from __future__ import annotations

from meddoc.geometry import Geometry
from meddoc.model import (
    Cell,
    Field,
    FieldPart,
    Page,
    Selection,
    SelectionStatus,
    Table,
    WordRef,
)
from tests.fakes import page_of

# An intake form's first page: two fields with PHI, a checkbox field, and a lab table.
INTAKE_LINES = (
    "Patient name: Dolores Fictive",
    "Date of birth: 03/04/1961",
    "Smoker: yes",
    "Test Value Unit",
    "Glucose 115 mg/dL",
    "Potassium 4.1 mmol/L",
)
NAME = "Dolores Fictive"
BIRTH_DATE = "03/04/1961"


def _part(page: Page, line: int, words: range) -> FieldPart:
    refs = [WordRef(line, w) for w in words]
    text = " ".join(page.lines[line].words[w].text for w in words)
    return FieldPart(text, refs, page.lines[line].geometry)


def field_of(page: Page, number: int, line: int, key_words: int) -> Field:
    """Field p<page>.f<number>: the first `key_words` words of a line are its label,
    the rest its value."""
    count = len(page.lines[line].words)
    return Field(
        f"p{page.number}.f{number}",
        _part(page, line, range(key_words)),
        _part(page, line, range(key_words, count)),
        0.93,
    )


def table_of(page: Page, number: int, lines: range, title: str = "") -> Table:
    """Table p<page>.t<number>: one row per line, one cell per word, the first row a
    header row."""
    cells = []
    for row, line in enumerate(lines, start=1):
        for column, word in enumerate(page.lines[line].words, start=1):
            cells.append(
                Cell(
                    row,
                    column,
                    word.text,
                    [WordRef(line, column - 1)],
                    word.geometry,
                    0.91,
                    header=row == 1,
                )
            )
    columns = max(len(page.lines[line].words) for line in lines)
    box = Geometry.from_box(0.1, 0.05 + lines[0] * 0.04, 0.8, 0.04 * len(lines))
    return Table(f"p{page.number}.t{number}", box, 0.9, len(lines), columns, cells, title)


def intake_page(lines: tuple[str, ...] = INTAKE_LINES, title: str = "Results") -> Page:
    """INTAKE_LINES with fields p1.f1 (name), p1.f2 (date of birth), p1.f3 (smoker,
    a ticked checkbox) and table p1.t1 (Test, Value, Unit; two rows of results)."""
    page = page_of(*lines)
    page.fields = [field_of(page, 1, 0, 2), field_of(page, 2, 1, 3), field_of(page, 3, 2, 1)]
    page.fields[2].selection = SelectionStatus.SELECTED
    page.selections = [
        Selection(SelectionStatus.SELECTED, Geometry.from_box(0.3, 0.13, 0.02, 0.02), 0.97)
    ]
    page.tables = [table_of(page, 1, range(3, 6), title)]
    return page
