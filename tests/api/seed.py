"""The documents every API test starts from, made by the real pipeline steps over the
fakes of the engines, so both hosts (local server, API Lambda) hold the same data."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from meddoc.model import (
    Category,
    CodeSystem,
    Coding,
    CodingState,
    Concept,
    DocumentRecord,
    Engine,
    MedicalAnalysis,
    MedicalEntity,
    ObjectRef,
    Page,
    TextDetection,
    Trait,
)
from meddoc.pipeline.runner import Pipeline
from meddoc.ports import ResponseLog
from tests.documents import png_bytes
from tests.fakes import page_of

UPLOADS_BUCKET = "uploads"  # replaced by the host's upload bucket name
NOTE = (
    "Patient: John Smith",
    "Dx: type 2 diabetes",
    "Plan: metformin 500 mg daily",
    "Denies chest pain",
)
EXTRA_NOTES = 24  # enough documents to page through


@dataclass
class ScriptedTextDetector:
    """Gives each upload key the page (with structure) or the lines written for it
    (default: a short note)."""

    lines: dict[str, tuple[str, ...]] = field(default_factory=dict)
    pages: dict[str, Page] = field(default_factory=dict)

    def detect(self, ref: ObjectRef, content_type: str, log: ResponseLog) -> TextDetection:
        page: Page = self.pages.get(ref.key) or page_of(
            *self.lines.get(ref.key, ("Follow-up visit", "aspirin daily"))
        )
        return TextDetection([copy.deepcopy(page)], Engine("scripted-ocr", "1"))


class SeedMedicalAnalyzer:
    VOCABULARY = {
        "John Smith": (Category.PROTECTED_HEALTH_INFORMATION, "NAME", None),
        "Dolores Fictive": (Category.PROTECTED_HEALTH_INFORMATION, "NAME", None),
        "03/04/1961": (Category.PROTECTED_HEALTH_INFORMATION, "DATE", None),
        "diabetes": (Category.MEDICAL_CONDITION, "DX_NAME", ("E11.9", "Type 2 diabetes")),
        "metformin": (Category.MEDICATION, "GENERIC_NAME", None),
        "chest pain": (Category.MEDICAL_CONDITION, "DX_NAME", ("R07.9", "Chest pain")),
        "aspirin": (Category.MEDICATION, "GENERIC_NAME", None),
    }

    def supports(self, language: str) -> bool:
        return True

    def analyze(self, text: str, language: str, log: ResponseLog) -> MedicalAnalysis:
        entities: list[MedicalEntity] = []
        phi: list[MedicalEntity] = []
        for term, (category, kind, code) in self.VOCABULARY.items():
            start = text.find(term)
            if start < 0:
                continue
            entity = MedicalEntity(
                term,
                start,
                start + len(term),
                0.9,
                id=len(entities) + len(phi),
                category=category,
                type=kind,
                concepts=[Concept(CodeSystem.ICD10CM, code[0], code[1], 0.8)] if code else [],
                traits=[Trait("NEGATION", 0.9)] if term == "chest pain" else [],
            )
            (phi if category == Category.PROTECTED_HEALTH_INFORMATION else entities).append(entity)
        return MedicalAnalysis(
            entities=entities,
            phi=phi,
            engines=[Engine("seed-medical", "1")],
            coding=[
                Coding(CodeSystem.ICD10CM, CodingState.LINKED),
                Coding(CodeSystem.RXNORM, CodingState.UNAVAILABLE, "not available offline"),
            ],
        )


@dataclass
class Seeded:
    note_id: str
    failed_id: str
    ids: list[str]


def add_structured(
    pipeline: Pipeline, bucket: str, key: str, page: Page, document_type: str = ""
) -> str:
    """One more upload read as `page` (fields, tables), processed; its record then
    typed as the store step types it (Summary.document_type)."""
    detector = pipeline.detector
    assert isinstance(detector, ScriptedTextDetector)
    detector.pages[key] = page
    ref = ObjectRef(bucket, key)
    pipeline.blobs.write(ref, png_bytes(400, 300, key), "image/png")  # type: ignore[attr-defined]
    document_id = pipeline.run(ref).id
    if document_type:

        def typed(record: DocumentRecord) -> bool:
            assert record.summary is not None
            record.summary.document_type = document_type
            return True

        pipeline.store.update(document_id, typed)
    return document_id


def seed(pipeline: Pipeline, bucket: str) -> Seeded:
    """The visit note (with PHI), a corrupt upload, and more notes to page through."""
    detector = pipeline.detector
    assert isinstance(detector, ScriptedTextDetector)
    detector.lines["notes/visit note.png"] = NOTE
    uploads = [
        ("notes/visit note.png", png_bytes(120, 40, "visit")),
        ("scans/broken.png", png_bytes(200, 200, "x")[:300]),
    ]
    uploads += [
        (f"batch/note {n:02d}.png", png_bytes(64, 32, f"n{n}")) for n in range(EXTRA_NOTES)
    ]
    ids = []
    for key, data in uploads:
        ref = ObjectRef(bucket, key)
        pipeline.blobs.write(ref, data, "image/png")  # type: ignore[attr-defined]
        ids.append(pipeline.run(ref).id)
    return Seeded(note_id=ids[0], failed_id=ids[1], ids=ids)
