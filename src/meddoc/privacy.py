"""PHI masking: a document as reviewers see it by default. Every character of a PHI
span becomes a block, in the texts, the words on the page and the entities, so offsets
and boxes stay where they were while the PHI itself never leaves the server."""

from __future__ import annotations

import copy
from collections.abc import Iterable

from meddoc.model import AuditEvent, BoundingBox, Category, Document, MedicalEntity, Span

MASK = "\u2588"  # █


def phi_spans(document: Document, text_source: str) -> list[tuple[int, int]]:
    """PHI (medical PHI and Comprehend PII) spans in the original or translated text."""
    spans: list[tuple[int, int]] = []
    if document.medical is not None and document.medical.text_source == text_source:
        spans += [(e.begin, e.end) for e in document.medical.phi]
        spans += [
            (e.begin, e.end)
            for e in document.medical.entities
            if e.category == Category.PROTECTED_HEALTH_INFORMATION
        ]
    if document.language is not None and document.language.text_source == text_source:
        spans += [(p.begin, p.end) for p in document.language.pii]
    return _merged(spans)


def mask_document(document: Document) -> Document:
    masked = copy.deepcopy(document)
    original = phi_spans(document, "original")
    translated = phi_spans(document, "translation")
    masked.text = _mask_text(document.text, original)
    if masked.translation is not None:
        masked.translation.text = _mask_text(masked.translation.text, translated)
    for page in masked.pages:
        for line in page.lines:
            if line.begin is not None:
                line.text = _mask_text(line.text, _shift(original, -line.begin))
            for word in line.words:
                if word.begin is not None and _overlaps(
                    original, word.begin, word.begin + len(word.text)
                ):
                    word.text = _mask_text(word.text, _shift(original, -word.begin))
    for source, spans in (("original", original), ("translation", translated)):
        _mask_spans(_spans_in(masked, source), spans)
    return masked


def _spans_in(document: Document, source: str) -> Iterable[Span]:
    if document.language is not None and document.language.text_source == source:
        yield from document.language.key_phrases
        yield from document.language.entities
        yield from document.language.pii
    if document.medical is not None and document.medical.text_source == source:
        yield from document.medical.phi
        for entity in document.medical.entities:
            yield entity
            yield from entity.attributes
        yield from document.medical.unmapped_attributes


def _mask_spans(spans: Iterable[Span], phi: list[tuple[int, int]]) -> None:
    for span in spans:
        if _overlaps(phi, span.begin, span.end):
            span.text = _mask_text(span.text, _shift(phi, -span.begin))


def _mask_text(text: str, spans: list[tuple[int, int]]) -> str:
    characters = list(text)
    for begin, end in spans:
        for index in range(max(begin, 0), min(end, len(characters))):
            if not characters[index].isspace():
                characters[index] = MASK
    return "".join(characters)


def _overlaps(spans: list[tuple[int, int]], begin: int, end: int) -> bool:
    return any(b < end and begin < e for b, e in spans)


def _shift(spans: list[tuple[int, int]], delta: int) -> list[tuple[int, int]]:
    return [(b + delta, e + delta) for b, e in spans]


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for begin, end in sorted(spans):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((begin, end))
    return merged


def phi_boxes(masked: Document, number: int) -> list[BoundingBox]:
    """Boxes of the masked words on a page: what must be blacked out of its image."""
    return [
        word.geometry.box
        for page in masked.pages
        if page.number == number
        for line in page.lines
        for word in line.words
        if MASK in word.text
    ]


def mask_audit(events: list[AuditEvent], masked: Document) -> list[AuditEvent]:
    """Audit events as the masked view shows them: entity texts in before/after are
    read from the masked text at their offsets."""
    source = masked.medical.text_source if masked.medical else "original"
    text = masked.analysed_text(source)
    for event in events:
        for state in (event.before, event.after):
            if state and isinstance(state.get("begin"), int) and isinstance(state.get("end"), int):
                state["text"] = text[state["begin"] : state["end"]]
    return events


def mask_entities(entities: list[MedicalEntity], masked: Document) -> list[MedicalEntity]:
    """The reviewed entities with PHI text masked like the document's own."""
    source = masked.medical.text_source if masked.medical else "original"
    text = masked.analysed_text(source)
    for entity in entities:
        entity.text = text[entity.begin : entity.end] or entity.text
        for attribute in entity.attributes:
            attribute.text = text[attribute.begin : attribute.end] or attribute.text
    return entities
