"""Chunking under byte limits and the remapping of offsets onto the whole text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from meddoc.chunking import chunk_text, shift_spans, utf8_size
from meddoc.model import Attribute, Category, MedicalEntity

# Text like OCR output: words of mixed scripts, punctuation, line breaks, long lines.
WORD = st.lists(st.sampled_from([*"abcdefghij ñáé中😀.,;:", "\n", "  ", ". "]), max_size=40).map(
    "".join
)
TEXTS = st.lists(WORD, min_size=0, max_size=60).map("".join)


@given(text=TEXTS, limit=st.integers(min_value=4, max_value=200))
@settings(max_examples=300, deadline=None)
def test_chunks_cover_the_text_in_order_and_respect_the_byte_limit(text: str, limit: int) -> None:
    chunks = chunk_text(text, limit)
    assert "".join(c.text for c in chunks) == text
    position = 0
    for chunk in chunks:
        assert chunk.begin == position
        assert text[chunk.begin : chunk.begin + len(chunk.text)] == chunk.text
        assert utf8_size(chunk.text) <= limit
        position += len(chunk.text)


@given(text=TEXTS, limit=st.integers(min_value=4, max_value=200))
@settings(max_examples=300, deadline=None)
def test_entities_found_in_chunks_slice_exactly_their_text_out_of_the_document(
    text: str, limit: int
) -> None:
    found = []
    for chunk in chunk_text(text, limit):
        # An "engine" that reports every word of the chunk, with an attribute on it.
        local = []
        for match in re.finditer(r"\w+", chunk.text):
            attribute = Attribute(match.group(), match.start(), match.end(), 0.5, type="X")
            local.append(
                MedicalEntity(
                    match.group(),
                    match.start(),
                    match.end(),
                    0.9,
                    category=Category.MEDICATION,
                    type="GENERIC_NAME",
                    attributes=[attribute],
                )
            )
        found += shift_spans(local, chunk)
    for entity in found:
        assert text[entity.begin : entity.end] == entity.text
        for attribute in entity.attributes:
            assert text[attribute.begin : attribute.end] == attribute.text


def test_lines_are_kept_whole_when_they_fit() -> None:
    text = "line one\nline two\nline three\n"
    chunks = chunk_text(text, 19)
    assert [c.text for c in chunks] == ["line one\nline two\n", "line three\n"]


def test_a_long_line_is_cut_at_sentence_ends_before_spaces() -> None:
    text = "First sentence here. Second one there. Third."
    chunks = chunk_text(text, 25)
    assert [c.text for c in chunks] == ["First sentence here. ", "Second one there. Third."]


def test_multibyte_characters_are_never_split() -> None:
    text = "ñ" * 10
    chunks = chunk_text(text, 5)
    assert [c.text for c in chunks] == ["ññ", "ññ", "ññ", "ññ", "ññ"]
