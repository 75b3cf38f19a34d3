"""Offline language detection and analysis: languages, sentiment, key phrases, entities
and PII in Comprehend's type names."""

from __future__ import annotations

import pytest

from meddoc.errors import ServiceRejected
from meddoc.local.language import LocalLanguageAnalyzer, LocalLanguageDetector
from meddoc.model import Language


@pytest.fixture(scope="module")
def detector() -> LocalLanguageDetector:
    return LocalLanguageDetector()


@pytest.fixture(scope="module")
def analyzer() -> LocalLanguageAnalyzer:
    return LocalLanguageAnalyzer()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Patient denies chest pain. Lungs clear to auscultation bilaterally.", "en"),
        ("Paciente niega dolor torácico. Campos pulmonares limpios.", "es"),
        ("TAKE ONE TABLET BY MOUTH EVERY DAY", "en"),
        ("TOMAR UNA TABLETA CADA 24 HORAS", "es"),
        ("Diagnosis: Community-acqu1red pneumonia, r1ght lower lobe", "en"),
        ("Diagn6stico: gastroenteritis aguda con deshidrataci6n leve", "es"),
        ("Le patient se plaint de douleurs thoraciques depuis hier soir.", "fr"),
    ],
)
def test_given_clinical_or_ocr_text_when_detected_then_language_is_right(
    detector: LocalLanguageDetector, text: str, code: str
) -> None:
    language = detector.detect_language(text)

    assert language.code == code
    assert 0.0 < language.score <= 1.0


def test_given_ocr_form_with_short_lines_when_detected_then_the_majority_wins(
    detector: LocalLanguageDetector,
) -> None:
    text = (
        "Nombre:\nJOSE PEREZ\nFecha: 12/03/2024\nEdad: 45\n"
        "Motivo de consulta: dolor de cabeza\n7\n|"
    )

    assert detector.detect_language(text).code == "es"


def test_given_text_without_letters_when_detected_then_fallback_with_zero_score() -> None:
    assert LocalLanguageDetector(fallback="es").detect_language("12/03 4 | 567") == Language(
        "es", 0.0
    )


def test_given_languages_then_only_english_and_spanish_are_supported(
    analyzer: LocalLanguageAnalyzer,
) -> None:
    assert analyzer.supports("en")
    assert analyzer.supports("es-MX")
    assert not analyzer.supports("fr")
    with pytest.raises(ServiceRejected):
        analyzer.analyze("Bonjour", Language("fr", 0.99))


@pytest.mark.parametrize(
    ("text", "code", "label"),
    [
        ("The staff were wonderful and very kind. I am so grateful!", "en", "POSITIVE"),
        ("This was a terrible experience. The worst pain ever.", "en", "NEGATIVE"),
        ("El personal fue excelente y muy amable. Estoy muy contenta.", "es", "POSITIVE"),
        ("Estoy muy mal, el dolor es insoportable.", "es", "NEGATIVE"),
        ("Blood pressure 120/80. Return in 3 months.", "en", "NEUTRAL"),
    ],
)
def test_given_clear_text_when_analyzed_then_sentiment_has_its_direction(
    analyzer: LocalLanguageAnalyzer, text: str, code: str, label: str
) -> None:
    sentiment = analyzer.analyze(text, Language(code, 1.0)).sentiment

    assert sentiment is not None
    assert sentiment.label == label
    scores = [sentiment.positive, sentiment.negative, sentiment.neutral, sentiment.mixed]
    assert sum(scores) == pytest.approx(1.0)
    assert max(scores) == getattr(sentiment, label.lower())


def test_given_spanish_negation_when_analyzed_then_positive_word_turns_negative(
    analyzer: LocalLanguageAnalyzer,
) -> None:
    sentiment = analyzer.analyze("El tratamiento no fue bueno.", Language("es", 1.0)).sentiment

    assert sentiment is not None
    assert sentiment.negative > sentiment.positive


def test_given_note_when_analyzed_then_key_phrases_exist_and_slice_exactly(
    analyzer: LocalLanguageAnalyzer,
) -> None:
    text = "Chief complaint: worsening knee pain.\nPlan: physical therapy referral and knee x-ray."

    phrases = analyzer.analyze(text, Language("en", 1.0)).key_phrases

    assert {"worsening knee pain", "physical therapy referral", "knee x-ray"} <= {
        p.text for p in phrases
    }
    assert all(text[p.begin : p.end] == p.text for p in phrases)
    assert all(0.0 < p.score <= 1.0 for p in phrases)


def test_given_identifiers_when_analyzed_then_pii_uses_comprehend_type_names(
    analyzer: LocalLanguageAnalyzer,
) -> None:
    text = (
        "Name: John Q. Smith\n"
        "SSN: 123-45-6789\n"
        "Passport No: X12345678\n"
        "Driver's License: S82749103\n"
        "Card: 4111 1111 1111 1111\n"
        "Bank account: 000123456789\n"
        "ITIN: 912-78-1234\n"
        "Email: jqs@example.com  Phone: 206-555-0100\n"
        "Address: 100 Main Street, Anytown, WA 98101\n"
        "Seen 03/02/2024 from 10.0.0.12, see www.example.org\n"
        "A 48-year-old man. MRN: 00482913"
    )

    pii = analyzer.analyze(text, Language("en", 1.0)).pii

    assert {(p.type, p.text) for p in pii} == {
        ("NAME", "John Q. Smith"),
        ("SSN", "123-45-6789"),
        ("PASSPORT_NUMBER", "X12345678"),
        ("DRIVER_ID", "S82749103"),
        ("CREDIT_DEBIT_NUMBER", "4111 1111 1111 1111"),
        ("BANK_ACCOUNT_NUMBER", "000123456789"),
        ("US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER", "912-78-1234"),
        ("EMAIL", "jqs@example.com"),
        ("PHONE", "206-555-0100"),
        ("ADDRESS", "100 Main Street, Anytown, WA 98101"),
        ("DATE_TIME", "03/02/2024"),
        ("IP_ADDRESS", "10.0.0.12"),
        ("URL", "www.example.org"),
        ("AGE", "48"),
    }
    assert all(text[p.begin : p.end] == p.text for p in pii)


def test_given_note_when_analyzed_then_general_entities_have_comprehend_types(
    analyzer: LocalLanguageAnalyzer,
) -> None:
    text = "Dr. Ana Ruiz saw the patient at Henry Ford Hospital on 5/6/2024. Amoxicillin 500 mg."

    analysis = analyzer.analyze(text, Language("en", 0.9))

    assert {(e.type, e.text) for e in analysis.entities} == {
        ("PERSON", "Ana Ruiz"),
        ("ORGANIZATION", "Henry Ford Hospital"),
        ("DATE", "5/6/2024"),
        ("QUANTITY", "500 mg"),
    }
    assert analysis.language == Language("en", 0.9)
    assert {e.name for e in analysis.engines} == {
        "meddoc-keyphrases",
        "vaderSentiment",
        "meddoc-phi-rules",
        "names",
    }
    assert all(e.version for e in analysis.engines)
