"""Amazon Translate TranslateText responses: the translated text and the language pair."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def parse_translation(response: Mapping[str, Any]) -> tuple[str, str, str]:
    """(translated text, source language code, target language code). The source is
    the language Translate used, which it detected itself when asked with "auto"."""
    return (
        str(response["TranslatedText"]),
        str(response["SourceLanguageCode"]),
        str(response["TargetLanguageCode"]),
    )
