"""A reviewer's day in the browser: open a processed sample, see its entities and word
boxes, reveal PHI and have it masked again, correct / add / remove entities, approve,
and export the reviewed document as a FHIR bundle."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.conftest import open_document, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

VISIT_NOTE = "05-visit-note-en-printed-skewed.png"
LAB_REPORT = "07-lab-report-en-printed-2pages.pdf"
MASK = "\u2588"

# Selects `phrase` in the analysed text as a reviewer's drag would: a DOM Range over the
# text pieces, whose data-b attributes give each piece's offset in the document text.
SELECT_PHRASE = """
(phrase) => {
  const container = document.querySelector(".doc-text.is-analysed");
  const pieces = [...container.querySelectorAll(".seg")];
  const text = pieces.map((p) => p.textContent).join("");
  const begin = text.indexOf(phrase);
  if (begin < 0) return false;
  const end = begin + phrase.length;
  const at = (offset) => {
    const piece = pieces.find((p) => {
      const b = Number(p.dataset.b);
      return b <= offset && offset <= b + p.textContent.length;
    });
    return [piece.firstChild, offset - Number(piece.dataset.b)];
  };
  const range = document.createRange();
  range.setStart(...at(begin));
  range.setEnd(...at(end));
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  return true;
}
"""


def text_pane(page: Any) -> str:
    text: str = page.locator(".doc-text.is-analysed").inner_text()
    return text


def row(page: Any, entity: str) -> Any:
    return page.locator("table.entity-table tbody tr", has=page.locator("th", has_text=entity))


def test_given_a_processed_visit_note_when_opened_then_entities_and_word_boxes_show(
    signed_in: Any,
) -> None:
    page = signed_in
    screenshot(page, "01-document-list")
    open_document(page, VISIT_NOTE)

    assert page.locator(".overlay rect.word.printed").count() > 50
    assert page.locator(".doc-text .ent.cat-cond", has_text="hypertension").count() == 1
    assert page.locator(".doc-text .ent.cat-med", has_text="Lisinopril").count() == 1
    negated = page.locator(".doc-text .ent.is-negated", has_text="fever")
    assert negated.count() == 1
    assert negated.evaluate("e => e.nextElementSibling.textContent") == "negated"
    assert "RxNorm: not available offline" in page.locator(".coding-notes").inner_text()

    # An entity chosen in the table lights up in the text and on the page image.
    page.get_by_role("button", name="Show hypertension in the text and on the page").click()
    assert page.locator(".doc-text .seg.is-selected").first.inner_text() == "hypertension"
    selected_box = page.locator(".overlay rect.word.is-selected")
    assert selected_box.count() == 1
    assert selected_box.get_attribute("aria-label").startswith("hypertension")

    # A word box chosen on the image selects its entity in the table and the text.
    page.locator('.overlay rect.word[aria-label^="sumatriptan"]').click()
    assert row(page, "sumatriptan").get_attribute("class") == "is-selected"
    assert page.locator(".doc-text .seg.is-selected").first.inner_text() == "sumatriptan"
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "02-document-masked")


def test_given_masked_phi_when_revealed_then_banner_shows_and_leaving_masks_it_again(
    signed_in: Any,
) -> None:
    page = signed_in
    open_document(page, VISIT_NOTE)
    assert MASK in text_pane(page)
    assert page.locator(".overlay rect.word.phi").count() > 5
    assert page.locator(".phi-banner").count() == 0

    page.get_by_role("button", name="Reveal PHI").click()
    banner = page.locator(".phi-banner")
    banner.wait_for()
    assert "PHI revealed (recorded in the audit trail)" in banner.inner_text()
    page.wait_for_selector(".doc-text .ent")
    assert MASK not in text_pane(page)
    assert page.locator(".overlay rect.word.phi").count() == 0
    assert page.locator(".audit-list", has_text="Revealed PHI").count() == 1
    screenshot(page, "03-phi-revealed")

    page.get_by_role("button", name="Hide PHI").click()
    page.get_by_role("button", name="Reveal PHI").wait_for()
    assert MASK in text_pane(page)
    assert page.locator(".phi-banner").count() == 0

    page.get_by_role("button", name="Reveal PHI").click()
    banner.wait_for()

    page.get_by_role("link", name="Back to documents").click()
    page.wait_for_selector("table.document-table tbody tr[data-id]")
    open_document(page, VISIT_NOTE)
    assert MASK in text_pane(page)
    assert page.locator(".phi-banner").count() == 0
    assert page.get_by_role("button", name="Reveal PHI").is_visible()


def test_given_corrections_and_approval_when_exported_as_fhir_then_the_bundle_has_them(
    signed_in: Any,
) -> None:
    page = signed_in
    open_document(page, VISIT_NOTE)

    page.get_by_role("button", name="Correct hypertension").click()
    page.get_by_label("Code", exact=True).fill("I11.9")
    page.get_by_label("Description").fill("Hypertensive heart disease without heart failure")
    page.get_by_label("Note for the audit trail (optional)").fill("checked against the chart")
    page.get_by_role("button", name="Save correction").click()
    corrected = row(page, "hypertension")
    corrected.locator(".tag-corrected").wait_for()
    assert "I11.9" in corrected.locator("td.codes").inner_text()

    assert page.evaluate(SELECT_PHRASE, "2 weeks")
    add = page.get_by_role("button", name="Add entity: “2 weeks”")
    add.click()
    page.get_by_label("Category").select_option("TIME_EXPRESSION")
    page.get_by_label("Type").fill("TIME_TO_TEST_NAME")
    assert page.locator(".offset-preview").inner_text() == "“2 weeks”"
    page.get_by_role("button", name="Add entity", exact=True).click()
    row(page, "2 weeks").locator(".tag-added").wait_for()
    # Word boundaries cut an entity into pieces; together they read as the entity.
    assert "".join(page.locator(".doc-text .ent.cat-time").all_inner_texts()) == "2 weeks"

    page.get_by_role("button", name="Remove Skin").click()
    page.get_by_role("button", name="Remove entity").click()
    removed = page.locator("table.entity-table tbody tr.is-removed", has_text="Skin")
    removed.wait_for()
    assert removed.locator(".tag-removed").count() == 1
    assert page.locator(".doc-text .ent", has_text="Skin").count() == 0

    page.get_by_role("button", name="Approve").click()
    page.locator(".doc-head .chip.review-approved").wait_for()
    history = page.locator(".audit-list").inner_text()
    for action in ("Approved", "Corrected an entity", "Added an entity", "Removed an entity"):
        assert action in history
    assert "checked against the chart" in history
    screenshot(page, "04-reviewed-and-approved", full_page=True)

    with page.expect_download() as download:
        page.get_by_role("button", name="FHIR").click()
    bundle = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert bundle["resourceType"] == "Bundle"
    resources = [entry["resource"] for entry in bundle["entry"]]
    kinds = {resource["resourceType"] for resource in resources}
    assert {"DocumentReference", "Condition", "MedicationStatement"} <= kinds
    codes = {
        coding["code"]
        for resource in resources
        if resource["resourceType"] == "Condition"
        for coding in resource["code"].get("coding", [])
    }
    assert "I11.9" in codes
    assert "I10" not in codes
    assert download.value.suggested_filename.endswith(".fhir.json")


def test_given_a_two_page_pdf_when_paging_then_each_page_shows_its_image_and_words(
    signed_in: Any,
) -> None:
    page = signed_in
    page.get_by_role("link", name=LAB_REPORT, exact=True).click()
    label = page.locator(".page-label")
    label.filter(has_text="Page 1 of 2").wait_for()
    page.wait_for_selector(".overlay rect.word")
    first_page_words = page.locator(".overlay rect.word").count()
    page.get_by_role("button", name="Next page").click()
    label.filter(has_text="Page 2 of 2").wait_for()
    page.wait_for_selector(".page-image")
    assert page.locator(".overlay rect.word").count() not in (0, first_page_words)
    assert page.locator(".doc-text .page-mark").all_text_contents() == ["Page 1", "Page 2"]

    # An entity on the other page brings its page back into view.
    first_entity = page.locator("table.entity-table button.entity-link").first
    first_entity.click()
    label.filter(has_text="Page 1 of 2").wait_for()
    assert page.locator(".overlay rect.word.is-selected").count() >= 1
