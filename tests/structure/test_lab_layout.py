"""Lab rows from the lines' places when a results table was read column by column: each
value back beside its test on a tilted page, a panel's heading taking no cells, and a
footer between the columns taking none either."""

from __future__ import annotations

from meddoc.layout import layout_text
from meddoc.model import Document, Page
from meddoc.structure import document_structure
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
