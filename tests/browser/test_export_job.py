"""A big export from the list: more documents selected than one answer holds become an
export job on the server; the site waits for it and saves the file it makes."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest

from meddoc.api.exporting import INLINE_DOCUMENTS
from meddoc.local.runtime import LocalRuntime
from meddoc.local.settings import UPLOADS, LocalSettings
from tests.api.hosts import fake_pipeline
from tests.api.seed import add_structured
from tests.browser.conftest import Console, Server, browser_tab, serving
from tests.browser.test_fields_and_tables import SMALL_SCREEN, sign_in
from tests.fakes import page_of

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

COUNT = INLINE_DOCUMENTS + 2  # two pages of the list


@pytest.fixture(scope="module")
def many_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("many-documents")
    runtime = LocalRuntime(LocalSettings(data_dir=data_dir, workers=1))
    pipeline = fake_pipeline(runtime.pipeline)
    for n in range(COUNT):
        add_structured(
            pipeline, UPLOADS, f"notes/note {n:02d}.png", page_of(f"Visit {n}", "aspirin")
        )
    runtime.connection.close()
    with serving(data_dir) as server:
        yield server


def test_given_more_documents_selected_than_an_answer_holds_then_the_job_file_is_saved(
    browser: Any, many_server: Server, console: Console
) -> None:
    with browser_tab(browser, console, SMALL_SCREEN) as page:
        sign_in(page, many_server)
        page.get_by_label("Select every document on this page").check()
        page.get_by_role("button", name="Next page of documents").click()
        page.locator(".list-summary", has_text="Showing 26").wait_for()
        page.get_by_label("Select every document on this page").check()
        assert page.get_by_text(f"{COUNT} selected").is_visible()

        with page.expect_download() as download:
            page.get_by_role("button", name="CSV", exact=True).click()

        text = download.value.path().read_text(encoding="utf-8")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len({row["document_id"] for row in rows}) == COUNT
        assert download.value.suggested_filename == f"meddoc-{COUNT}-documents.csv"
        assert page.get_by_text(f"Exporting {COUNT} documents").count() == 1
