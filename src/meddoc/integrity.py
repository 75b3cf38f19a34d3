"""Invariants every Document must hold, whichever engine produced it: spans slice their
text exactly out of the text they refer to; geometry, confidences and scores lie in 0-1."""

from __future__ import annotations

from collections.abc import Iterable

from meddoc.model import Document, Geometry, Span


def check_document(document: Document) -> list[str]:
    """Problems found (empty when the document is sound). Messages name positions and
    kinds only, never document text, so they are safe to log."""
    problems: list[str] = []
    for page in document.pages:
        for line_number, line in enumerate(page.lines, start=1):
            where = f"page {page.number} line {line_number}"
            problems += _check_geometry(line.geometry, where)
            problems += _check_unit(line.confidence, f"{where} confidence")
            for word in line.words:
                problems += _check_geometry(word.geometry, f"{where} word")
                problems += _check_unit(word.confidence, f"{where} word confidence")
    if document.language is not None:
        text = document.analysed_text(document.language.text_source)
        analysis = document.language
        for kind, spans in (
            ("key phrase", analysis.key_phrases),
            ("entity", analysis.entities),
            ("pii", analysis.pii),
        ):
            problems += _check_spans(spans, text, kind)
    if document.medical is not None:
        text = document.analysed_text(document.medical.text_source)
        medical = document.medical
        problems += _check_spans(medical.entities, text, "medical entity")
        problems += _check_spans(medical.phi, text, "phi")
        problems += _check_spans(medical.unmapped_attributes, text, "attribute")
        for entity in medical.entities:
            problems += _check_spans(entity.attributes, text, "attribute")
            if not entity.type:
                problems.append(f"medical entity {entity.id} has no type")
    return problems


def _check_spans(spans: Iterable[Span], text: str, kind: str) -> list[str]:
    problems = []
    for number, span in enumerate(spans):
        if not 0 <= span.begin <= span.end <= len(text):
            problems.append(f"{kind} {number} offsets {span.begin}-{span.end} out of range")
        elif text[span.begin : span.end] != span.text:
            problems.append(f"{kind} {number} offsets {span.begin}-{span.end} miss its text")
        problems += _check_unit(span.score, f"{kind} {number} score")
    return problems


def _check_geometry(geometry: Geometry, where: str) -> list[str]:
    box = geometry.box
    # Textract reports boxes a hair outside the page for marks on its edge.
    slack = 0.02
    inside = (
        -slack <= box.left <= 1 + slack
        and -slack <= box.top <= 1 + slack
        and box.width >= 0
        and box.height >= 0
        and box.right <= 1 + slack
        and box.bottom <= 1 + slack
    )
    return [] if inside else [f"{where} box outside the page"]


def _check_unit(value: float, where: str) -> list[str]:
    return [] if 0.0 <= value <= 1.0 else [f"{where} {value} outside 0-1"]
