"""The kind of document (intake form, prescription, lab report...) and how sure we are,
from its title words, its sections, labels and tables; English and Spanish."""

from __future__ import annotations

from meddoc.model import Document
from meddoc.model_structure import DocumentType, Section, SectionKind, TypeGuess
from meddoc.structure.labels import lab_header_cells
from meddoc.structure.lines import text_lines
from meddoc.structure.vocabulary import document_types, fold, has_phrase

# Where a title is looked for: the first lines of the first page.
_TITLE_LINES = 10
_TITLE_WEIGHT = 3.0
# What the sections say, as evidence for one type each.
_EVIDENCE: dict[SectionKind, tuple[DocumentType, float]] = {
    SectionKind.RESULTS: (DocumentType.LAB_REPORT, 1.0),
    SectionKind.PRESCRIBED: (DocumentType.PRESCRIPTION, 0.7),
    SectionKind.ALLERGIES: (DocumentType.INTAKE_FORM, 0.4),
    SectionKind.FAMILY_HISTORY: (DocumentType.INTAKE_FORM, 0.4),
    SectionKind.SOCIAL_HISTORY: (DocumentType.INTAKE_FORM, 0.3),
    SectionKind.MEDICATIONS: (DocumentType.INTAKE_FORM, 0.2),
    SectionKind.VITAL_SIGNS: (DocumentType.VISIT_NOTE, 0.6),
    SectionKind.EXAM: (DocumentType.VISIT_NOTE, 0.6),
    SectionKind.PLAN: (DocumentType.VISIT_NOTE, 0.6),
    SectionKind.REASON: (DocumentType.VISIT_NOTE, 0.2),
}


def document_type(document: Document, sections: list[Section]) -> TypeGuess:
    """The best-scoring type; its confidence is its share of all the evidence, lower
    when no title names the type. OTHER when nothing points anywhere."""
    scores: dict[DocumentType, float] = {}
    titled = _title_type(document)
    if titled is not None:
        scores[titled] = _TITLE_WEIGHT
    for kind in {s.kind for s in sections}:
        if kind in _EVIDENCE:
            kind_type, weight = _EVIDENCE[kind]
            scores[kind_type] = scores.get(kind_type, 0.0) + weight
    if any(lab_header_cells([c.text for c in t.row(1)]) for p in document.pages for t in p.tables):
        scores[DocumentType.LAB_REPORT] = scores.get(DocumentType.LAB_REPORT, 0.0) + 1.0
    if not scores:
        return TypeGuess(DocumentType.OTHER, 0.5 if document.text.strip() else 0.0)
    best, score = max(scores.items(), key=lambda item: item[1])
    share = score / sum(scores.values())
    confidence = share * (0.95 if titled is best else 0.7)
    return TypeGuess(best, round(min(confidence, 0.99), 3))


def _title_type(document: Document) -> DocumentType | None:
    """The type a title phrase names, among the first lines of the document."""
    for line in text_lines(document)[:_TITLE_LINES]:
        folded = fold(line.text)
        for phrase, kind in document_types():
            if has_phrase(folded, phrase):
                return kind
    return None
