"""Scores of the structure yardstick: normalised key-value pairs, table cells aligned
row by row despite an extra header row, checkbox states matched by position."""

from __future__ import annotations

from pathlib import Path

import pytest

from meddoc.bench.structure import requested_features
from meddoc.bench.structure_metrics import (
    CellText,
    StructurePage,
    checkbox_counts,
    key_value_counts,
    normal,
    table_cell_counts,
    unmatched_pairs,
    without_blank_pairs,
)
from meddoc.geometry import BoundingBox

BOX = BoundingBox(0.1, 0.1, 0.8, 0.5)


def cells(rows: list[list[str]], first_row: int = 1) -> list[CellText]:
    return [
        CellText(r, c, text)
        for r, row in enumerate(rows, start=first_row)
        for c, text in enumerate(row, start=1)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Last  Name:", "last name"), (" Total Due ", "total due"), ("—Page 1 —", "page 1")],
)
def test_texts_compare_without_case_spacing_and_edge_punctuation(text: str, expected: str) -> None:
    assert normal(text) == expected


def test_given_pairs_then_both_key_and_value_must_match() -> None:
    ours = StructurePage(key_values=[("Sex:", "M"), ("MRN:", "947267"), ("Name:", "Gideon")])
    theirs = StructurePage(
        key_values=[("sex", "M"), ("MRN", "947267 "), ("Name:", "Gideon Testwell")]
    )

    counts = key_value_counts(ours, theirs)

    assert (counts.matched, counts.predicted, counts.reference) == (2, 3, 3)
    assert counts.f1 == pytest.approx(2 / 3)


def test_given_pairs_then_the_missed_and_extra_ones_are_listed_as_compared() -> None:
    ours = StructurePage(key_values=[("Sex:", "M"), ("Name:", "Gideon")])
    theirs = StructurePage(key_values=[("sex", "M"), ("Name:", "Gideon Testwell"), ("", "")])

    missed, extra = unmatched_pairs(ours, theirs)

    assert missed == [("", ""), ("name", "gideon testwell")]
    assert extra == [("name", "gideon")]


def test_given_blank_reference_pairs_then_the_second_total_leaves_only_them_out() -> None:
    ours = StructurePage(key_values=[("State", "")])
    theirs = StructurePage(key_values=[("", ""), ("State", ""), ("", "12345"), ("", " : ")])

    counts = key_value_counts(ours, without_blank_pairs(theirs))

    assert (counts.matched, counts.predicted, counts.reference) == (1, 1, 2)


def test_given_an_extra_title_row_then_only_that_row_is_lost() -> None:
    body = [["Glucose", "115", "mg/dL"], ["Sodium", "142", "mmol/L"]]
    theirs = StructurePage(tables=[(BOX, cells([["Test", "Result", "Units"], *body]))])
    ours = StructurePage(
        tables=[(BOX, cells([["Chemistry", "", ""], ["Test", "Result", "Units"], *body]))]
    )

    counts = table_cell_counts(ours, theirs)

    assert (counts.matched, counts.predicted, counts.reference) == (9, 10, 9)


def test_given_values_in_the_wrong_rows_then_they_do_not_match() -> None:
    theirs = StructurePage(tables=[(BOX, cells([["Glucose", "115"], ["ALT", "50"]]))])
    ours = StructurePage(tables=[(BOX, cells([["Glucose", "50"], ["ALT", "115"]]))])

    assert table_cell_counts(ours, theirs).matched == 2  # the test names only


def test_given_a_table_elsewhere_on_the_page_then_no_cell_matches() -> None:
    theirs = StructurePage(tables=[(BOX, cells([["a", "b"]]))])
    ours = StructurePage(tables=[(BoundingBox(0.1, 0.7, 0.8, 0.1), cells([["a", "b"]]))])

    counts = table_cell_counts(ours, theirs)

    assert (counts.matched, counts.predicted, counts.reference) == (0, 2, 2)


def test_given_checkboxes_then_states_are_compared_at_the_same_place() -> None:
    theirs = StructurePage(
        selections=[
            ("SELECTED", BoundingBox(0.10, 0.10, 0.02, 0.02)),
            ("NOT_SELECTED", BoundingBox(0.50, 0.10, 0.02, 0.02)),
            ("SELECTED", BoundingBox(0.80, 0.80, 0.02, 0.02)),
        ]
    )
    ours = StructurePage(
        selections=[
            ("SELECTED", BoundingBox(0.101, 0.102, 0.02, 0.02)),
            ("SELECTED", BoundingBox(0.50, 0.10, 0.02, 0.02)),
            ("SELECTED", BoundingBox(0.30, 0.30, 0.02, 0.02)),
        ]
    )

    counts = checkbox_counts(ours, theirs)

    assert (counts.reference, counts.found, counts.right, counts.extra) == (3, 2, 1, 1)
    assert counts.accuracy == pytest.approx(1 / 3)


def test_a_page_is_scored_on_what_textract_was_asked_for(tmp_path: Path) -> None:
    index = "name\tsource\tpath\tsize\tpages\tl\tw\th\thl\tapi\n"
    index += "form\tr\tp\t1x1\t1\t1\t1\t0\t0\tAnalyzeDocument[FORMS+LAYOUT]\n"
    index += "plain\tr\tp\t1x1\t1\t1\t1\t0\t0\tAnalyzeDocument\n"
    (tmp_path / "INDEX.tsv").write_text(index)
    tables = {"Blocks": [{"BlockType": "PAGE"}, {"BlockType": "TABLE"}]}

    assert requested_features(tmp_path, "form", tables) == {"FORMS", "LAYOUT"}
    assert requested_features(tmp_path, "plain", tables) == {"TABLES"}
    assert requested_features(tmp_path, "plain", {"Blocks": []}) == frozenset()
