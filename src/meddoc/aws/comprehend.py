"""Amazon Comprehend: dominant language, key phrases, entities, PII and sentiment, each
call chunked under its byte limit with offsets mapped back onto the whole text."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from meddoc.aws import comprehend_parser as parse
from meddoc.aws.clients import client, service_errors
from meddoc.chunking import Chunk, chunk_text, shift_spans
from meddoc.model import Engine, Language, LanguageAnalysis, Sentiment, Span
from meddoc.ports import ResponseLog

SERVICE = "Amazon Comprehend"
LANGUAGE_BYTES = 5_000  # DetectDominantLanguage, DetectSentiment
ANALYSIS_BYTES = 100_000  # DetectKeyPhrases, DetectEntities, DetectPiiEntities
LANGUAGE_SAMPLE_CHUNKS = 3  # enough text to be sure, without paying for a whole book
ANALYSIS_LANGUAGES = frozenset(
    {"en", "es", "fr", "de", "it", "pt", "ar", "hi", "ja", "ko", "zh", "zh-TW"}
)
PII_LANGUAGES = frozenset({"en", "es"})
SENTIMENTS = ("positive", "negative", "neutral", "mixed")

S = TypeVar("S", bound=Span)


class ComprehendLanguageDetector:
    def __init__(self, comprehend: Any = None) -> None:
        self.comprehend = comprehend or client("comprehend")

    def detect_language(self, text: str, log: ResponseLog) -> Language:
        scores: dict[str, float] = {}
        chunks = [c for c in chunk_text(text, LANGUAGE_BYTES) if c.text.strip()]
        sample = chunks[:LANGUAGE_SAMPLE_CHUNKS]
        for index, chunk in enumerate(sample):
            response = log.call(
                "DetectDominantLanguage",
                index,
                chunk.text,
                partial(_billed, self.comprehend.detect_dominant_language, Text=chunk.text),
            )
            best = parse.parse_dominant_language(response)
            scores[best.code] = scores.get(best.code, 0.0) + best.score * len(chunk.text)
        if not scores:
            return Language(parse.UNDETERMINED, 0.0)
        code = max(scores, key=lambda c: scores[c])
        total = sum(len(c.text) for c in sample)
        return Language(code, round(scores[code] / total, 4))


class ComprehendAnalyzer:
    def __init__(self, comprehend: Any = None, pii: bool = True) -> None:
        self.comprehend = comprehend or client("comprehend")
        self.pii = pii

    def supports(self, language: str) -> bool:
        return language in ANALYSIS_LANGUAGES

    def analyze(self, text: str, language: Language, log: ResponseLog) -> LanguageAnalysis:
        code = language.code
        analysis = LanguageAnalysis(language=language, engines=[Engine("amazon-comprehend", "")])
        analysis.key_phrases = self._spans(
            text,
            code,
            "DetectKeyPhrases",
            self.comprehend.detect_key_phrases,
            parse.parse_key_phrases,
            log,
        )
        analysis.entities = self._spans(
            text,
            code,
            "DetectEntities",
            self.comprehend.detect_entities,
            parse.parse_entities,
            log,
        )
        if self.pii and code in PII_LANGUAGES:
            analysis.pii = self._spans(
                text,
                code,
                "DetectPiiEntities",
                self.comprehend.detect_pii_entities,
                parse.parse_pii_entities,
                log,
            )
        analysis.sentiment = self._sentiment(text, code, log)
        return analysis

    def _spans(
        self,
        text: str,
        code: str,
        api: str,
        call: Callable[..., Any],
        parser: Callable[[Any, str], list[S]],
        log: ResponseLog,
    ) -> list[S]:
        spans: list[S] = []
        for index, chunk in enumerate(chunk_text(text, ANALYSIS_BYTES)):
            if not chunk.text.strip():
                continue
            response = log.call(
                api,
                index,
                f"{code}\n{chunk.text}",
                partial(_billed, call, Text=chunk.text, LanguageCode=code),
            )
            spans += shift_spans(parser(response, chunk.text), chunk)
        return spans

    def _sentiment(self, text: str, code: str, log: ResponseLog) -> Sentiment | None:
        """Sentiment per 5 KB piece, averaged by piece length."""
        totals = dict.fromkeys(SENTIMENTS, 0.0)
        weight = 0
        pieces: list[Chunk] = [c for c in chunk_text(text, LANGUAGE_BYTES) if c.text.strip()]
        for index, chunk in enumerate(pieces):
            response = log.call(
                "DetectSentiment",
                index,
                f"{code}\n{chunk.text}",
                partial(
                    _billed, self.comprehend.detect_sentiment, Text=chunk.text, LanguageCode=code
                ),
            )
            sentiment = parse.parse_sentiment(response)
            for name in SENTIMENTS:
                totals[name] += getattr(sentiment, name) * len(chunk.text)
            weight += len(chunk.text)
        if not weight:
            return None
        scores = {name: round(value / weight, 4) for name, value in totals.items()}
        label = max(scores, key=lambda n: scores[n]).upper()
        return Sentiment(label, **scores)


def _billed(call: Callable[..., Any], **request: Any) -> Any:
    with service_errors(SERVICE):
        return call(**request)
