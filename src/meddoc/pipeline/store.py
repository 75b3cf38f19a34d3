"""Step 5: assemble the Document from the steps' artifacts, store it in full, and record
its summary and search terms."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from meddoc.errors import DocumentNotFound
from meddoc.integrity import check_document
from meddoc.layout import layout_text
from meddoc.model import (
    Category,
    CodeSystem,
    Concept,
    Correction,
    Document,
    Engine,
    LanguageAnalysis,
    MedicalAnalysis,
    Summary,
    TextDetection,
    TextType,
)
from meddoc.pipeline import records
from meddoc.pipeline.analyze_language import TextResult
from meddoc.pipeline.artifacts import Artifacts
from meddoc.pipeline.job import LANGUAGE, MEDICAL, OCR, TEXT_ANALYSIS, Job
from meddoc.ports import DocumentStore, IndexTerm
from meddoc.privacy import MASK, DocumentPhi, document_phi, mask_document, redact
from meddoc.review import reviewed_document
from meddoc.structure import document_structure, structure_of
from meddoc.structure.clinical import clinical_statements
from meddoc.structure.statements import StatementKind

STEP = "store"
INDEXED_CATEGORIES = (
    Category.MEDICATION,
    Category.MEDICAL_CONDITION,
    Category.TEST_TREATMENT_PROCEDURE,
    Category.ANATOMY,
)
log = logging.getLogger(__name__)


def store_document(
    job: Job, *, artifacts: Artifacts, store: DocumentStore, now: Callable[[], datetime]
) -> Job:
    document = assemble(job, artifacts)
    problems = check_document(document)
    if problems:
        # Positions only (no text): safe to log; the document is kept as the engines said.
        log.warning(
            "document %s has %d integrity problems: %s",
            job.document_id,
            len(problems),
            problems[:5],
        )
    ref = artifacts.save_document(job, document)
    phi = document_phi(document)  # for the index and the summary alike
    try:
        store.index(job.document_id, *search_index(document, phi=phi))
        artifacts.stop_if_deleted(job, indexed=True)
        summary = summarize(document, job.name, phi)
        store.update(job.document_id, records.finish(summary, ref, document.engines, now()))
    except DocumentNotFound:
        artifacts.stop_if_deleted(job, indexed=True)  # the record went: deleted meanwhile
        raise
    job.artifacts["document"] = ref.key
    return job


def assemble(job: Job, artifacts: Artifacts) -> Document:
    detection = artifacts.load(job, OCR, TextDetection)
    text = artifacts.load(job, LANGUAGE, TextResult)
    # The stored pages lack their offsets into the text: lay them out again (the same
    # function made the text, so the offsets agree).
    layout_text(detection.pages)
    language = artifacts.load(job, TEXT_ANALYSIS, LanguageAnalysis)
    medical = artifacts.load(job, MEDICAL, MedicalAnalysis)
    engines = _unique_engines(
        [detection.engine]
        + ([text.translation.engine] if text.translation else [])
        + language.engines
        + medical.engines
    )
    document = Document(
        id=job.document_id,
        pages=detection.pages,
        text=text.text,
        language=language,
        translation=text.translation,
        medical=medical,
        engines=engines,
    )
    document.structure = document_structure(document)  # sections and document type
    return document


def summarize(document: Document, name: str = "", phi: DocumentPhi | None = None) -> Summary:
    """Counts of the document, and its file name `name` as lists show it; `phi` is the
    document's PHI when the caller has it already."""
    words = [w for page in document.pages for line in page.lines for w in line.words]
    medical = document.medical or MedicalAnalysis()
    phi = phi or document_phi(document)
    counted = _counted_categories(document)

    def count(category: Category) -> int:
        return sum(1 for e in medical.entities if counted.get(e.id, e.category) == category)

    return Summary(
        pages=len(document.pages),
        words=len(words),
        handwriting_words=sum(1 for w in words if w.text_type == TextType.HANDWRITING),
        mean_confidence=round(sum(w.confidence for w in words) / len(words), 4) if words else 0,
        language=document.language.language.code if document.language else None,
        translated=document.translation is not None,
        medications=count(Category.MEDICATION),
        conditions=count(Category.MEDICAL_CONDITION),
        tests=count(Category.TEST_TREATMENT_PROCEDURE),
        anatomy=count(Category.ANATOMY),
        phi=phi.count,
        icd10cm_codes=_top_codes(medical, CodeSystem.ICD10CM),
        rxnorm_codes=_top_codes(medical, CodeSystem.RXNORM),
        shown_name=redact(name, phi.phrases),
        document_type=structure_of(document).document_type.type.value,
    )


# What a statement makes of its entities in the list's counts: an allergen is no
# medication the patient takes, an analyte tagged as a drug is a test, a relative's
# condition or a habit is none of the patient's conditions.
_COUNTED_AS: dict[StatementKind, Category | None] = {
    StatementKind.MEDICATION: Category.MEDICATION,
    StatementKind.PRESCRIPTION: Category.MEDICATION,
    StatementKind.CONDITION: Category.MEDICAL_CONDITION,
    StatementKind.LAB_RESULT: Category.TEST_TREATMENT_PROCEDURE,
    StatementKind.TEST_RESULT: Category.TEST_TREATMENT_PROCEDURE,
    StatementKind.VITAL_SIGN: Category.TEST_TREATMENT_PROCEDURE,
}


def _counted_categories(document: Document) -> dict[int, Category | None]:
    """Per entity the clinical mapping read, the category it counts in (None: in no
    count). Entities it left alone count in their own category; those it took in
    without a statement (a word of the letterhead) in none."""
    clinical = clinical_statements(document)
    counted: dict[int, Category | None] = dict.fromkeys(clinical.absorbed_entity_ids)
    for entity_id, statement in clinical.readings().items():
        counted[entity_id] = _COUNTED_AS.get(statement.kind)
    return counted


def search_index(
    document: Document, corrections: Sequence[Correction] = (), phi: DocumentPhi | None = None
) -> tuple[list[IndexTerm], str]:
    """What the search index keeps of a (reviewed) document: its entity terms, best
    codes and text, with every PHI word left out, so the index never becomes a second
    copy of names, dates and numbers and a search for a patient finds nothing. `phi` is
    the document's PHI with these corrections, when the caller has it already."""
    phi = phi or document_phi(document, corrections)
    masked = mask_document(reviewed_document(document, list(corrections)), phi)
    return index_terms(masked, phi), searchable_text(masked)


def index_terms(masked: Document, phi: DocumentPhi) -> list[IndexTerm]:
    """Entity texts (PHI words dropped) and their best codes, from a masked document."""
    if masked.medical is None:
        return []
    terms: set[IndexTerm] = set()
    for entity in masked.medical.entities:
        if entity.category not in INDEXED_CATEGORIES:
            continue
        # Sort keys have size limits (DynamoDB: 1 KB); no real entity is this long.
        value = _without_phi(redact(entity.text, phi.phrases)).lower()[:200]
        if value:
            terms.add(IndexTerm("entity", value, entity.category.value))
        for system in (CodeSystem.ICD10CM, CodeSystem.RXNORM):
            best = _best_concept_code(entity.concepts, system)
            if best:
                terms.add(IndexTerm(system.value, best.upper(), entity.category.value))
    return sorted(terms, key=lambda t: (t.kind, t.value, t.category))


def searchable_text(masked: Document) -> str:
    """The masked text and, when there is one, its masked English translation (a search
    in English finds a Spanish document too), PHI words left out."""
    texts = [masked.text] + ([masked.translation.text] if masked.translation else [])
    return "\n\n".join("\n".join(_without_phi(line) for line in t.split("\n")) for t in texts)


def _without_phi(text: str) -> str:
    return " ".join(word for word in text.split() if MASK not in word)


def _top_codes(medical: MedicalAnalysis, system: CodeSystem) -> list[str]:
    codes = {_best_concept_code(e.concepts, system) for e in medical.entities}
    return sorted(c for c in codes if c)


def _best_concept_code(concepts: list[Concept], system: CodeSystem) -> str:
    ranked = sorted((c for c in concepts if c.system == system), key=lambda c: -c.score)
    return ranked[0].code if ranked else ""


def _unique_engines(engines: list[Engine]) -> list[Engine]:
    seen: dict[tuple[str, str], Engine] = {}
    for engine in engines:
        seen.setdefault((engine.name, engine.version), engine)
    return list(seen.values())
