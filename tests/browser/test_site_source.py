"""The site's source keeps to its security rules: no HTML-parsing sinks, no eval, no
inline script or style (the CSP forbids them), nothing loaded from another origin, and
tokens only in sessionStorage. Plain file checks: no browser needed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SITE = Path(__file__).resolve().parents[2] / "site"
SCRIPTS = sorted(SITE.rglob("*.js"))
PAGES = sorted(SITE.rglob("*.html"))
STYLES = sorted(SITE.rglob("*.css"))

SINKS = {
    "innerHTML": re.compile(r"\.innerHTML\b"),
    "outerHTML": re.compile(r"\.outerHTML\b"),
    "insertAdjacentHTML": re.compile(r"insertAdjacentHTML"),
    "document.write": re.compile(r"document\.write(ln)?\s*\("),
    "eval": re.compile(r"(?<![\w.])eval\s*\("),
    "new Function": re.compile(r"new\s+Function\s*\("),
    "string timer": re.compile(r"set(Timeout|Interval)\s*\(\s*[\"'`]"),
    "createContextualFragment": re.compile(r"createContextualFragment"),
    "DOMParser": re.compile(r"DOMParser"),
    "style attribute": re.compile(r"setAttribute\(\s*[\"']style[\"']"),
    "localStorage": re.compile(r"localStorage"),
}
# Namespace names are identifiers, not addresses anything is fetched from.
ALLOWED_URLS = {"http://www.w3.org/2000/svg"}
URL = re.compile(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"'`)]*", re.IGNORECASE)


def test_given_the_site_then_it_has_scripts_pages_and_styles() -> None:
    assert len(SCRIPTS) >= 10
    assert [p.name for p in PAGES] == ["index.html"]
    assert STYLES


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_given_a_site_script_then_it_uses_no_html_sink_or_eval(script: Path) -> None:
    source = script.read_text(encoding="utf-8")
    found = [name for name, pattern in SINKS.items() if pattern.search(source)]
    assert found == []


def test_given_the_sink_check_when_a_script_uses_innerhtml_then_it_is_caught() -> None:
    # The check itself must be able to fail.
    found = [n for n, p in SINKS.items() if p.search("row.innerHTML = name; eval(x)")]
    assert found == ["innerHTML", "eval"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_given_the_html_then_it_has_no_inline_script_style_or_handlers(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.DOTALL | re.IGNORECASE)
    assert scripts, "the page loads its module"
    for attributes, body in scripts:
        assert 'src="' in attributes
        assert body.strip() == ""
    assert not re.search(r"<style\b", html, re.IGNORECASE)
    assert not re.search(r"\sstyle\s*=", html, re.IGNORECASE)
    assert not re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE)
    assert not re.search(r"javascript:", html, re.IGNORECASE)


@pytest.mark.parametrize("file", SCRIPTS + PAGES + STYLES, ids=lambda p: p.name)
def test_given_a_site_file_then_it_loads_nothing_from_another_origin(file: Path) -> None:
    text = file.read_text(encoding="utf-8")
    foreign = [u for u in URL.findall(text) if u not in ALLOWED_URLS]
    assert foreign == []
    assert "@import" not in text
    assert "@font-face" not in text
