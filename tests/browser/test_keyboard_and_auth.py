"""Keyboard shortcuts (and that they stay quiet while typing), keyboard-operable word
boxes, the token sign-in, log out, and a 401 sending the reviewer back to sign in."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Console, Server, open_document, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


SHOWING = "name => document.querySelector('#page-title')?.textContent === name"


def heading(page: Any) -> str:
    text: str = page.locator("#page-title").inner_text()
    return text


def test_given_the_list_when_using_shortcuts_then_search_help_and_review_keys_work(
    signed_in: Any,
) -> None:
    page = signed_in
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search"
    page.keyboard.type("jkaf?")  # letters typed into a field are text, not shortcuts
    assert page.locator("#search").input_value() == "jkaf?"
    assert page.locator("#help-dialog[open]").count() == 0
    page.locator("#search").fill("")

    page.locator("h1").click()  # out of the field
    page.keyboard.press("?")
    page.locator("#help-dialog[open]").wait_for()
    screenshot(page, "07-shortcut-help")
    page.keyboard.press("Escape")
    assert page.locator("#help-dialog[open]").count() == 0

    names = page.locator("table.document-table a.doc-link").all_inner_texts()
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.textContent") == names[1]
    page.keyboard.press("Enter")
    page.wait_for_selector(".doc-head")
    assert heading(page) == names[1]

    page.keyboard.press("j")
    page.wait_for_function(SHOWING, arg=names[2])
    page.keyboard.press("k")
    page.wait_for_function(SHOWING, arg=names[1])
    page.wait_for_selector(".doc-text .ent")
    page.keyboard.press("f")
    page.locator(".doc-head .chip.review-flagged").wait_for()
    assert page.locator(".audit-list", has_text="Flagged").count() == 1


def test_given_word_boxes_when_using_arrow_keys_and_enter_then_a_word_is_selected(
    signed_in: Any,
) -> None:
    page = signed_in
    open_document(page, "01-intake-en-printed-scan.png")
    first = page.locator('.overlay rect.word[tabindex="0"]')
    first.focus()
    page.keyboard.press("ArrowRight")
    focused = page.evaluate("document.activeElement.dataset.w")
    assert focused == "1"
    page.keyboard.press("Enter")
    assert page.locator(f'.overlay rect.word.is-selected[data-w="{focused}"]').count() == 1
    assert page.locator(f'.doc-text .seg.is-selected[data-w="{focused}"]').count() == 1


def test_given_a_wrong_token_when_signing_in_then_it_is_refused_and_nothing_is_stored_for_long(
    page: Any, server: Server, console: Console
) -> None:
    console.allow_status(401)
    page.goto(server.url)
    page.get_by_label("Access token").fill("not-the-token")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("That token was not accepted").wait_for()
    assert page.evaluate("sessionStorage.getItem('meddoc.token')") is None

    sign_in(page, server)
    assert page.evaluate("sessionStorage.getItem('meddoc.token')") == server.token
    assert page.evaluate("localStorage.length") == 0
    page.get_by_role("button", name="Log out").click()
    page.get_by_label("Access token").wait_for()
    assert page.evaluate("sessionStorage.getItem('meddoc.token')") is None


def test_given_a_token_that_stops_working_when_the_api_answers_401_then_login_shows(
    signed_in: Any, console: Console
) -> None:
    page = signed_in
    console.allow_status(401)
    page.evaluate("sessionStorage.setItem('meddoc.token', 'expired-token')")
    page.get_by_role("button", name="Search").click()
    page.get_by_text("Your session has ended").wait_for()
    assert page.get_by_label("Access token").is_visible()
    assert page.get_by_role("button", name="Log out").is_hidden()
    assert page.evaluate("sessionStorage.getItem('meddoc.token')") is None
    screenshot(page, "08-signed-out-after-401")
