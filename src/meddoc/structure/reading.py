"""What the clinical mapping reads a section by: the stretches of its value (lines under a
heading, or a field's value) that no inner section claims, each with its offset, and
where each reviewed entity sits in the document text (a translation's entities placed
back on the original)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from meddoc.model import Category, Document, MedicalEntity
from meddoc.model_structure import Section, Structure
from meddoc.phi_matching import Range, counterparts
from meddoc.structure.lines import word_span
from meddoc.structure.vocabulary import plain


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of a section's value: text == Document.text[begin:begin+len(text)],
    except where a reviewer corrected a form field's value."""

    begin: int
    text: str

    @property
    def end(self) -> int:
        return self.begin + len(self.text)


@dataclass(frozen=True, slots=True)
class Placed:
    """A reviewed entity and where it is in the document text."""

    entity: MedicalEntity
    begin: int
    end: int
    exact: bool  # False: only the translated stretch it came from is known


class Reader:
    """One document's text, structure and entities, for the statement builders."""

    def __init__(self, document: Document, structure: Structure) -> None:
        self.document = document
        self.text = document.text
        self.structure = structure
        self.entities = _placed(document)
        self._fields = _field_values(document)

    def pieces(self, section: Section) -> list[Piece]:
        """The section's value, line by line, without its title and without the lines
        an inner section of its own claims."""
        corrected = self._fields.get(section.begin)
        if corrected is not None:
            return [corrected] if corrected.text.strip() else []
        start = section.begin + len(section.title)
        while start < section.end and self.text[start] in " \t:.-\u2013":
            start += 1
        pieces = []
        offset = start
        for part in self.text[start : section.end].split("\n"):
            stripped = part.strip()
            if stripped:
                begin = offset + part.index(stripped)
                if self._innermost(begin, section):
                    pieces.append(Piece(begin, stripped))
            offset += len(part) + 1
        return pieces

    def _innermost(self, offset: int, section: Section) -> bool:
        holding = self.structure.sections_at(offset)
        return bool(holding) and holding[0] is section

    def inside(self, begin: int, end: int) -> list[Placed]:
        """The entities overlapping a stretch of the text."""
        return [p for p in self.entities if p.begin < end and begin < p.end]

    def section_of(self, placed: Placed) -> Section | None:
        holding = self.structure.sections_at(placed.begin)
        return holding[0] if holding else None


def _placed(document: Document) -> list[Placed]:
    medical = document.medical
    if medical is None:
        return []
    # PHI is no clinical statement's part, wherever an engine lists it.
    entities = [
        e for e in medical.entities if e.category is not Category.PROTECTED_HEALTH_INFORMATION
    ]
    if medical.text_source != "translation" or document.translation is None:
        return [Placed(e, e.begin, e.end, True) for e in entities]
    placed = []
    for entity in entities:
        region = counterparts(document.translation.segments, (entity.begin, entity.end), False)
        if region is not None:
            begin, end = _one_line(document, entity, region)
            placed.append(Placed(entity, begin, end, False))
    return placed


def _one_line(document: Document, entity: MedicalEntity, region: tuple[int, int]) -> Range:
    """The original line an entity read on the translation came from. Translate keeps
    lines apart when it can (then the region is that line); otherwise the line holding
    the start of one of its words ("Penicillin" in "Alergias: Penicilina"), else the
    line as far into the region as the entity is into its translation."""
    begin, end = region
    original = document.text[begin:end]
    if "\n" not in original:
        return region
    flat = plain(original)
    # Its words, longest first, cut to their first letters ("penicillin" -> "penic").
    stems = sorted({w[:5] for w in re.findall(r"[^\W\d_]{4,}", plain(entity.text))}, key=len)
    found = [at for stem in reversed(stems) if (at := flat.find(stem)) >= 0]
    at = found[0] if found else -1
    if at < 0:
        assert document.translation is not None
        target = counterparts(document.translation.segments, region, True) or (0, 1)
        share = (entity.begin - target[0]) / max(target[1] - target[0], 1)
        at = min(int(share * len(original)), len(original) - 1)
    line_begin = original.rfind("\n", 0, at) + 1
    line_end = original.find("\n", at)
    return begin + line_begin, begin + (line_end if line_end >= 0 else len(original))


def _field_values(document: Document) -> dict[int, Piece]:
    """Form field values that differ from the text they were read from (a reviewer's
    FIELD correction), by where the field's key starts."""
    values: dict[int, Piece] = {}
    for page in document.pages:
        for field in page.fields:
            key = word_span(page, field.key.words)
            value = word_span(page, field.value.words)
            if key is None:
                continue
            written = document.text[value[0] : value[1]] if value else ""
            # The words joined with spaces are no correction of the lines they span.
            if field.value.text.split() != written.split() and _not_masked(written):
                values[key[0]] = Piece(value[0] if value else key[1], field.value.text.strip())
    return values


def _not_masked(text: str) -> bool:
    # A masked text differs from the field's own value only by its blocked-out words.
    return "\u2588" not in text
