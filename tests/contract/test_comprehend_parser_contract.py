"""Comprehend parsers against the response examples AWS documents for the AWS CLI
(tests/fixtures/aws/comprehend; README.md there says where each comes from). The
documented offsets were edited by hand and partly do not fit the printed input: these
tests hold the parser to what it promises (a span's text is the analysed text's slice,
found where the service's own Text is), not to the printed offsets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meddoc.aws.comprehend_parser import (
    parse_dominant_language,
    parse_entities,
    parse_key_phrases,
    parse_pii_entities,
    parse_sentiment,
)
from meddoc.aws.translate_parser import parse_translation
from meddoc.model import Span
from tests.contract.recorded import load_json, load_text

ANYCOMPANY = "comprehend/cli_anycompany.input.txt"


def assert_slices(spans: list[Span], text: str) -> None:
    for span in spans:
        assert 0 <= span.begin <= span.end <= len(text)
        assert span.text == text[span.begin : span.end]


def test_given_documented_key_phrases_then_each_is_found_where_its_text_is() -> None:
    text = load_text(ANYCOMPANY)
    response = load_json("comprehend/cli_detect_key_phrases.response.json")

    phrases = parse_key_phrases(response, text)

    assert_slices(phrases, text)
    assert len(phrases) == 17
    reported = [raw["Text"] for raw in response["KeyPhrases"]]
    # 16 of the 17 documented texts occur in the input: those come back verbatim,
    # even where the printed offsets are off by a few characters.
    matched = [p.text for p, want in zip(phrases, reported, strict=True) if p.text == want]
    assert len(matched) == 16
    assert "the routing number XXXXX0000.Customer feedback" not in matched
    sunshine = phrases[reported.index("Sunshine Spa")]
    assert (sunshine.begin, sunshine.end) == (342, 354)
    assert phrases[0].score == pytest.approx(0.8996376395225525)


def test_given_documented_entities_then_types_scores_and_texts_are_kept() -> None:
    text = load_text(ANYCOMPANY)
    response = load_json("comprehend/cli_detect_entities.response.json")

    entities = parse_entities(response, text)

    assert_slices(entities, text)
    assert [e.text for e in entities] == [raw["Text"] for raw in response["Entities"]]
    assert [e.type for e in entities] == [raw["Type"] for raw in response["Entities"]]
    assert entities[2].type == "ORGANIZATION"
    assert entities[2].text == "AnyCompany Financial Services, LLC"
    assert (entities[2].begin, entities[2].end) == (33, 67)


def test_given_documented_pii_then_text_is_sliced_from_the_input() -> None:
    text = load_text(ANYCOMPANY)
    response = load_json("comprehend/cli_detect_pii_entities.response.json")

    entities = parse_pii_entities(response, text)

    assert_slices(entities, text)
    assert [e.type for e in entities] == [
        "NAME",
        "NAME",
        "CREDIT_DEBIT_NUMBER",
        "DATE_TIME",
        "BANK_ACCOUNT_NUMBER",
        "BANK_ROUTING",
        "ADDRESS",
        "NAME",
        "EMAIL",
    ]
    assert [e.text for e in entities[:3]] == ["Zhang Wei", "John", "1111-XXXX-1111-XXXX"]


def test_given_documented_dominant_language_then_code_and_score_are_read() -> None:
    response = load_json("comprehend/cli_detect_dominant_language.response.json")

    language = parse_dominant_language(response)

    assert (language.code, language.score) == ("en", pytest.approx(0.9877256155014038))


def test_given_several_languages_then_the_highest_score_wins() -> None:
    response = {
        "Languages": [
            {"LanguageCode": "en", "Score": 0.31},
            {"LanguageCode": "es", "Score": 0.66},
            {"LanguageCode": "pt", "Score": 0.03},
        ]
    }

    assert parse_dominant_language(response).code == "es"


def test_given_no_language_then_it_is_undetermined_with_zero_score() -> None:
    language = parse_dominant_language({"Languages": []})

    assert (language.code, language.score) == ("und", 0.0)


def test_given_documented_sentiment_then_label_and_all_scores_are_read() -> None:
    sentiment = parse_sentiment(load_json("comprehend/cli_detect_sentiment.response.json"))

    assert sentiment.label == "POSITIVE"
    assert sentiment.positive == pytest.approx(0.9976957440376282)
    assert sentiment.negative == pytest.approx(9.653854067437351e-05)
    assert sentiment.neutral == pytest.approx(0.002169104292988777)
    assert sentiment.mixed == pytest.approx(3.857641786453314e-05)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("cli_translate_text_en_es", ("¡Hola, mundo!", "en", "es")),
        ("cli_translate_text_auto_fr", ("Bonjour", "en", "fr")),
    ],
)
def test_given_documented_translation_then_text_and_language_pair_are_read(
    name: str, expected: tuple[str, str, str]
) -> None:
    assert parse_translation(load_json(f"translate/{name}.response.json")) == expected


def test_given_offsets_past_the_text_then_the_span_stays_inside_it() -> None:
    text = "Dolor en el pecho"

    (entity,) = parse_pii_entities(
        {"Entities": [{"Type": "NAME", "Score": 0.5, "BeginOffset": 12, "EndOffset": 40}]}, text
    )

    assert (entity.begin, entity.end, entity.text) == (12, 17, "pecho")


@given(
    prefix=st.text(max_size=30),
    phrase=st.text(min_size=1, max_size=10),
    suffix=st.text(max_size=30),
    shift=st.integers(min_value=-5, max_value=5),
)
def test_given_shifted_offsets_then_the_reported_text_is_still_found(
    prefix: str, phrase: str, suffix: str, shift: int
) -> None:
    text = prefix + phrase + suffix
    begin = len(prefix) + shift
    raw = {"Text": phrase, "Score": 0.9, "BeginOffset": begin, "EndOffset": begin + len(phrase)}

    (found,) = parse_key_phrases({"KeyPhrases": [raw]}, text)

    assert found.text == phrase == text[found.begin : found.end]
