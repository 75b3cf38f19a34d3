"""Hand-written fakes of the ports, for unit tests of the steps. They behave like the
real adapters in what the steps rely on (conditional create, atomic update), and
record what was asked of them."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from meddoc.errors import DocumentNotFound, ServiceThrottled
from meddoc.local.files import FileBlobStore
from meddoc.model import (
    Category,
    CodeSystem,
    Coding,
    CodingState,
    Concept,
    DocumentRecord,
    Engine,
    Geometry,
    KeyPhrase,
    Language,
    LanguageAnalysis,
    Line,
    MedicalAnalysis,
    MedicalEntity,
    ObjectRef,
    Page,
    Segment,
    TextDetection,
    Translation,
    Word,
)
from meddoc.ports import IndexTerm, RecordChange, ResponseLog, ResultPage, Tombstone


class FakeBlobStore:
    def __init__(self) -> None:
        self.objects: dict[ObjectRef, bytes] = {}

    def put(self, ref: ObjectRef, data: bytes) -> None:
        self.objects[ref] = data

    def size(self, ref: ObjectRef) -> int:
        return len(self.read(ref))

    def read(self, ref: ObjectRef) -> bytes:
        if ref not in self.objects:
            raise DocumentNotFound(f"no object {ref}")
        return self.objects[ref]

    def read_chunks(self, ref: ObjectRef, chunk_size: int = 1 << 20) -> Iterator[bytes]:
        data = self.read(ref)
        for start in range(0, len(data), chunk_size):
            yield data[start : start + chunk_size]

    def read_range(self, ref: ObjectRef, start: int, length: int) -> bytes:
        return self.read(ref)[start : start + max(length, 0)]

    def write(self, ref: ObjectRef, data: bytes, content_type: str) -> None:
        self.objects[ref] = data

    def delete_prefix(self, bucket: str, prefix: str) -> int:
        doomed = [r for r in self.objects if r.bucket == bucket and r.key.startswith(prefix)]
        for ref in doomed:
            del self.objects[ref]
        return len(doomed)

    def keys(self, bucket: str) -> list[str]:
        return sorted(r.key for r in self.objects if r.bucket == bucket)


class FakeDocumentStore:
    def __init__(self) -> None:
        self.records: dict[str, DocumentRecord] = {}
        self.terms: dict[str, list[IndexTerm]] = {}
        self.texts: dict[str, str] = {}

    def get(self, document_id: str) -> DocumentRecord | None:
        record = self.records.get(document_id)
        return copy.deepcopy(record)

    def create(self, record: DocumentRecord) -> bool:
        if record.id in self.records:
            return False
        self.records[record.id] = copy.deepcopy(record)
        return True

    def update(self, document_id: str, change: RecordChange) -> DocumentRecord:
        if document_id not in self.records:
            raise DocumentNotFound(document_id)
        record = copy.deepcopy(self.records[document_id])
        if change(record):
            self.records[document_id] = record
        return copy.deepcopy(self.records[document_id])

    def index(self, document_id: str, terms: Iterable[IndexTerm], text: str) -> None:
        self.terms[document_id] = list(terms)
        self.texts[document_id] = text


class FakeTombstones:
    def __init__(self) -> None:
        self.buried: dict[str, Tombstone] = {}

    def bury(self, tombstone: Tombstone) -> None:
        self.buried[tombstone.document_id] = tombstone

    def find(self, document_id: str) -> Tombstone | None:
        return self.buried.get(document_id)

    def lift(self, document_id: str) -> None:
        self.buried.pop(document_id, None)

    def older_than(self, moment: datetime) -> list[Tombstone]:
        return [t for t in self.buried.values() if t.at < moment]


def page_of(*lines: str) -> Page:
    """A page with one line per text, words split on spaces, boxes stacked down."""
    page = Page(number=1)
    for number, text in enumerate(lines):
        top = 0.05 + number * 0.04
        words = [
            Word(w, Geometry.from_box(0.1 + i * 0.1, top, 0.09, 0.03), 0.98)
            for i, w in enumerate(text.split())
        ]
        page.lines.append(Line(text, Geometry.from_box(0.1, top, 0.8, 0.03), 0.98, words))
    return page


@dataclass
class FakeTextDetector:
    pages: list[Page]
    calls: int = 0

    def detect(self, ref: ObjectRef, content_type: str, log: ResponseLog) -> TextDetection:
        self.calls += 1
        log.add("FakeDetect", {"pages": len(self.pages)})
        return TextDetection(copy.deepcopy(self.pages), Engine("fake-ocr", "1"))


@dataclass
class FakeAsyncTextDetector:
    pages: list[Page]
    polls_until_done: int = 1
    started: list[str] = field(default_factory=list)
    polls: int = 0

    def start(self, ref: ObjectRef, token: str, log: ResponseLog) -> str:
        self.started.append(token)
        return f"job-{token}"

    def fetch(self, job_id: str, token: str) -> ResultPage | None:
        """One result page per page of the document."""
        self.polls += 0 if token else 1
        if self.polls < self.polls_until_done:
            return None
        index = int(token or 0)
        following = str(index + 1) if index + 1 < len(self.pages) else ""
        return ResultPage("FakeGet", {"page": index}, following)

    def assemble(self, pages: Iterable[Any]) -> TextDetection:
        chosen = [copy.deepcopy(self.pages[page["page"]]) for page in pages]
        return TextDetection(chosen, Engine("fake-ocr", "1"))


class FakeLanguageDetector:
    def detect_language(self, text: str, log: ResponseLog) -> Language:
        spanish = any(w in text.lower().split() for w in ("el", "la", "dolor", "paciente"))
        return Language("es" if spanish else "en", 0.99)


class FakeTranslator:
    """Translates word by word from a tiny dictionary, one segment per line."""

    WORDS = {"dolor": "pain", "de": "of", "cabeza": "head", "paciente": "patient"}

    def __init__(self) -> None:
        self.calls = 0

    def translate(self, text: str, source: str, target: str, log: ResponseLog) -> Translation:
        self.calls += 1
        out: list[str] = []
        segments = []
        source_at = target_at = 0
        for line in text.split("\n"):
            translated = " ".join(self.WORDS.get(w, w) for w in line.split(" "))
            segments.append(
                Segment(source_at, source_at + len(line), target_at, target_at + len(translated))
            )
            out.append(translated)
            source_at += len(line) + 1
            target_at += len(translated) + 1
        return Translation(source, target, "\n".join(out), segments, Engine("fake-mt", "1"))


class FakeLanguageAnalyzer:
    def supports(self, language: str) -> bool:
        return language in ("en", "es")

    def analyze(self, text: str, language: Language, log: ResponseLog) -> LanguageAnalysis:
        first = text.split()[0] if text.split() else ""
        phrases = [KeyPhrase(first, 0, len(first), 0.9)] if first else []
        return LanguageAnalysis(language, key_phrases=phrases, engines=[Engine("fake-nlp", "1")])


class FakeMedicalAnalyzer:
    """Finds the words of a tiny vocabulary; codes 'diabetes' to E11.9."""

    VOCABULARY = {
        "metformin": (Category.MEDICATION, "GENERIC_NAME", None),
        "diabetes": (Category.MEDICAL_CONDITION, "DX_NAME", ("E11.9", "Type 2 diabetes")),
        "pain": (Category.MEDICAL_CONDITION, "DX_NAME", ("R52", "Pain, unspecified")),
    }

    def __init__(self, fail_times: int = 0) -> None:
        self.fail_times = fail_times
        self.calls = 0

    def supports(self, language: str) -> bool:
        return language == "en"

    def analyze(self, text: str, language: str, log: ResponseLog) -> MedicalAnalysis:
        self.calls += 1
        if self.calls <= self.fail_times:
            raise ServiceThrottled("Comprehend Medical is throttling requests")
        entities = []
        lower = text.lower()
        for term, (category, kind, code) in self.VOCABULARY.items():
            start = lower.find(term)
            if start < 0:
                continue
            concepts = [Concept(CodeSystem.ICD10CM, code[0], code[1], 0.8)] if code else []
            entities.append(
                MedicalEntity(
                    text[start : start + len(term)],
                    start,
                    start + len(term),
                    0.95,
                    id=len(entities),
                    category=category,
                    type=kind,
                    concepts=concepts,
                )
            )
        coding = [Coding(CodeSystem.ICD10CM, CodingState.LINKED)]
        return MedicalAnalysis(entities=entities, coding=coding, engines=[Engine("fake-cm", "1")])


class RangedOnly(FileBlobStore):
    """Files on disk that may be read by ranges only (counted), never whole: as if the
    file could not fit in memory."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.ranged_bytes = 0

    def read(self, ref: ObjectRef) -> bytes:
        raise MemoryError("read whole")

    def read_range(self, ref: ObjectRef, start: int, length: int) -> bytes:
        data = super().read_range(ref, start, length)
        self.ranged_bytes += len(data)
        return data
