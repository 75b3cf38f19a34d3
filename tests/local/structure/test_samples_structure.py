"""The real offline OCR with its layout analyser on the committed samples: the lab report
reads each test with its own value, unit, range and flag (it used to read the table
column by column), and the intake form's fields come out as label and value."""

from __future__ import annotations

from pathlib import Path

import pytest

from meddoc.layout import layout_text
from meddoc.local.ocr import OcrEngine
from meddoc.model import LayoutKind

pytestmark = pytest.mark.slow

SAMPLES = Path(__file__).resolve().parents[3] / "samples" / "documents"


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    return OcrEngine()


def test_given_the_lab_report_sample_then_each_row_pairs_a_test_with_its_own_results(
    engine: OcrEngine,
) -> None:
    detection = engine.read_document(
        (SAMPLES / "07-lab-report-en-printed-2pages.pdf").read_bytes()
    )

    lines = layout_text(detection.pages).splitlines()
    assert "Glucose 115 mg/dL 70-99 H" in lines
    assert "Triglycerides 104 mg/dL 50-150" in lines
    assert "White blood cells 3.9 K/uL 4.5-11.0 L" in lines
    first = detection.pages[0]
    rows = {
        cells[0]: cells[1:]
        for table in first.tables
        for r in range(1, table.rows + 1)
        if (cells := [c.text for c in table.row(r)])
    }
    assert rows["Glucose"] == ["115", "mg/dL", "70-99", "H"]
    assert rows["ALT"] == ["50", "U/L", "7-56", ""]
    assert rows["LDL cholesterol"] == ["32", "mg/dL", "50-100", "L"]
    assert {f.key.text: f.value.text for f in first.fields}["Sex:"] == "M"
    kinds = [block.kind for block in first.layout]
    assert kinds[0] is LayoutKind.PAGE_HEADER
    assert LayoutKind.TABLE in kinds


def test_given_the_intake_sample_then_allergies_and_history_are_fields(
    engine: OcrEngine,
) -> None:
    detection = engine.read_document((SAMPLES / "01-intake-en-printed-scan.png").read_bytes())

    fields = {f.key.text: f.value.text for f in detection.pages[0].fields}
    assert fields["Allergies:"] == "Sulfamethoxazole"
    assert fields["Tobacco use:"] == "never"
    assert fields["Family history:"] == "sister - breast cancer"
    headings = [
        detection.pages[0].lines[i].text
        for block in detection.pages[0].layout
        if block.kind is LayoutKind.SECTION_HEADER
        for i in block.lines
    ]
    assert headings == ["Patient information", "Health history"]
