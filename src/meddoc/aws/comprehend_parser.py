"""Amazon Comprehend responses (DetectDominantLanguage, DetectKeyPhrases, DetectEntities,
DetectPiiEntities, DetectSentiment) into the model; every span's text is the analysed
text's own slice, so it can be shown and highlighted where it was found."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, TypeVar

from meddoc.model import KeyPhrase, Language, NamedEntity, PiiEntity, Sentiment

logger = logging.getLogger(__name__)
T = TypeVar("T", NamedEntity, PiiEntity)

UNDETERMINED = "und"  # ISO 639-2 "undetermined": Comprehend found no language


def parse_dominant_language(response: Mapping[str, Any]) -> Language:
    """The language with the highest score."""
    languages = response.get("Languages") or []
    if not languages:
        return Language(code=UNDETERMINED, score=0.0)
    best = max(languages, key=lambda language: float(language.get("Score", 0.0)))
    return Language(code=str(best["LanguageCode"]), score=float(best.get("Score", 0.0)))


def parse_key_phrases(response: Mapping[str, Any], text: str) -> list[KeyPhrase]:
    phrases = []
    for raw in response.get("KeyPhrases") or []:
        begin, end = _locate(text, raw)
        phrases.append(KeyPhrase(text[begin:end], begin, end, float(raw.get("Score", 0.0))))
    return phrases


def parse_entities(response: Mapping[str, Any], text: str) -> list[NamedEntity]:
    return _typed_spans(NamedEntity, response, text)


def parse_pii_entities(response: Mapping[str, Any], text: str) -> list[PiiEntity]:
    """DetectPiiEntities returns offsets only: the text is sliced from `text`."""
    return _typed_spans(PiiEntity, response, text)


def parse_sentiment(response: Mapping[str, Any]) -> Sentiment:
    scores = response.get("SentimentScore") or {}
    return Sentiment(
        label=str(response.get("Sentiment", "NEUTRAL")),
        positive=float(scores.get("Positive", 0.0)),
        negative=float(scores.get("Negative", 0.0)),
        neutral=float(scores.get("Neutral", 0.0)),
        mixed=float(scores.get("Mixed", 0.0)),
    )


def _typed_spans(kind: type[T], response: Mapping[str, Any], text: str) -> list[T]:
    spans = []
    for raw in response.get("Entities") or []:
        begin, end = _locate(text, raw)
        score = float(raw.get("Score", 0.0))
        spans.append(kind(text[begin:end], begin, end, score, type=str(raw.get("Type", ""))))
    return spans


def _locate(text: str, raw: Mapping[str, Any]) -> tuple[int, int]:
    """Offsets of a span in `text`. When the service also returned the span's Text and
    the offsets do not cut it out (offsets counted another way, or a text edited after
    the call), the occurrence of that Text nearest the reported offset wins."""
    begin = _bounded(raw.get("BeginOffset", 0), len(text))
    end = max(begin, _bounded(raw.get("EndOffset", begin), len(text)))
    expected = raw.get("Text")
    if not expected or text[begin:end] == expected:
        return begin, end
    found = _nearest(text, str(expected), begin)
    if found is None:
        # Never log the text itself: it may hold PHI.
        logger.warning("span text not found at or near offset %d; offsets kept", begin)
        return begin, end
    return found, found + len(expected)


def _nearest(text: str, needle: str, around: int) -> int | None:
    best: int | None = None
    start = text.find(needle)
    while start >= 0:
        if best is None or abs(start - around) < abs(best - around):
            best = start
        start = text.find(needle, start + 1)
    return best


def _bounded(value: Any, length: int) -> int:
    return min(length, max(0, int(value)))
