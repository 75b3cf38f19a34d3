"""The offline layout analyser on pages drawn at test time (their words measured from the
drawing, so no OCR model runs): form fields, lab tables with and without rules, checkboxes
and layout blocks, in English and Spanish."""

from __future__ import annotations

import logging

import pytest

from meddoc.local.ocr.engine import OcrEngine
from meddoc.local.ocr.reading_order import in_reading_order
from meddoc.local.structure import analyse_page
from meddoc.model import LayoutKind, Page, SelectionStatus, Table
from tests.local.structure.canvas import Canvas

COLUMNS = [150, 700, 900, 1150, 1400]  # test, result, units, range, flag
LAB_ROWS = [
    ["Glucose", "115", "mg/dL", "70-99", "H"],
    ["Hemoglobin A1c", "6.4", "%", "4.0-5.6", "H"],
    ["Creatinine", "0.75", "mg/dL", "0.60-1.20", ""],
    ["LDL cholesterol", "32", "mg/dL", "50-100", "L"],
]


def analysed(canvas: Canvas, number: int = 1) -> Page:
    """As the engine does it: lines in reading order first, then the structure."""
    page = canvas.page(number)
    page.lines = in_reading_order(page.lines, canvas.height / canvas.width)
    analyse_page(page, canvas.pixels())
    return page


def fields_of(page: Page) -> dict[str, str]:
    return {f.key.text: f.value.text for f in page.fields if f.selection is None}


def rows_of(table: Table) -> list[list[str]]:
    return [[c.text for c in table.row(r)] for r in range(1, table.rows + 1)]


def lab_page(ruled: bool) -> Canvas:
    canvas = Canvas()
    top = 400
    canvas.cells(["Test", "Result", "Units", "Reference", "Flag"], COLUMNS, top)
    canvas.text("Chemistry", COLUMNS[0], top + 60)
    for index, row in enumerate(LAB_ROWS):
        canvas.cells(row, COLUMNS, top + 110 + 50 * index)
    if ruled:
        bottom = top + 110 + 50 * len(LAB_ROWS)
        for y in [top - 15, top + 40, *(top + 95 + 50 * i for i in range(len(LAB_ROWS) + 1))]:
            canvas.rule(130, y, 1550, y)
        for x in [130, *(c - 20 for c in COLUMNS[1:]), 1550]:
            canvas.rule(x, top - 15, x, bottom - 5)
    return canvas


def test_given_label_colon_value_lines_then_each_is_a_field_with_its_own_words() -> None:
    canvas = Canvas()
    canvas.text("Patient name: Dolores Fictive", 150, 300)
    canvas.text("Allergies: Sulfamethoxazole", 150, 360)
    canvas.text("Alergias: Penicilina", 150, 420)

    page = analysed(canvas)

    assert fields_of(page) == {
        "Patient name:": "Dolores Fictive",
        "Allergies:": "Sulfamethoxazole",
        "Alergias:": "Penicilina",
    }
    for field in page.fields:
        words = [page.lines[r.line].words[r.word].text for r in field.value.words]
        assert " ".join(words) == field.value.text
    assert [f.id for f in page.fields] == ["p1.f1", "p1.f2", "p1.f3"]


def test_given_two_labels_on_one_row_then_each_keeps_its_own_value() -> None:
    canvas = Canvas()
    canvas.text("Sex: M", 150, 300)
    canvas.text("Marital status: Married", 500, 300)
    canvas.text("Zip code: 12345 Phone: 646-555-0111", 150, 360)

    assert fields_of(analysed(canvas)) == {
        "Sex:": "M",
        "Marital status:": "Married",
        "Zip code:": "12345",
        "Phone:": "646-555-0111",
    }


def test_given_a_label_with_its_value_further_right_or_below_then_both_are_found() -> None:
    canvas = Canvas()
    canvas.text("Insurance ID:", 150, 300)
    canvas.text("XZ9514-955", 700, 300)
    canvas.text("Emergency contact:", 150, 400)
    canvas.text("Gideon Fictive (970) 555-0132", 150, 440)

    assert fields_of(analysed(canvas)) == {
        "Insurance ID:": "XZ9514-955",
        "Emergency contact:": "Gideon Fictive (970) 555-0132",
    }


@pytest.mark.parametrize("ruled", [False, True], ids=["borderless", "ruled"])
def test_given_a_lab_table_then_each_row_holds_one_test_with_its_value_unit_range_flag(
    ruled: bool,
) -> None:
    page = analysed(lab_page(ruled))

    assert len(page.tables) == 1
    table = page.tables[0]
    assert table.id == "p1.t1"
    assert table.columns == 5
    assert table.header_rows == 1
    assert all(cell.header for cell in table.row(1))
    rows = rows_of(table)
    assert rows[0] == ["Test", "Result", "Units", "Reference", "Flag"]
    for row in LAB_ROWS:
        assert row in rows
    assert ["Chemistry", "", "", "", ""] in rows


def test_given_a_lab_table_read_column_by_column_then_its_text_reads_row_by_row() -> None:
    canvas = lab_page(ruled=False)
    # the OCR hands the cells over column after column
    canvas.lines.sort(key=lambda line: (line.geometry.box.left, line.geometry.box.top))

    page = analysed(canvas)

    texts = [line.text for line in page.lines]
    assert "Glucose 115 mg/dL 70-99 H" in texts
    assert "Creatinine 0.75 mg/dL 0.60-1.20" in texts
    assert texts.index("Test Result Units Reference Flag") < texts.index("Chemistry")


def test_given_checkboxes_then_ticked_ones_are_selected_and_labelled() -> None:
    canvas = Canvas()
    canvas.text("Do you smoke?", 150, 300)
    canvas.checkbox(700, 300, ticked=True)
    canvas.text("Yes", 740, 300)
    canvas.checkbox(900, 300, ticked=False)
    canvas.text("No", 940, 300)
    canvas.checkbox(150, 400, ticked=False)
    canvas.text("Diabetes", 190, 400)
    canvas.checkbox(500, 400, ticked=True)
    canvas.text("Hipertensión", 540, 400)

    page = analysed(canvas)

    states = {f.key.text: f.selection for f in page.fields if f.selection is not None}
    assert states == {
        "Yes": SelectionStatus.SELECTED,
        "No": SelectionStatus.NOT_SELECTED,
        "Diabetes": SelectionStatus.NOT_SELECTED,
        "Hipertensión": SelectionStatus.SELECTED,
    }
    assert len(page.selections) == 4


def test_given_a_mark_on_the_next_row_between_a_box_and_its_word_then_labels_stay_right() -> None:
    # As on sample 01: "Occasional"'s box (row 2) lies, in x, between "Yes"'s box and "Yes".
    canvas = Canvas()
    canvas.text("Smoker:", 150, 300)
    canvas.checkbox(330, 300, ticked=True)
    canvas.text("No", 370, 300)
    canvas.checkbox(450, 300, ticked=False)
    canvas.text("Yes", 520, 300)
    canvas.text("Alcohol:", 150, 360)
    canvas.checkbox(330, 360, ticked=False)
    canvas.text("None", 370, 360)
    canvas.checkbox(490, 360, ticked=True)
    canvas.text("Daily", 530, 360)

    page = analysed(canvas)

    states = {f.key.text: f.selection for f in page.fields if f.selection is not None}
    assert states == {
        "No": SelectionStatus.SELECTED,
        "Yes": SelectionStatus.NOT_SELECTED,
        "None": SelectionStatus.NOT_SELECTED,
        "Daily": SelectionStatus.SELECTED,
    }
    assert fields_of(page) == {}  # the options are no text value of "Smoker:"


def test_given_no_image_then_fields_and_tables_still_come_from_the_words() -> None:
    canvas = lab_page(ruled=False)
    canvas.text("MRN: 947267", 150, 300)
    page = canvas.page()
    page.lines = in_reading_order(page.lines, canvas.height / canvas.width)

    analyse_page(page, None)

    assert fields_of(page) == {"MRN:": "947267"}
    assert len(page.tables) == 1
    assert page.selections == []


def test_given_a_lab_report_page_then_its_layout_blocks_are_in_reading_order() -> None:
    canvas = Canvas()
    canvas.text("Northfield Reference Laboratory", 560, 120)
    canvas.text("6773 Fiction Road, Anytown, OR 00836", 540, 170)
    canvas.text("LABORATORY REPORT", 650, 250)
    canvas.text("Patient: Gideon Testwell", 150, 320)
    canvas.text("MRN: 947267", 150, 360)
    lab = lab_page(ruled=False)
    canvas.lines += lab.lines
    canvas.text("Lipid panel", 150, 800)
    canvas.text("Some text of a paragraph that goes on for a while.", 150, 900)
    canvas.text("SAMPLE - fictitious patient, page 1 of 2", 600, 2120)

    page = analysed(canvas)

    kinds = [block.kind for block in page.layout]
    assert kinds == [
        LayoutKind.PAGE_HEADER,  # the letterhead
        LayoutKind.TITLE,
        LayoutKind.KEY_VALUE,
        LayoutKind.TABLE,
        LayoutKind.SECTION_HEADER,
        LayoutKind.TEXT,
        LayoutKind.PAGE_FOOTER,
    ]
    letterhead = [page.lines[i].text for i in page.layout[0].lines]
    assert letterhead == [
        "Northfield Reference Laboratory",
        "6773 Fiction Road, Anytown, OR 00836",
    ]


def test_given_a_later_page_then_its_top_lines_are_no_letterhead() -> None:
    canvas = Canvas()
    canvas.text("Antecedentes", 150, 300)
    canvas.text("Diabetes tipo 2 desde 2010, controlada con dieta.", 150, 360)
    canvas.text("2", 840, 2120)

    page = analysed(canvas, number=2)

    assert [b.kind for b in page.layout] == [
        LayoutKind.SECTION_HEADER,
        LayoutKind.TEXT,
        LayoutKind.PAGE_NUMBER,
    ]


def test_given_the_analyser_fails_then_the_page_keeps_its_text_and_the_log_no_words(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    canvas = Canvas()
    canvas.text("Allergies: Sulfamethoxazole", 150, 300)
    page = canvas.page()

    def broken(page: Page, image: object) -> None:
        page.fields = ["half done"]  # type: ignore[list-item]
        raise ValueError("Sulfamethoxazole")

    monkeypatch.setattr("meddoc.local.ocr.engine.analyse_page", broken)
    engine = OcrEngine.__new__(OcrEngine)  # the models are not needed here
    engine.structure_seconds = 0.0
    with caplog.at_level(logging.WARNING):
        engine._read_structure(page, canvas.pixels())

    assert [line.text for line in page.lines] == ["Allergies: Sulfamethoxazole"]
    assert page.fields == []
    assert page.tables == []
    assert page.layout == []
    assert "ValueError" in caplog.text
    assert "Sulfamethoxazole" not in caplog.text


def test_given_a_ruled_table_then_a_cell_written_over_two_rows_is_one_cell() -> None:
    canvas = Canvas()
    for y in (300, 400, 520):
        canvas.rule(130, y, 1400, y)
    for x in (130, 900, 1400):
        canvas.rule(x, 300, x, 520)
    canvas.text("Did you travel in the past", 150, 320)
    canvas.text("14 days?", 150, 355)
    canvas.text("Yes", 950, 335)
    canvas.text("Do you have a cough?", 150, 440)
    canvas.text("No", 950, 440)

    page = analysed(canvas)

    assert len(page.tables) == 1
    assert rows_of(page.tables[0]) == [
        ["Did you travel in the past 14 days?", "Yes"],
        ["Do you have a cough?", "No"],
    ]


def test_given_rows_of_labels_over_values_then_they_are_fields_and_no_table() -> None:
    canvas = Canvas()  # as an ID card prints them
    canvas.text("4a ISS", 150, 300)
    canvas.text("4d NUMBER", 700, 300)
    canvas.text("03/18/2018", 150, 340)
    canvas.text("736HDV7874", 700, 340)
    canvas.text("4b EXP", 150, 390)
    canvas.text("3 DOB", 700, 390)
    canvas.text("01/20/2028", 150, 430)
    canvas.text("03/18/2001", 700, 430)

    page = analysed(canvas)

    assert page.tables == []
    assert fields_of(page) == {
        "4a ISS": "03/18/2018",
        "4d NUMBER": "736HDV7874",
        "4b EXP": "01/20/2028",
        "3 DOB": "03/18/2001",
    }


def test_given_one_row_of_labels_over_values_then_each_value_goes_to_the_label_before_it() -> None:
    canvas = Canvas()  # boxes of a form: the label top left, the value anywhere in the box
    canvas.text("Home Phone", 150, 300)
    canvas.text("E-mail Address", 700, 300)
    canvas.text("Policy number", 1200, 300)
    canvas.text("414-2285", 250, 340)
    canvas.text("john@example.com", 800, 340)
    canvas.text("XZ9514-955", 1260, 340)

    page = analysed(canvas)

    assert fields_of(page) == {
        "Home Phone": "414-2285",
        "E-mail Address": "john@example.com",
        "Policy number": "XZ9514-955",
    }


def test_given_text_set_in_columns_without_figures_then_it_is_no_table() -> None:
    canvas = Canvas()
    for row, y in enumerate((300, 345, 390)):
        canvas.cells([f"Option {'ABC'[row]}", "Friend", "Landlord"], [150, 600, 1100], y)

    page = analysed(canvas)

    assert page.tables == []
