"""A document analysed on its translation (as on AWS, where Comprehend Medical reads the
English translation of a Spanish page): original and translation side by side, and an
entity in the translation found on the page through Translation.segments. The local
engines do not translate, so the API's answer is given a translation on its way in."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SPANISH_PRESCRIPTION = "04-prescription-es-printed-scan.png"
DOCUMENT_ROUTE = re.compile(r".*/api/documents/[0-9a-f]{64}$")


def translated(view: dict[str, Any]) -> dict[str, Any]:
    """The view as if the analysis had run on an English translation: here the text
    upper-cased line by line (same lengths, so the entity offsets stay valid), one
    segment per line."""
    document = view["document"]
    segments = [
        {
            "source_begin": line["begin"],
            "source_end": line["begin"] + len(line["text"]),
            "target_begin": line["begin"],
            "target_end": line["begin"] + len(line["text"]),
        }
        for page in document["pages"]
        for line in page["lines"]
        if line.get("begin") is not None
    ]
    document["translation"] = {
        "source_language": "es",
        "target_language": "en",
        "text": document["text"].upper(),
        "segments": segments,
        "engine": {"name": "test-translator", "version": "1"},
    }
    document["medical"]["text_source"] = "translation"
    for entity in [*view["entities"], *document["medical"]["entities"]]:
        entity["text"] = entity["text"].upper()
    return view


def test_given_an_analysis_on_the_translation_when_an_entity_is_chosen_then_its_line_shows(
    signed_in: Any,
) -> None:
    page = signed_in

    def answer(route: Any) -> None:
        response = route.fetch()
        route.fulfill(response=response, json=translated(response.json()))

    page.route(DOCUMENT_ROUTE, answer)
    page.get_by_role("link", name=SPANISH_PRESCRIPTION, exact=True).click()
    page.wait_for_selector(".overlay rect.word")

    columns = page.locator(".text-columns.two .text-column")
    assert columns.count() == 2
    assert columns.nth(0).locator(".column-title").inner_text().lower() == "original (es)"
    assert columns.nth(1).locator(".column-title").inner_text().lower() == "translation (en)"
    assert columns.nth(1).locator(".doc-text").get_attribute("class") == "doc-text is-analysed"
    assert columns.nth(0).locator(".ent").count() == 0
    assert columns.nth(1).locator(".ent").count() > 0

    entity = page.locator("table.entity-table button.entity-link").first
    name = entity.inner_text()
    entity.click()
    # The segment is the whole line: its words are marked in the original and on the page.
    marked_words = columns.nth(0).locator(".seg.is-selected[data-w]")
    assert marked_words.count() >= 1
    assert name.lower() in " ".join(marked_words.all_inner_texts()).lower()
    assert page.locator(".overlay rect.word.is-selected").count() == marked_words.count()
    assert columns.nth(1).locator(".seg.is-selected").first.inner_text() == name
    screenshot(page, "11-translation-side-by-side")
