"""`meddoc ocr --format textract` on the committed samples, read by textractor (the
library AWS publishes for Textract responses): its key-values, tables and checkboxes are
the offline analyser's, so tools written for Textract work on offline output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from textractor.parsers import response_parser

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("engines")]

SAMPLES = Path(__file__).resolve().parents[3] / "samples" / "documents"


def textract_output(sample: str) -> Any:
    """The `meddoc ocr --format textract` output for one sample, parsed by textractor."""
    done = subprocess.run(
        [sys.executable, "-m", "meddoc.cli", "ocr", "--format", "textract", str(SAMPLES / sample)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return response_parser.parse(json.loads(done.stdout))


def test_given_the_intake_form_then_textractor_finds_its_fields_and_ticked_boxes() -> None:
    document = textract_output("01-intake-en-printed-scan.png")

    pairs = {kv.key.text.strip(): kv.value.text.strip() for kv in document.key_values}
    assert pairs["Allergies:"] == "Sulfamethoxazole"
    assert pairs["Tobacco use:"] == "never"
    assert pairs["Sex:"] == "F"
    assert pairs["Date of birth:"] == "09/15/1970"
    boxes = {box.key.text.strip(): box.is_selected() for box in document.checkboxes}
    assert boxes == {"No": True, "Yes": False, "None": False, "Occasional": False, "Daily": True}


def test_given_the_lab_report_then_textractor_finds_each_row_with_its_own_results() -> None:
    document = textract_output("07-lab-report-en-printed-2pages.pdf")

    rows = {}
    for table in document.tables:
        cells: dict[int, list[str]] = {}
        for cell in sorted(table.table_cells, key=lambda c: (c.row_index, c.col_index)):
            cells.setdefault(cell.row_index, []).append(cell.text.strip())
        rows.update({row[0]: row[1:] for row in cells.values()})
    assert len(document.tables) == 2  # one table per page
    assert rows["Test"] == ["Result", "Units", "Reference", "Flag"]
    assert rows["Glucose"] == ["115", "mg/dL", "70-99", "H"]
    assert rows["ALT"] == ["50", "U/L", "7-56", ""]
    assert rows["Triglycerides"] == ["104", "mg/dL", "50-150", ""]
    assert rows["White blood cells"] == ["3.9", "K/uL", "4.5-11.0", "L"]
    pairs = {kv.key.text.strip(): kv.value.text.strip() for kv in document.key_values}
    assert pairs["MRN:"] == "947267"
    assert pairs["Sex:"] == "M"
    assert document.checkboxes == []  # the lab report has none
