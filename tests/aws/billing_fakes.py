"""Fake Comprehend, Comprehend Medical and Translate clients that count billable calls
(by API and request text) and throttle the calls they are told to, as the services do."""

from __future__ import annotations

from collections import Counter
from typing import Any

from botocore.exceptions import ClientError

SENTIMENT = {
    "Sentiment": "NEUTRAL",
    "SentimentScore": {"Positive": 0.1, "Negative": 0.0, "Neutral": 0.9, "Mixed": 0.0},
}


class BillingFake:
    """Every call is billed (counted by API and request text) unless it is throttled;
    `throttle_at` holds the ordinal numbers (1-based, over all calls) that are refused."""

    def __init__(self, throttle_at: set[int] | None = None) -> None:
        self.throttle_at = set(throttle_at or ())
        self.calls = 0
        self.billed: Counter[tuple[str, str]] = Counter()

    def _bill(self, api: str, text: str) -> None:
        self.calls += 1
        if self.calls in self.throttle_at:
            error = {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}
            raise ClientError(error, api)
        self.billed[api, text] += 1

    def apis(self) -> Counter[str]:
        return Counter(api for api, _ in self.billed.elements())


def _first_word(text: str) -> dict[str, Any]:
    begin = len(text) - len(text.lstrip())
    end = begin + len(text.split()[0])
    return {"BeginOffset": begin, "EndOffset": end, "Text": text[begin:end], "Score": 0.9}


class MedicalFake(BillingFake):
    def detect_entities_v2(self, Text: str) -> dict[str, Any]:  # noqa: N803 (boto3's name)
        self._bill("DetectEntitiesV2", Text)
        entity = {**_first_word(Text), "Id": 0, "Category": "MEDICAL_CONDITION"}
        entity |= {"Type": "DX_NAME", "Traits": [], "Attributes": []}
        return {"Entities": [entity], "UnmappedAttributes": [], "ModelVersion": "2.4.0"}

    def detect_phi(self, Text: str) -> dict[str, Any]:  # noqa: N803
        self._bill("DetectPHI", Text)
        return {"Entities": [], "ModelVersion": "2.4.0"}

    def _inferred(self, api: str, text: str) -> dict[str, Any]:
        self._bill(api, text)
        return {"Entities": [], "ModelVersion": "0.1"}

    def infer_icd10_cm(self, Text: str) -> dict[str, Any]:  # noqa: N803
        return self._inferred("InferICD10CM", Text)

    def infer_rx_norm(self, Text: str) -> dict[str, Any]:  # noqa: N803
        return self._inferred("InferRxNorm", Text)

    def infer_snomedct(self, Text: str) -> dict[str, Any]:  # noqa: N803
        return self._inferred("InferSNOMEDCT", Text)


class ComprehendFake(BillingFake):
    def __init__(self, throttle_at: set[int] | None = None, language: str = "en") -> None:
        super().__init__(throttle_at)
        self.language = language

    def detect_dominant_language(self, Text: str) -> dict[str, Any]:  # noqa: N803
        self._bill("DetectDominantLanguage", Text)
        return {"Languages": [{"LanguageCode": self.language, "Score": 0.99}]}

    def detect_key_phrases(self, Text: str, LanguageCode: str) -> dict[str, Any]:  # noqa: N803
        self._bill("DetectKeyPhrases", Text)
        return {"KeyPhrases": [_first_word(Text)]}

    def detect_entities(self, Text: str, LanguageCode: str) -> dict[str, Any]:  # noqa: N803
        self._bill("DetectEntities", Text)
        return {"Entities": [{**_first_word(Text), "Type": "OTHER"}]}

    def detect_pii_entities(self, Text: str, LanguageCode: str) -> dict[str, Any]:  # noqa: N803
        self._bill("DetectPiiEntities", Text)
        return {"Entities": []}

    def detect_sentiment(self, Text: str, LanguageCode: str) -> dict[str, Any]:  # noqa: N803
        self._bill("DetectSentiment", Text)
        return SENTIMENT


class TranslateFake(BillingFake):
    def translate_text(
        self,
        Text: str,  # noqa: N803
        SourceLanguageCode: str,  # noqa: N803
        TargetLanguageCode: str,  # noqa: N803
    ) -> dict[str, Any]:
        self._bill("TranslateText", Text)
        return {
            "TranslatedText": Text.upper(),
            "SourceLanguageCode": SourceLanguageCode,
            "TargetLanguageCode": TargetLanguageCode,
        }


def long_text(words: int, word: str = "fever") -> str:
    """Lines of ten numbered words: `words` words in all (each line distinct)."""
    lines = [" ".join(f"{word}{n + i}" for i in range(10)) + "." for n in range(0, words, 10)]
    return "\n".join(lines)
