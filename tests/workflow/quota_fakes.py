"""Fake Textract, Comprehend, Comprehend Medical and Translate clients that enforce
requests-per-second quotas (a token bucket per API, on a clock compressed like the
workflow's waits) and answer ThrottlingException beyond them, as the services do; they
can also throttle at random (injected). Every call that succeeded is billable: the
ledger counts them per API and document, so a document billed twice shows."""

from __future__ import annotations

import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from meddoc.exports.textract_json import to_textract_json
from meddoc.model import Engine, TextDetection
from tests.fakes import page_of

DOCUMENT = re.compile(r"Patient (\w+) takes aspirin")
DEFAULT_TPS = {
    "DetectDocumentText": 10.0,
    "AnalyzeDocument": 10.0,
    "DetectEntitiesV2": 100.0,
    "InferICD10CM": 100.0,
    "InferRxNorm": 100.0,
    "InferSNOMEDCT": 2.0,
    # Comprehend (not Medical) and Translate: their quotas are far above these.
    "DetectDominantLanguage": 20.0,
    "DetectKeyPhrases": 20.0,
    "DetectEntities": 20.0,
    "DetectPiiEntities": 20.0,
    "DetectSentiment": 20.0,
}


class Bucket:
    """`tps` requests per (compressed) second, bursts up to one second's worth."""

    def __init__(self, tps: float, scale: float) -> None:
        self.rate = tps * scale  # per real second
        self.capacity = max(1.0, tps)
        self.tokens = self.capacity
        self.at = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


@dataclass
class Ledger:
    billed: Counter[tuple[str, str]] = field(default_factory=Counter)
    throttled: Counter[str] = field(default_factory=Counter)
    injected: int = 0

    @property
    def duplicates(self) -> int:
        return sum(n - 1 for n in self.billed.values() if n > 1)

    @property
    def calls(self) -> int:
        return sum(self.billed.values())


class QuotaServices:
    """One object answers as all four clients (their operation names do not clash)."""

    def __init__(
        self,
        scale: float = 1.0,
        tps: dict[str, float] | None = None,
        inject: float = 0.0,
        seed: int = 12,
        throttle_first: dict[str, int] | None = None,
    ) -> None:
        self.buckets = {api: Bucket(v, scale) for api, v in {**DEFAULT_TPS, **(tps or {})}.items()}
        self.inject = inject
        self.random = random.Random(seed)
        self.ledger = Ledger()
        self.lock = threading.Lock()
        self.throttle_first = Counter(throttle_first or {})  # API -> calls refused first
        self.refuse: dict[str, str] = {}  # API -> error code answered to every call

    def _call(self, api: str, document: str) -> None:
        with self.lock:
            if api in self.refuse:
                raise _error(api, self.refuse[api])
            if self.throttle_first[api] > 0:
                self.throttle_first[api] -= 1
                self.ledger.throttled[api] += 1
                raise _throttled(api)
            if self.inject and self.random.random() < self.inject:
                self.ledger.injected += 1
                raise _throttled(api)
            if not self.buckets[api].take():
                self.ledger.throttled[api] += 1
                raise _throttled(api)
            self.ledger.billed[(api, document)] += 1

    # --- Textract ----------------------------------------------------------------------
    def detect_document_text(self, Document: dict[str, Any]) -> dict[str, Any]:  # noqa: N803
        name = Document["S3Object"]["Name"].rsplit("/", 1)[-1].split(".")[0]
        self._call("DetectDocumentText", name)
        text = TextDetection([page_of(f"Patient {name} takes aspirin daily")], Engine("x", "1"))
        return to_textract_json(text)

    # --- Comprehend --------------------------------------------------------------------
    def detect_dominant_language(self, Text: str) -> dict[str, Any]:  # noqa: N803
        self._call("DetectDominantLanguage", _document(Text))
        return {"Languages": [{"LanguageCode": "en", "Score": 0.99}]}

    def detect_key_phrases(self, Text: str, LanguageCode: str) -> dict[str, Any]:  # noqa: N803
        self._call("DetectKeyPhrases", _document(Text))
        return {"KeyPhrases": []}

    def detect_entities(self, Text: str, LanguageCode: str) -> dict[str, Any]:  # noqa: N803
        self._call("DetectEntities", _document(Text))
        return {"Entities": []}

    def detect_pii_entities(self, Text: str, LanguageCode: str) -> dict[str, Any]:  # noqa: N803
        self._call("DetectPiiEntities", _document(Text))
        return {"Entities": []}

    def detect_sentiment(self, Text: str, LanguageCode: str) -> dict[str, Any]:  # noqa: N803
        self._call("DetectSentiment", _document(Text))
        scores = {"Positive": 0.1, "Negative": 0.0, "Neutral": 0.9, "Mixed": 0.0}
        return {"Sentiment": "NEUTRAL", "SentimentScore": scores}

    # --- Comprehend Medical ------------------------------------------------------------
    def detect_entities_v2(self, Text: str) -> dict[str, Any]:  # noqa: N803
        self._call("DetectEntitiesV2", _document(Text))
        start = Text.index("aspirin")
        entity = {
            "Id": 0,
            "BeginOffset": start,
            "EndOffset": start + 7,
            "Score": 0.99,
            "Text": "aspirin",
            "Category": "MEDICATION",
            "Type": "GENERIC_NAME",
            "Traits": [],
            "Attributes": [],
        }
        return {"Entities": [entity], "UnmappedAttributes": [], "ModelVersion": "2.4.0"}

    def infer_icd10_cm(self, Text: str) -> dict[str, Any]:  # noqa: N803
        self._call("InferICD10CM", _document(Text))
        return {"Entities": [], "ModelVersion": "0.1"}

    def infer_rx_norm(self, Text: str) -> dict[str, Any]:  # noqa: N803
        self._call("InferRxNorm", _document(Text))
        return {"Entities": [], "ModelVersion": "0.1"}

    def infer_snomedct(self, Text: str) -> dict[str, Any]:  # noqa: N803
        self._call("InferSNOMEDCT", _document(Text))
        return {"Entities": [], "ModelVersion": "0.1"}


def _document(text: str) -> str:
    found = DOCUMENT.search(text)
    return found.group(1) if found else "?"


def _throttled(api: str) -> ClientError:
    return _error(api, "ThrottlingException")


def _error(api: str, code: str) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": "refused"},
            "ResponseMetadata": {"HTTPStatusCode": 400},
        },
        api,
    )
