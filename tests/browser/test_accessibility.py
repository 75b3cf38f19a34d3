"""Accessibility checks a reviewer relies on: text contrast of at least 4.5:1 (3:1 for
large text) as rendered, a name on every control, landmarks, visible focus, and no
sideways scrolling of the page at 200% zoom."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server, open_document, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

HANDWRITTEN_INTAKE = "09-intake-en-hand-scan.png"

# Contrast of every visible element's own text against its composited background.
LOW_CONTRAST = """
() => {
  const parse = (value) => {
    const match = /rgba?\\(([^)]+)\\)/.exec(value);
    if (!match) return null;
    const [r, g, b, a = 1] = match[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const luminance = ({ r, g, b }) => {
    const channel = (v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const background = (element) => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const color = parse(getComputedStyle(e).backgroundColor);
      if (color && color.a > 0) {
        layers.push(color);
        if (color.a >= 1) break;
      }
    }
    const white = { r: 255, g: 255, b: 255, a: 1 };
    return layers.reverse().reduce((below, layer) => over(layer, below), white);
  };
  const problems = [];
  for (const element of document.querySelectorAll("body *")) {
    const skipped = "svg, .visually-hidden, [hidden], dialog:not([open]), :disabled";
    if (element.closest(skipped)) continue;
    const own = [...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !element.getClientRects().length) continue;
    const style = getComputedStyle(element);
    if (style.visibility === "hidden") continue;
    const back = background(element);
    const fore = over(parse(style.color), back);
    const [light, dark] = [luminance(fore), luminance(back)].sort((x, y) => y - x);
    const ratio = (light + 0.05) / (dark + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) {
      const text = element.textContent.trim().slice(0, 30);
      problems.push(`${element.tagName}.${element.className} "${text}" ${ratio.toFixed(2)}`);
    }
  }
  return problems;
}
"""

UNNAMED_CONTROLS = """
() => {
  const labelledBy = (element) =>
    (element.getAttribute("aria-labelledby") || "")
      .split(" ")
      .map((id) => document.getElementById(id)?.textContent || "")
      .join("")
      .trim();
  const named = (element) =>
    element.getAttribute("aria-label") ||
    labelledBy(element) ||
    [...(element.labels || [])].map((l) => l.textContent).join("").trim() ||
    (element.tagName === "BUTTON" || element.tagName === "A" ? element.textContent.trim() : "");
  return [...document.querySelectorAll("input, select, textarea, button, a[href], [role=button]")]
    .filter((e) => e.getClientRects().length && e.getAttribute("aria-hidden") !== "true")
    .filter((e) => !named(e))
    .map((e) => e.outerHTML.slice(0, 80));
}
"""

SIDEWAYS_SCROLL = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def check_page(page: Any) -> None:
    assert page.evaluate(LOW_CONTRAST) == []
    assert page.evaluate(UNNAMED_CONTROLS) == []
    assert page.locator("header[role=banner]").count() == 1
    assert page.locator("main").count() == 1
    assert page.locator("h1").count() == 1


def test_given_the_list_and_a_document_then_contrast_names_and_landmarks_hold(
    signed_in: Any,
) -> None:
    page = signed_in
    check_page(page)
    open_document(page, HANDWRITTEN_INTAKE)
    check_page(page)
    page.locator("table.entity-table button.entity-link").first.click()
    check_page(page)  # with the selection highlight
    page.keyboard.press("?")
    page.locator("#help-dialog[open]").wait_for()
    assert page.evaluate(LOW_CONTRAST) == []


def test_given_keyboard_use_then_skip_link_comes_first_and_focus_is_visible(
    signed_in: Any,
) -> None:
    page = signed_in
    page.reload()  # a fresh page: Tab starts from the top
    page.wait_for_selector("table.document-table tbody tr[data-id]")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "brand"
    for _ in range(4):
        page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")


def test_given_200_percent_zoom_then_pages_reflow_without_sideways_scrolling(
    browser: Any, server: Server
) -> None:
    # 1440 x 1000 CSS pixels at 200% zoom lay out like a 720 x 500 window.
    context = browser.new_context(viewport={"width": 720, "height": 500})
    page = context.new_page()
    try:
        sign_in(page, server)
        assert page.evaluate(SIDEWAYS_SCROLL) <= 0
        screenshot(page, "09-list-at-200-percent")
        open_document(page, HANDWRITTEN_INTAKE)
        assert page.evaluate(SIDEWAYS_SCROLL) <= 0
        screenshot(page, "10-document-at-200-percent")
    finally:
        context.close()
