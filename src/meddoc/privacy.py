"""The PHI of a document, decided here and only here: what the analyses and reviewers
found, in the original text and in the translation, as whole words. Masking, the summary
count, the exports, the page-image redaction and the search index all read it."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from meddoc.model import (
    BoundingBox,
    Category,
    Correction,
    Document,
    Line,
    MedicalEntity,
    Page,
    Span,
    WordRef,
)
from meddoc.phi_matching import (
    FREE_TEXT_MIN,
    WHOLE_TEXT_MIN,
    Folded,
    Range,
    alphanumerics,
    counterparts,
    occurrences,
    transfer,
    word_bounds,
)
from meddoc.review import copy_document, reviewed_entities, structure_targets

MASK = "\u2588"  # █
ORIGINAL = "original"
TRANSLATION = "translation"


@dataclass(frozen=True, slots=True)
class PhiFinding:
    """One piece of PHI as an analysis (or a reviewer) reported it."""

    text: str
    begin: int
    end: int
    type: str  # NAME, DATE, ADDRESS, PHONE_OR_FAX, ID, ... (Comprehend Medical or PII)
    text_source: str  # the text the offsets point into: "original" | "translation"
    score: float = 1.0
    entity_id: int | None = None  # the medical entity it is, when it is one


@dataclass(frozen=True, slots=True)
class PhiSpan:
    """A stretch of one text that is PHI: whole words, overlapping findings merged."""

    begin: int
    end: int
    types: frozenset[str]


@dataclass(frozen=True, slots=True)
class DocumentPhi:
    findings: tuple[PhiFinding, ...]
    original: tuple[PhiSpan, ...]
    translation: tuple[PhiSpan, ...]
    unplaced: int  # findings on the translation nowhere to be found on the original
    # The PHI as written, longest first: what free text (a file name, a note) is
    # searched for. Strings too short to identify anyone (an age) are left out.
    phrases: tuple[str, ...] = ()

    def spans(self, text_source: str) -> tuple[PhiSpan, ...]:
        return self.translation if text_source == TRANSLATION else self.original

    @property
    def count(self) -> int:
        """How many pieces of PHI the document holds (the summary's count)."""
        return len(self.original) + self.unplaced


def document_phi(document: Document, corrections: Sequence[Correction] = ()) -> DocumentPhi:
    """The PHI of a document: PHI and PII the analyses found, PHI-category medical
    entities, and PHI entities reviewers added or corrected. A reviewer removing or
    recategorizing a PHI entity does not make its text public: the machine's finding
    stays PHI. Each finding is placed on the other text too (translation), and the
    longer PHI strings and each word of a name are PHI wherever they occur."""
    findings = tuple(_findings(document, corrections))
    texts = {ORIGINAL: document.text}
    if document.translation is not None:
        texts[TRANSLATION] = document.translation.text
    folded = {source: Folded.of(text) for source, text in texts.items()}
    phrases = _phrases(findings)
    ranges: dict[str, list[tuple[Range, str]]] = {
        source: [
            (r, kind)
            for phrase, kind in phrases
            for r in occurrences(text, folded[source], phrase)
        ]
        for source, text in texts.items()
    }
    unplaced = 0
    for finding in findings:
        own = word_bounds(texts.get(finding.text_source, ""), finding.begin, finding.end)
        if own is None:
            continue
        ranges[finding.text_source].append((own, finding.type))
        if len(texts) == 2:
            other = _other(finding.text_source)
            placed = _on_other_text(document, finding, own, folded[other]) or occurrences(
                texts[other], folded[other], finding.text
            )
            ranges[other] += [(r, finding.type) for r in placed]
            unplaced += not placed and finding.text_source == TRANSLATION
    return DocumentPhi(
        findings=findings,
        original=_merged(ranges[ORIGINAL]),
        translation=_merged(ranges.get(TRANSLATION, [])),
        unplaced=unplaced,
        phrases=free_text_phrases(phrase for phrase, _ in phrases),
    )


def free_text_phrases(texts: Iterable[str]) -> tuple[str, ...]:
    unique = {t.strip() for t in texts if alphanumerics(t) >= FREE_TEXT_MIN}
    return tuple(sorted(unique, key=lambda t: (-len(t), t)))


def _phrases(findings: Iterable[PhiFinding]) -> list[tuple[str, str]]:
    """PHI strings to look for anywhere, with their type: each finding's text, and each
    longer word of a name on its own (a surname identifies without the given name)."""
    phrases: dict[str, str] = {}
    for finding in findings:
        phrases.setdefault(finding.text.strip(), finding.type)
        if "NAME" in finding.type:
            for word in finding.text.split():
                if alphanumerics(word) >= WHOLE_TEXT_MIN:
                    phrases.setdefault(word.strip(".,;:()"), finding.type)
    return [(p, kind) for p, kind in phrases.items() if p]


def _findings(document: Document, corrections: Sequence[Correction]) -> Iterator[PhiFinding]:
    """Each reported piece once: an entity per entity, and PHI reported apart (DetectPHI,
    PII) only where no entity already covers the same stretch."""
    seen: set[tuple[str, int, int, int | None]] = set()
    for finding in _reported(document, corrections):
        place = (finding.text_source, finding.begin, finding.end)
        if (*place, finding.entity_id) in seen:
            continue
        if finding.entity_id is None and any(key[:3] == place for key in seen):
            continue
        seen.add((*place, finding.entity_id))
        yield finding


def _reported(document: Document, corrections: Sequence[Correction]) -> Iterator[PhiFinding]:
    medical = document.medical
    if medical is not None:
        source = medical.text_source
        reviewed = reviewed_entities(medical.entities, list(corrections)) if corrections else []
        for entity in [*medical.entities, *reviewed]:
            if entity.category == Category.PROTECTED_HEALTH_INFORMATION:
                yield _finding(entity, source, entity.id)
        for entity in medical.phi:
            yield _finding(entity, source, None)
    language = document.language
    if language is not None:
        for pii in language.pii:
            yield _finding(pii, language.text_source, None, pii.type)


def _finding(span: Span, source: str, entity_id: int | None, kind: str = "") -> PhiFinding:
    kind = kind or (span.type if isinstance(span, MedicalEntity) else "")
    return PhiFinding(span.text, span.begin, span.end, kind, source, span.score, entity_id)


def _on_other_text(
    document: Document, finding: PhiFinding, where: Range, folded: Folded
) -> list[Range]:
    assert document.translation is not None
    to_translation = finding.text_source == ORIGINAL
    target = document.translation.text if to_translation else document.text
    region = counterparts(document.translation.segments, where, to_translation)
    return transfer(finding.text, target, folded, region)


def _other(source: str) -> str:
    return ORIGINAL if source == TRANSLATION else TRANSLATION


def _merged(ranges: list[tuple[Range, str]]) -> tuple[PhiSpan, ...]:
    merged: list[PhiSpan] = []
    for (begin, end), kind in sorted(ranges):
        if merged and begin < merged[-1].end:
            last = merged[-1]
            merged[-1] = PhiSpan(last.begin, max(end, last.end), last.types | {kind})
        else:
            merged.append(PhiSpan(begin, end, frozenset({kind})))
    return tuple(merged)


# --- masking ------------------------------------------------------------------------


def mask_document(document: Document, phi: DocumentPhi | None = None) -> Document:
    """A copy of the document with every PHI word blocked out, in both texts, the
    lines and words of the pages, the form fields, table cells and titles, section
    titles, and every span (entities, attributes, key phrases, PII) that touches PHI;
    offsets and boxes stay where they were."""
    phi = phi or document_phi(document)
    masked = copy_document(document)
    original = _Stretches(phi.original)
    masked.text = mask_text(document.text, original.ranges)
    if masked.translation is not None:
        masked.translation.text = mask_text(masked.translation.text, _ranges(phi.translation))
    for page in masked.pages:
        for line in page.lines:
            if line.begin is not None:
                _mask_line(line, original)
    for source in (ORIGINAL, TRANSLATION):
        if source == TRANSLATION and masked.translation is None:
            continue
        text = masked.analysed_text(source)
        stretches = _Stretches(phi.spans(source))
        for span in _spans_in(masked, source):
            if stretches.touching(span.begin, span.end):
                span.text = _quoted(text, span)
    _mask_structure(document, masked, phi)
    return masked


def _mask_structure(document: Document, masked: Document, phi: DocumentPhi) -> None:
    """Fields, cells and titles as the masked page shows their words: the masked words
    of a part are masked in its text, and so is any PHI string found in it (a part
    read apart from the lines); a part whose masked word is not in its text is blocked
    out whole."""
    for page, shown in zip(document.pages, masked.pages, strict=True):
        for field in shown.fields:
            for part in (field.key, field.value):
                part.text = _masked_part(part.text, part.words, page, shown, phi)
        for table in shown.tables:
            table.title = redact(table.title, phi.phrases)
            for cell in table.cells:
                cell.text = _masked_part(cell.text, cell.words, page, shown, phi)
    if masked.structure is not None:
        for section in masked.structure.sections:
            section.title = redact(section.title, phi.phrases)


def _masked_part(
    text: str, words: list[WordRef], page: Page, shown: Page, phi: DocumentPhi
) -> str:
    masked = redact(text, phi.phrases)
    cursor = 0
    for ref in words:
        try:
            word = page.lines[ref.line].words[ref.word].text
            masked_word = shown.lines[ref.line].words[ref.word].text
        except IndexError:
            continue
        at = text.find(word, cursor) if word else -1
        at = at if at >= 0 or not word else text.find(word)
        if MASK in masked_word:
            if at < 0:
                return mask_text(text, [(0, len(text))])
            masked = mask_text(masked, [(at, at + len(word))])
        cursor = at + len(word) if at >= 0 else cursor
    return masked


def masked_value(target: str, value: str, masked: Document | None, phi: DocumentPhi | None) -> str:
    """A reviewer's value for a field or cell (FIELD/CELL correction) as the masked view
    shows it: blocked out whole where the part it replaces holds PHI (a corrected name
    is PHI too), or without a processed document to tell; else with the document's PHI
    strings masked."""
    if masked is None or phi is None:
        return mask_text(value, [(0, len(value))])
    fields, cells = structure_targets(masked)
    replaced = fields[target].value.text if target in fields else ""
    replaced = cells[target].text if target in cells else replaced
    if MASK in replaced:
        return mask_text(value, [(0, len(value))])
    return redact(value, phi.phrases)


def _mask_line(line: Line, phi: _Stretches) -> None:
    assert line.begin is not None
    touching = phi.touching(line.begin, line.begin + len(line.text))
    if not touching:
        return
    line.text = mask_text(line.text, _shift(touching, -line.begin))
    for word in line.words:
        # A word whose place in the text is unknown may be PHI: it is on a line with some.
        if word.begin is None or phi.touching(word.begin, word.begin + len(word.text)):
            word.text = mask_text(word.text, [(0, len(word.text))])


class _Stretches:
    """Sorted, non-overlapping PHI stretches of one text, asked which touch a range."""

    def __init__(self, spans: Iterable[PhiSpan]) -> None:
        self.ranges = _ranges(spans)
        self._ends = [end for _, end in self.ranges]

    def touching(self, begin: int, end: int) -> list[Range]:
        found = []
        for index in range(bisect.bisect_right(self._ends, begin), len(self.ranges)):
            if self.ranges[index][0] >= end:
                break
            found.append(self.ranges[index])
        return found


def mask_text(text: str, ranges: Iterable[Range]) -> str:
    characters = list(text)
    for begin, end in ranges:
        for index in range(max(begin, 0), min(end, len(characters))):
            if not characters[index].isspace():
                characters[index] = MASK
    return "".join(characters)


def redact(text: str, phrases: Sequence[str], mark: str = "") -> str:
    """Free text (a file name, a note) with every word of the PHI strings `phrases`
    masked, found as in the document text (case and accents aside); with a `mark`,
    each run of PHI words becomes that mark instead."""
    if not text or not phrases:
        return text
    folded = Folded.of(text)
    found: list[Range] = []
    for phrase in phrases:
        found += [r for b, e in folded.find(phrase) if (r := word_bounds(text, b, e))]
    if not mark:
        return mask_text(text, found)
    for span in reversed(_merged([(r, "") for r in found])):
        text = text[: span.begin] + mark + text[span.end :]
    return text


def _quoted(text: str, span: Span) -> str:
    """A span touching PHI as the masked analysed text quotes it; a span whose offsets
    do not quote its text (an edited entity) is masked by its own words."""
    quoted = text[span.begin : span.end]
    if len(quoted) == len(span.text):
        return quoted
    return mask_text(span.text, [(0, len(span.text))])


def _spans_in(document: Document, source: str) -> Iterator[Span]:
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


def _ranges(spans: Iterable[PhiSpan]) -> list[Range]:
    return [(s.begin, s.end) for s in spans]


def _shift(ranges: list[Range], delta: int) -> list[Range]:
    return [(b + delta, e + delta) for b, e in ranges]


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
