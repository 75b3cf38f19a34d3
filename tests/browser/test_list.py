"""The document list: free-text search, entity and code filters kept in the address,
cursor paging forward and back, and a CSV export of the selected documents."""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LIST_ROUTE = re.compile(r".*/api/documents\?.*")
SMALL_PAGE = 5


def names(page: Any) -> list[str]:
    shown: list[str] = page.locator("table.document-table a.doc-link").all_inner_texts()
    return shown


# A list drawn after the marker was set: the view the last action asked for.
MARK_LIST = "document.querySelector('table.document-table').dataset.stale = 'yes'"
FRESH_LIST = """() => {
  const table = document.querySelector('table.document-table');
  return table && !table.dataset.stale && table.querySelector('tbody tr td, tbody tr th');
}"""


def search(page: Any, **fields: str) -> list[str]:
    for label, value in fields.items():
        page.get_by_label(label.capitalize(), exact=True).fill(value)
    page.evaluate(MARK_LIST)
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_function(FRESH_LIST)
    return names(page)


def clear(page: Any) -> None:
    page.evaluate(MARK_LIST)
    page.get_by_role("button", name="Clear filters").click()
    page.wait_for_function(FRESH_LIST)


def test_given_the_list_when_searching_by_text_entity_and_code_then_only_matches_show(
    signed_in: Any,
) -> None:
    page = signed_in
    everything = names(page)
    found = search(page, search="sumatriptan")
    assert page.url.endswith("#/?q=sumatriptan")
    assert "05-visit-note-en-printed-skewed.png" in found
    assert len(found) < len(everything)

    clear(page)
    assert page.url.endswith("#/")
    found = search(page, entity="hypertension")
    assert "05-visit-note-en-printed-skewed.png" in found
    assert "04-prescription-es-printed-scan.png" not in found

    clear(page)
    page.get_by_label("ICD-10 / RxNorm code").fill("R51.9")
    found = search(page)
    assert "code=R51.9" in page.url
    assert "05-visit-note-en-printed-skewed.png" in found
    assert len(found) < len(everything)

    # The search survives a reload: it lives in the address.
    page.reload()
    page.wait_for_selector("table.document-table a.doc-link")
    assert page.get_by_label("ICD-10 / RxNorm code").input_value() == "R51.9"


def test_given_small_pages_when_paging_then_next_and_previous_follow_the_cursor(
    signed_in: Any,
) -> None:
    page = signed_in

    def small_pages(route: Any) -> None:
        parts = urlsplit(route.request.url)
        query = dict(parse_qsl(parts.query))
        query["limit"] = str(SMALL_PAGE)
        route.continue_(url=urlunsplit(parts._replace(query=urlencode(query))))

    page.route(LIST_ROUTE, small_pages)
    first = search(page)
    assert len(first) == SMALL_PAGE
    assert page.get_by_role("button", name="Previous page of documents").is_disabled()

    page.get_by_role("button", name="Next page of documents").click()
    page.locator(".list-summary", has_text=f"Showing {SMALL_PAGE + 1}").wait_for()
    second = names(page)
    assert 0 < len(second) <= SMALL_PAGE
    assert not set(first) & set(second)

    page.get_by_role("button", name="Previous page of documents").click()
    page.locator(".list-summary", has_text="Showing 1").wait_for()
    assert names(page) == first


def test_given_two_selected_documents_when_exported_as_csv_then_both_are_in_the_file(
    signed_in: Any,
) -> None:
    page = signed_in
    chosen = ["05-visit-note-en-printed-skewed.png", "01-intake-en-printed-scan.png"]
    for name in chosen:
        page.get_by_label(f"Select {name}").check()
    assert page.get_by_text("2 selected").is_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="CSV", exact=True).click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert {row["file_name"] for row in rows} == set(chosen)
    assert {row["origin"] for row in rows} >= {"machine"}
    assert download.value.suggested_filename == "meddoc-2-documents.csv"
