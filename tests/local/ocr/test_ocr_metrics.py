"""The OCR yardsticks on tiny hand-made pages whose answers are known."""

from __future__ import annotations

import pytest

from meddoc.bench.ocr_metrics import (
    cer,
    character_errors,
    handwriting_scores,
    levenshtein,
    match_words,
    normalize_word,
    reading_order_text,
    word_scores,
)
from meddoc.model import Geometry, TextType, Word


def word(text: str, left: float, top: float, hand: bool = False, width: float = 0.1) -> Word:
    return Word(
        text=text,
        geometry=Geometry.from_box(left, top, width, 0.02),
        confidence=0.9,
        text_type=TextType.HANDWRITING if hand else TextType.PRINTED,
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("(Yes),", "yes"), ("Dr.", "dr"), ("10/10/1982", "10/10/1982"), ("--", ""), ("«Año»", "año")],
)
def test_normalize_word_strips_edge_punctuation_and_case(raw: str, expected: str) -> None:
    assert normalize_word(raw) == expected


def test_word_scores_count_a_bag_with_multiplicity() -> None:
    # reference: the(2) cat sat ; predicted: the(1) cat mat -> 2 matched of 4 and 3
    scores = word_scores(["The", "cat", "sat", "the"], ["the", "cat.", "mat"])
    assert (scores.matched, scores.reference, scores.predicted) == (2, 4, 3)
    assert scores.precision == pytest.approx(2 / 3)
    assert scores.recall == pytest.approx(0.5)
    assert scores.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))


def test_word_scores_ignore_tokens_that_are_only_punctuation() -> None:
    scores = word_scores(["Name", ":"], ["Name", "-"])
    assert (scores.matched, scores.reference, scores.predicted) == (1, 1, 1)


def test_levenshtein_known_distances() -> None:
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein("", "abc") == 3
    assert levenshtein("flaw", "lawn") == 2
    assert levenshtein("same", "same") == 0


def test_cer_is_edits_over_reference_length_after_collapsing_spaces() -> None:
    assert cer("ab  cd", "ab cd") == 0.0
    assert cer("abcd", "abed") == pytest.approx(0.25)
    assert character_errors("abcd", "") == (4, 4)


def test_reading_order_text_reads_rows_then_left_to_right() -> None:
    words = [
        word("world", 0.5, 0.101),
        word("second", 0.1, 0.2),
        word("Hello", 0.1, 0.1),
    ]
    assert reading_order_text(words) == "Hello world second"


def test_match_words_needs_same_text_and_overlap() -> None:
    reference = [word("Name", 0.1, 0.1), word("Name", 0.6, 0.1)]
    predicted = [word("name", 0.62, 0.1), word("Name", 0.1, 0.5)]
    pairs = match_words(reference, predicted)
    assert [(r.geometry.box.left, p.geometry.box.left) for r, p in pairs] == [(0.6, 0.62)]


def test_handwriting_scores_count_found_flagged_and_false_flags() -> None:
    reference = [
        word("MARRIED", 0.3, 0.1, hand=True),
        word("10/10/1982", 0.7, 0.1, hand=True),
        word("Sex:", 0.1, 0.3),
    ]
    predicted = [
        word("MARRIED", 0.31, 0.1, hand=True),
        word("10/10/1987", 0.7, 0.1, hand=True),
        word("Sex:", 0.1, 0.3, hand=True),
    ]
    scores = handwriting_scores(reference, predicted)
    assert (scores.reference, scores.found, scores.flagged, scores.false_flags) == (2, 1, 1, 1)
    assert scores.recall == pytest.approx(0.5)
