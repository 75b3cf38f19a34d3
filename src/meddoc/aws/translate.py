"""Amazon Translate, chunked under its 10,000-byte limit. Each piece is mapped to its
translation line by line where the line counts agree (Translate keeps line breaks),
otherwise piece by piece, so reviewers can see original and translation side by side."""

from __future__ import annotations

from functools import partial
from typing import Any

from meddoc.aws.clients import client, service_errors
from meddoc.aws.translate_parser import parse_translation
from meddoc.chunking import chunk_text
from meddoc.model import Engine, Segment, Translation
from meddoc.ports import ResponseLog

SERVICE = "Amazon Translate"
MAX_BYTES = 10_000


class AmazonTranslator:
    def __init__(self, translate: Any = None) -> None:
        self.translate_client = translate or client("translate")

    def translate(self, text: str, source: str, target: str, log: ResponseLog) -> Translation:
        parts: list[str] = []
        segments: list[Segment] = []
        target_at = 0
        for index, chunk in enumerate(chunk_text(text, MAX_BYTES)):
            # Translate drops trailing line breaks; keep them so pieces join as they were.
            body = chunk.text.rstrip()
            if body:
                response = log.call(
                    "TranslateText",
                    index,
                    f"{source}\n{target}\n{body}",
                    partial(self._billed, body, source, target),
                )
                translated = parse_translation(response)[0] + chunk.text[len(body) :]
            else:
                translated = chunk.text
            segments += align_lines(chunk.begin, chunk.text, target_at, translated)
            parts.append(translated)
            target_at += len(translated)
        return Translation(
            source, target, "".join(parts), segments, Engine("amazon-translate", "")
        )

    def _billed(self, body: str, source: str, target: str) -> Any:
        with service_errors(SERVICE):
            return self.translate_client.translate_text(
                Text=body, SourceLanguageCode=source, TargetLanguageCode=target
            )


def align_lines(source_at: int, source: str, target_at: int, target: str) -> list[Segment]:
    source_lines = source.split("\n")
    target_lines = target.split("\n")
    if len(source_lines) != len(target_lines):
        return [Segment(source_at, source_at + len(source), target_at, target_at + len(target))]
    segments = []
    for source_line, target_line in zip(source_lines, target_lines, strict=True):
        segments.append(
            Segment(
                source_at, source_at + len(source_line), target_at, target_at + len(target_line)
            )
        )
        source_at += len(source_line) + 1
        target_at += len(target_line) + 1
    return segments
