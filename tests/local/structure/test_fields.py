"""Form fields the offline analyser reads where OCR and layout make it hard: a label read
together with its value, a value wrapped short of the margin, a label heading another,
labels and values in columns (receipts, invoices), and checkboxes among handwriting."""

from __future__ import annotations

from meddoc.local.ocr.reading_order import in_reading_order
from meddoc.local.structure import analyse_page
from meddoc.model import Page, SelectionStatus
from tests.local.structure.canvas import Canvas


def analysed(canvas: Canvas) -> Page:
    page = canvas.page()
    page.lines = in_reading_order(page.lines, canvas.height / canvas.width)
    analyse_page(page, canvas.pixels())
    return page


def fields_of(page: Page) -> dict[str, str]:
    return {f.key.text: f.value.text for f in page.fields if f.selection is None}


def test_given_a_label_read_as_one_word_with_its_value_then_it_is_a_field() -> None:
    canvas = Canvas()
    canvas.text("DOB:04/11/1952", 150, 300)
    canvas.text("Address: 8107 Mock Court, Anytown, OR 00015 and a long way right", 150, 360)
    canvas.text("Date:06/25/2025", 150, 420)

    page = analysed(canvas)

    assert fields_of(page) == {
        "DOB:": "04/11/1952",
        "Address:": "8107 Mock Court, Anytown, OR 00015 and a long way right",
        "Date:": "06/25/2025",
    }
    dob = page.fields[0]
    assert dob.key.words == dob.value.words  # both are that one word of the OCR


def test_given_a_value_wrapped_short_of_the_margin_then_its_next_line_is_part_of_it() -> None:
    canvas = Canvas()
    canvas.text("Lakeside Community Health, 9409 Mock Court, Nowhere, NM 00549", 150, 200)
    canvas.text("Sig: 1 tablet by mouth", 200, 300)
    canvas.text("every 6 hours as needed", 200, 345)
    canvas.text("Disp: #30 Refills: 0", 200, 390)
    canvas.text("Diagnosis: asthma", 200, 470)
    canvas.text("Follow up in 3 weeks", 200, 515)

    assert fields_of(analysed(canvas)) == {
        "Sig:": "1 tablet by mouth every 6 hours as needed",
        "Disp:": "#30",
        "Refills:": "0",
        "Diagnosis:": "asthma",  # the capital starts a sentence of its own
    }


def test_given_a_label_directly_before_another_then_it_heads_it() -> None:
    canvas = Canvas()
    canvas.text("Exam: Lungs: wheezing.", 150, 300)
    canvas.text("Name: Date:", 150, 360)

    fields = fields_of(analysed(canvas))

    assert fields["Exam:"] == "Lungs: wheezing."
    assert "Lungs:" not in fields


def test_given_receipt_labels_read_before_their_values_then_each_gets_the_one_level_with_it() -> (
    None
):
    canvas = Canvas()
    for n, label in enumerate(["SUBTOTAL", "TAX"]):
        canvas.text(label, 500, 300 + 60 * n)
    for n, value in enumerate(["$1699.96", "$110.50"]):
        canvas.text(value, 1000, 302 + 60 * n)
    page = canvas.page()  # the OCR's reading order: the column of labels first

    analyse_page(page, canvas.pixels())

    assert fields_of(page) == {"SUBTOTAL": "$1699.96", "TAX": "$110.50"}


def test_given_an_address_block_beside_a_column_of_labelled_values_then_both_are_read() -> None:
    canvas = Canvas()
    canvas.text("From:", 150, 300)
    canvas.text("DEMO Sliced Invoices", 150, 340)
    canvas.text("Order Number", 1000, 340)
    canvas.text("12345", 1300, 340)
    canvas.text("Suite 5A-1204", 150, 380)
    canvas.text("Due Date", 1000, 380)
    canvas.text("January 31, 2016", 1300, 380)
    canvas.text("Your City AZ 12345", 150, 420)

    fields = fields_of(analysed(canvas))

    assert fields == {"Order Number": "12345", "Due Date": "January 31, 2016"}


def test_given_handwritten_values_then_the_form_s_small_checkboxes_are_still_found() -> None:
    canvas = Canvas()  # the hand writes twice the print's size: most words are tall
    canvas.text("Name:", 150, 300)
    canvas.text("Imogen Dummerton of Lakeside Court", 300, 285, hand=True)
    canvas.text("History:", 150, 400)
    canvas.text("low back pain and numbness since May", 300, 385, hand=True)
    canvas.text("Smoker:", 150, 600)
    canvas.checkbox(290, 605, ticked=True, side=17)
    canvas.text("No", 320, 600)
    canvas.checkbox(380, 605, ticked=False, side=17)
    canvas.text("Yes", 410, 600)

    page = analysed(canvas)

    boxes = {f.key.text: f.selection for f in page.fields if f.selection is not None}
    assert boxes == {"No": SelectionStatus.SELECTED, "Yes": SelectionStatus.NOT_SELECTED}


def test_given_a_box_the_ocr_read_partly_into_the_word_before_then_it_still_ends_a_label() -> None:
    canvas = Canvas()
    canvas.text("Alcohol:", 150, 300)
    canvas.checkbox(300, 303, ticked=False)
    canvas.text("Occasional", 340, 300)
    canvas.checkbox(520, 303, ticked=True)
    canvas.text("Daily", 551, 300)
    page = canvas.page()
    occasional = page.lines[1].words[0]
    box = occasional.geometry.box  # the OCR's word box reaches over the next box's left
    occasional.geometry = type(occasional.geometry).from_box(
        box.left, box.top, (532 / canvas.width) - box.left, box.height
    )

    analyse_page(page, canvas.pixels())

    boxes = {f.key.text: f.selection for f in page.fields if f.selection is not None}
    assert boxes == {
        "Occasional": SelectionStatus.NOT_SELECTED,
        "Daily": SelectionStatus.SELECTED,
    }


def test_given_receipt_lines_with_a_dash_after_a_label_in_capitals_then_they_are_pairs() -> None:
    canvas = Canvas()
    canvas.text("VALIDATION - 1271", 150, 300)
    canvas.text("TRANS ID -2516267815C098E0", 150, 360)
    canvas.text("Father - hypertension and type 2 diabetes", 150, 420)

    assert fields_of(analysed(canvas)) == {
        "VALIDATION -": "1271",
        "TRANS ID": "-2516267815C098E0",
    }
