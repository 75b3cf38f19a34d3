"""Lab rows from the lines' places when a results table was read column by column: each
value back beside its test on a tilted page, a panel's heading taking no cells, and a
footer between the columns taking none either."""

from __future__ import annotations

from meddoc.layout import layout_text
from meddoc.model import Cell, Document, Geometry, Line, Page, Point, Table, WordRef
from meddoc.structure import document_structure
from meddoc.structure.clinical import clinical_statements
from meddoc.structure.lab_layout import rows_by_position
from tests.structure.paperwork import line_of

# (text, left, top), in the order a column-following reader gives them; the page tilts
# up to the right, so "125-200" sits nearer the "Lipid panel" heading than its own row.
COLUMNS = [
    ("Chemistry", 0.08, 0.400),
    ("Glucose", 0.08, 0.420),
    ("Lipid panel", 0.08, 0.455),
    ("Total cholesterol", 0.08, 0.475),
    ("SAMPLE - fictitious patient, page 1 of 2", 0.37, 0.800),
    ("115", 0.42, 0.416),
    ("194", 0.42, 0.470),
    ("mg/dL", 0.53, 0.412),
    ("mg/dL", 0.53, 0.466),
    ("70-99", 0.66, 0.409),
    ("125-200", 0.66, 0.458),
    ("H", 0.80, 0.405),
]


def test_given_columns_read_one_after_another_then_rows_come_from_the_page() -> None:
    page = Page(1, [line_of(text, top, left) for text, left, top in COLUMNS])
    document = Document("x" * 64, [page], layout_text([page]))

    rows = rows_by_position(document, document_structure(document))

    assert [(r.test, r.value, r.unit, r.range, r.flag) for r in rows] == [
        ("Glucose", "115", "mg/dL", "70-99", "H"),
        ("Total cholesterol", "194", "mg/dL", "125-200", ""),
    ]
    assert [len(r.spans) for r in rows] == [5, 4]


def tilted_line(text: str, left: float, top: float, slope: float) -> Line:
    """A line on a photo tilted down to the right: its polygon and box follow the tilt."""
    width, height = 0.012 * len(text) + 0.1, 0.015
    drop = slope * width
    corners = (
        Point(left, top),
        Point(left + width, top + drop),
        Point(left + width, top + drop + height),
        Point(left, top + height),
    )
    return Line(text, Geometry.from_polygon(corners), 0.95)


def test_given_a_tilted_photo_then_values_go_to_their_own_rows_not_the_one_below() -> None:
    slope, spacing = 0.046, 0.017
    tests = ["Chemistry", "Glucose", "Hemoglobin A1c", "Creatinine"]
    values = ["91", "4.0", "1.37"]
    lines = [tilted_line(t, 0.15, 0.35 + i * spacing, slope) for i, t in enumerate(tests)]
    units, ranges = ["mg/dL", "%", "mg/dL"], ["70-99", "4.0-5.6", "0.60-1.20"]
    for left, cells in ((0.43, values), (0.54, units), (0.66, ranges)):
        for row, cell in enumerate(cells, start=1):
            # The further right, the lower on the page: about a row lower at the results.
            top = 0.35 + row * spacing + slope * (left - 0.15)
            lines.append(tilted_line(cell, left, top, slope))
    page = Page(1, lines)
    document = Document("x" * 64, [page], layout_text([page]))

    rows = rows_by_position(document, document_structure(document))

    assert [(r.test, r.value, r.unit, r.range) for r in rows] == [
        ("Glucose", "91", "mg/dL", "70-99"),
        ("Hemoglobin A1c", "4.0", "%", "4.0-5.6"),
        ("Creatinine", "1.37", "mg/dL", "0.60-1.20"),
    ]


def test_given_a_table_row_holding_two_tests_then_the_lines_give_each_its_own_values() -> None:
    # The table ran two rows of a tilted photo together; the OCR's lines kept them apart.
    lines = [
        line_of("LABORATORY REPORT", 0.10),
        line_of("Test Result Units Reference Flag", 0.20),
        line_of("Hemoglobin 13.2 g/dL 12.0-16.0", 0.23),
        line_of("Platelets 387 K/uL 150-400 H", 0.26),
    ]
    page = Page(1, lines)
    table = Table("p1.t1", Geometry.from_box(0.05, 0.2, 0.9, 0.1), 0.9, 2, 4)
    header = line_of("Test Result Units Reference", 0.20).words
    words = [lines[2].words, lines[3].words]
    for column in range(4):
        table.cells.append(Cell(1, column + 1, header[column].text, [WordRef(1, column)]))
        table.cells.append(
            Cell(
                2,
                column + 1,
                " ".join(w[column].text for w in words),
                [WordRef(2, column), WordRef(3, column)],
            )
        )
    page.tables.append(table)
    document = Document("x" * 64, [page], layout_text([page]))

    found = clinical_statements(document).statements

    assert [(s.text, s.value.value if s.value else None) for s in found] == [
        ("Hemoglobin", 13.2),
        ("Platelets", 387),
    ]
