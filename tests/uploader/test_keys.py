"""Keys survive the S3 -> EventBridge round trip (URL-encoded once, decoded once by the
pipeline) unchanged, and names S3 handles badly are refused with a reason."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from urllib.parse import quote, quote_plus, unquote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pushlib.keys import KeyProblem, clean_prefix, new_prefix, object_key, server_name

PREFIX = "batch-2026-11-26-abc123/"

# Path segments of any printable characters (no control characters, no "/").
segment = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="/"),
    min_size=1,
    max_size=40,
)


@given(st.lists(segment, min_size=1, max_size=4))
def test_every_key_decodes_to_itself_after_the_event_encoding(parts: list[str]) -> None:
    key = object_key(PREFIX, "/".join(parts))
    # S3 event notifications encode like a form (space as "+"), and the pipeline
    # decodes once with unquote_plus.
    assert unquote_plus(quote_plus(key, safe="/")) == key
    assert unquote_plus(quote_plus(key)) == key
    assert key == unicodedata.normalize("NFC", key)


@pytest.mark.parametrize(
    "relative",
    ["visit note 1.png", "labs+results/cbc 2026.png", "Ñandú/résumé médical.jpg", "a%20b.png"],
)
def test_given_spaces_plus_and_unicode_then_the_key_keeps_them(relative: str) -> None:
    key = object_key(PREFIX, relative)

    assert key == PREFIX + relative
    assert unquote_plus(quote(key, safe="/").replace("%20", "+")) == key


def test_given_a_decomposed_accent_then_the_key_is_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "résumé.png")

    assert object_key(PREFIX, decomposed) == PREFIX + "résumé.png"


@pytest.mark.parametrize(
    "bad", ["line\nbreak.png", "tab\there.png", "bell\x07.png", "del\x7f.png"]
)
def test_given_a_control_character_then_the_file_is_refused_with_a_reason(bad: str) -> None:
    with pytest.raises(KeyProblem, match="control character"):
        object_key(PREFIX, bad)


def test_given_a_name_that_is_not_utf8_then_it_is_refused() -> None:
    undecodable = b"scan\xff.png".decode("utf-8", "surrogateescape")

    with pytest.raises(KeyProblem, match="not valid UTF-8"):
        object_key(PREFIX, undecodable)


def test_given_a_key_over_1024_bytes_then_it_is_refused() -> None:
    long_name = "/".join(["é" * 100] * 6) + ".png"  # 1,200+ bytes in UTF-8

    with pytest.raises(KeyProblem, match="1,024"):
        object_key(PREFIX, long_name)
    assert object_key(PREFIX, "é" * 400 + ".png")  # 800 bytes + prefix: fine


def test_new_prefix_is_dated_and_random() -> None:
    now = datetime(2026, 11, 26, 23, 59, tzinfo=UTC)

    first, second = new_prefix(now), new_prefix(now)

    assert re.fullmatch(r"batch-2026-11-26-[0-9a-f]{6}/", first)
    assert first != second


def test_a_given_prefix_gets_one_trailing_slash_and_no_leading_one() -> None:
    assert clean_prefix("/clinic-a/2026//") == "clinic-a/2026/"
    with pytest.raises(KeyProblem):
        clean_prefix("bad\nprefix")


def test_a_server_gets_the_file_name_without_folders() -> None:
    assert server_name("scans/2026/visit note.png") == "visit note.png"
    assert server_name("odd\\name.png") == "odd_name.png"
