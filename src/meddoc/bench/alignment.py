"""Entities found in an OCR'd text moved back onto the original text: the two texts are
aligned character by character (difflib, case-insensitive) and every span is mapped
through the characters the alignment pairs up."""

from __future__ import annotations

import dataclasses
from difflib import SequenceMatcher

from meddoc.model import MedicalEntity


class OffsetMap:
    """Offsets of a `source` text (what OCR read) mapped onto a `target` text (what was
    printed). A source character the alignment leaves unpaired maps nowhere."""

    def __init__(self, source: str, target: str) -> None:
        self.target = target
        self._to_target: dict[int, int] = {}
        # autojunk off: in a clinical note the frequent characters are real content.
        matcher = SequenceMatcher(None, source.lower(), target.lower(), autojunk=False)
        self._blocks = [(b.a, b.a + b.size) for b in matcher.get_matching_blocks() if b.size]
        for block in matcher.get_matching_blocks():
            for k in range(block.size):
                self._to_target[block.a + k] = block.b + k

    def span(self, begin: int, end: int) -> tuple[int, int] | None:
        """The target span covering the paired characters of [begin, end), or None when
        none of them is paired (the OCR invented the whole span)."""
        paired = [self._to_target[k] for k in range(begin, end) if k in self._to_target]
        if not paired:
            return None
        return min(paired), max(paired) + 1

    def block_length(self, begin: int, end: int) -> int:
        """Length of the run of identical text holding all of [begin, end), or 0 when
        the span is not copied whole."""
        return next((b - a for a, b in self._blocks if a <= begin and end <= b), 0)


def map_entities(entities: list[MedicalEntity], offsets: OffsetMap) -> list[MedicalEntity]:
    """Copies of the entities with spans (and attribute spans) on the target text. An
    entity whose characters pair with nothing is kept on an empty span at the end of the
    text, so it still counts as a prediction and matches no reference."""
    mapped = []
    nowhere = len(offsets.target)
    for entity in entities:
        begin, end = offsets.span(entity.begin, entity.end) or (nowhere, nowhere)
        attributes = []
        for attribute in entity.attributes:
            a_begin, a_end = offsets.span(attribute.begin, attribute.end) or (nowhere, nowhere)
            attributes.append(
                dataclasses.replace(
                    attribute, begin=a_begin, end=a_end, text=offsets.target[a_begin:a_end]
                )
            )
        mapped.append(
            dataclasses.replace(
                entity,
                begin=begin,
                end=end,
                text=offsets.target[begin:end],
                attributes=attributes,
            )
        )
    return mapped
