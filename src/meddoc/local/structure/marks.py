"""Checkbox fields: a checkbox mark and the words that label it, to its right on the same
row ("[x] Yes") or else to its left ("Smoker [ ]")."""

from __future__ import annotations

from meddoc.local.structure.words import Token, confidence_of, geometry_of
from meddoc.model import Field, FieldPart, Page, Selection

REACH = 3.0  # x word height: how far from its box a label may start
LABEL_GAP = 1.0  # x word height: a wider gap ends the label

Edges = tuple[float, float, float, float]  # left, top, right, bottom


def checkbox_fields(
    page: Page, lines: list[list[Token]], selections: list[Selection], height: float
) -> list[Field]:
    aspect = (page.height / page.width) if page.width and page.height else 1.0
    tokens = sorted((t for line in lines for t in line), key=lambda t: t.left)
    boxes = [_edges(s, aspect) for s in selections]
    fields = []
    for selection, box in zip(selections, boxes, strict=True):
        # Only marks on the same row can end a label (one below may sit between a
        # mark and its word in x).
        others = [b for b in boxes if b is not box and b[1] < box[3] and box[1] < b[3]]
        label = _label(tokens, box, others, height)
        if not label:
            continue
        refs = [t.ref for t in label]
        fields.append(
            Field(
                id="",
                key=FieldPart(" ".join(t.text for t in label), refs, geometry_of(page, refs)),
                value=FieldPart("", [], selection.geometry),
                confidence=min(selection.confidence, confidence_of(page, refs)),
                selection=selection.status,
            )
        )
    return fields


def _edges(selection: Selection, aspect: float) -> Edges:
    box = selection.geometry.box
    return box.left, box.top * aspect, box.right, box.bottom * aspect


def _label(
    tokens: list[Token],
    box: Edges,
    others: list[Edges],
    height: float,
) -> list[Token]:
    left, top, right, bottom = box
    level = [t for t in tokens if top - height / 2 <= t.middle <= bottom + height / 2]
    after = [t for t in level if t.left >= right - height / 2]
    label = _run(after, right, height, others)
    if label:
        return label
    before = [t for t in reversed(level) if t.right <= left + height / 2]
    run = _run_back(before, left, height, others)
    return list(reversed(run))


def _run(tokens: list[Token], start: float, height: float, others: list[Edges]) -> list[Token]:
    """The words after a box up to a wide gap or another box (one the OCR read partly
    into the word before it still counts: its middle lies past that word's middle)."""
    run: list[Token] = []
    edge = after = start
    for token in tokens:
        limit = REACH if not run else LABEL_GAP
        if token.left - edge > limit * height or any(
            after <= (o[0] + o[2]) / 2 <= token.left for o in others
        ):
            break
        run.append(token)
        edge, after = token.right, (token.left + token.right) / 2
    return run


def _run_back(
    tokens: list[Token], start: float, height: float, others: list[Edges]
) -> list[Token]:
    run: list[Token] = []
    edge = before = start
    for token in tokens:
        limit = REACH if not run else LABEL_GAP
        if edge - token.right > limit * height or any(
            token.right <= (o[0] + o[2]) / 2 <= before for o in others
        ):
            break
        run.append(token)
        edge, before = token.left, (token.left + token.right) / 2
    return run
