"""What reviewers did, as the masked view shows it: reviewed entities, fields and cells,
corrections and audit events with the document's PHI (meddoc.privacy) masked in every
text they quote."""

from __future__ import annotations

import copy
from typing import Any, cast

from meddoc.model import (
    AuditEvent,
    Correction,
    Document,
    DocumentRecord,
    MedicalEntity,
    ObjectRef,
    Span,
)
from meddoc.privacy import (
    MASK,
    ORIGINAL,
    DocumentPhi,
    document_phi,
    mask_document,
    mask_text,
    masked_value,
    redact,
)
from meddoc.review import STRUCTURE_KINDS

Review = tuple[
    DocumentRecord, Document | None, list[MedicalEntity], list[Correction], list[AuditEvent]
]


def mask_review(
    record: DocumentRecord,
    document: Document | None,
    entities: list[MedicalEntity],
    corrections: list[Correction],
    audit: list[AuditEvent],
) -> Review:
    """A record and its document with the reviewed entities, corrections and audit
    trail as the masked view shows them. Without a processed document (failed, or being
    processed again) nothing tells PHI apart, so every quoted text is blocked out and
    the file name is shown as the list shows it."""
    if document is None:
        return (
            listed_record(record),
            None,
            [],
            mask_corrections(corrections, None, None),
            mask_audit(audit, None, None),
        )
    phi = document_phi(document, corrections)
    masked = mask_document(document, phi)
    return (
        mask_record(record, phi),
        masked,
        mask_entities(copy.deepcopy(entities), masked, phi),
        mask_corrections(corrections, masked, phi),
        mask_audit(audit, masked, phi),
    )


def mask_record(record: DocumentRecord, phi: DocumentPhi) -> DocumentRecord:
    """A copy of the record with the document's PHI words masked in the file name and
    in the upload keys (they carry the file name too)."""
    shown = copy.deepcopy(record)
    shown.name = redact(record.name, phi.phrases)
    shown.source, *shown.other_sources = (
        ObjectRef(ref.bucket, redact(ref.key, phi.phrases), ref.version)
        for ref in (record.source, *record.other_sources)
    )
    return shown


def listed_record(record: DocumentRecord) -> DocumentRecord:
    """The record as the document list shows it: with the file name as processing
    masked it (Summary.shown_name), in the name and at the end of the upload keys. A
    record not yet processed shows its name: nothing tells its PHI yet."""
    shown_name = record.summary.shown_name if record.summary else ""
    if not shown_name or shown_name == record.name:
        return record
    shown = copy.deepcopy(record)
    shown.name = shown_name
    shown.source, *shown.other_sources = (
        ObjectRef(ref.bucket, ref.key[: -len(record.name)] + shown_name, ref.version)
        if record.name and ref.key.endswith(record.name)
        else ref
        for ref in (record.source, *record.other_sources)
    )
    return shown


def mask_entities(
    entities: list[MedicalEntity], masked: Document, phi: DocumentPhi
) -> list[MedicalEntity]:
    """Reviewed entities (a reviewer's added or corrected ones too) with PHI masked
    like the document's own: their texts as the masked text quotes them, and the
    document's PHI words masked in any text the offsets do not quote."""
    source = masked.medical.text_source if masked.medical else ORIGINAL
    text = masked.analysed_text(source)
    for entity in entities:
        entity.text = _requoted(text, entity, phi)
        for attribute in entity.attributes:
            attribute.text = _requoted(text, attribute, phi)
    return entities


def _requoted(text: str, span: Span, phi: DocumentPhi) -> str:
    quoted = text[span.begin : span.end]
    if len(quoted) != len(span.text):
        return redact(span.text, phi.phrases)
    return quoted if MASK in quoted else redact(span.text, phi.phrases)


def mask_corrections(
    corrections: list[Correction], masked: Document | None, phi: DocumentPhi | None
) -> list[Correction]:
    """Copies of the corrections as the masked view shows them (without a processed
    document to tell PHI apart, every entity text is blocked out)."""
    shown = copy.deepcopy(corrections)
    for correction in shown:
        if correction.kind in STRUCTURE_KINDS:
            correction.value = masked_value(correction.target, correction.value, masked, phi)
    entities = [c.entity for c in shown if c.entity is not None]
    if masked is None or phi is None:
        for entity in entities:
            _block_out(entity)
        return shown
    mask_entities(entities, masked, phi)
    for correction in shown:
        correction.note = redact(correction.note, phi.phrases)
    return shown


def _block_out(entity: MedicalEntity) -> None:
    entity.text = mask_text(entity.text, [(0, len(entity.text))])
    for attribute in entity.attributes:
        attribute.text = mask_text(attribute.text, [(0, len(attribute.text))])


def mask_audit(
    events: list[AuditEvent], masked: Document | None, phi: DocumentPhi | None
) -> list[AuditEvent]:
    """Audit events as the masked view shows them: a state with offsets quotes the
    masked text there, and every other text in a state or note (a reviewer's note, an
    attribute's text) has the document's PHI words masked. Without a processed
    document (failed, or being reprocessed) every quoted text is blocked out."""
    shown = copy.deepcopy(events)
    structure = {kind.value for kind in STRUCTURE_KINDS}
    for event in shown:
        values = [
            masked_value(str(state["target"]), str(state["value"]), masked, phi)
            if event.action in structure and "target" in state and "value" in state
            else None
            for state in (event.before or {}, event.after or {})
        ]
        event.before = _masked_dict(event.before, masked, phi)
        event.after = _masked_dict(event.after, masked, phi)
        for state, value in zip((event.before, event.after), values, strict=True):
            if state is not None and value is not None:
                state["value"] = value
        if phi is not None:
            event.note = redact(event.note, phi.phrases)
    return shown


def _masked_dict(
    state: dict[str, Any] | None, masked: Document | None, phi: DocumentPhi | None
) -> dict[str, Any] | None:
    return None if state is None else cast(dict[str, Any], _masked_state(state, masked, phi))


def _masked_state(state: object, masked: Document | None, phi: DocumentPhi | None) -> object:
    if isinstance(state, dict):
        shown = {key: _masked_state(value, masked, phi) for key, value in state.items()}
        if isinstance(state.get("text"), str):
            shown["text"] = _state_text(state, masked, phi)
        return shown
    if isinstance(state, list):
        return [_masked_state(value, masked, phi) for value in state]
    if isinstance(state, str) and phi is not None:
        return redact(state, phi.phrases)
    return state


def _state_text(state: dict[str, object], masked: Document | None, phi: DocumentPhi | None) -> str:
    text, begin, end = str(state["text"]), state.get("begin"), state.get("end")
    if masked is None or phi is None:
        return mask_text(text, [(0, len(text))])
    source = masked.medical.text_source if masked.medical else ORIGINAL
    located = isinstance(begin, int) and isinstance(end, int)
    quoted = masked.analysed_text(source)[cast(int, begin) : cast(int, end)] if located else ""
    if MASK in quoted and len(quoted) == len(text):
        return quoted
    return redact(text, phi.phrases)
