"""Small hand-made documents for the export tests: a fictitious visit note with PHI,
coded conditions, medications with dosage attributes and lab values, plus records in
every status and reviewers' corrections (CORRECT, ADD, REMOVE)."""

from __future__ import annotations

from datetime import UTC, datetime

from meddoc.layout import layout_text
from meddoc.model import (
    Attribute,
    Category,
    CodeSystem,
    Concept,
    Correction,
    CorrectionKind,
    Document,
    DocumentRecord,
    Failure,
    Geometry,
    Language,
    LanguageAnalysis,
    Line,
    MedicalAnalysis,
    MedicalEntity,
    ObjectRef,
    Page,
    Review,
    ReviewStatus,
    Status,
    Trait,
    Word,
)

DOCUMENT_ID = "a" * 64
AT = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
LINES = (
    "Patient: Maria Lopez  DOB: 03/14/1961",
    "Address: 12 Oak Street, Springfield  Phone: 555-201-0134",
    "Physician: Dr. Alan Reyes  Fax: 555-201-9999",
    "Denies chest pain. Diabetes mellitus type 2, rule out pneumonia.",
    "Mother had breast cancer.",
    "Metformin 500 mg by mouth twice daily; no aspirin.",
    "Hemoglobin A1c 7.2 %  Blood pressure 130/85",
)
PHI_TEXTS = (
    "Maria Lopez",
    "03/14/1961",
    "12 Oak Street, Springfield",
    "555-201-0134",
    "Alan Reyes",
    "555-201-9999",
)


def page() -> Page:
    lines = []
    for index, text in enumerate(LINES):
        top = 0.05 + index * 0.1
        words = [
            Word(word, Geometry.from_box(0.05, top, 0.05, 0.04), 0.97) for word in text.split()
        ]
        lines.append(Line(text, Geometry.from_box(0.05, top, 0.9, 0.04), 0.97, words))
    return Page(1, lines, width=1000, height=1400)


class Builder:
    """Entities located by their text in the document text, so offsets are right."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.next_id = 0

    def span(self, phrase: str) -> tuple[int, int]:
        begin = self.text.index(phrase)
        return begin, begin + len(phrase)

    def attribute(self, kind: str, phrase: str) -> Attribute:
        begin, end = self.span(phrase)
        return Attribute(phrase, begin, end, 0.9, type=kind, relationship_score=0.9)

    def entity(
        self,
        phrase: str,
        category: Category,
        kind: str,
        traits: tuple[str, ...] = (),
        attributes: tuple[Attribute, ...] = (),
        concepts: tuple[Concept, ...] = (),
    ) -> MedicalEntity:
        begin, end = self.span(phrase)
        self.next_id += 1
        return MedicalEntity(
            phrase,
            begin,
            end,
            0.95,
            id=self.next_id,
            category=category,
            type=kind,
            traits=[Trait(name, 0.9) for name in traits],
            attributes=list(attributes),
            concepts=list(concepts),
        )


def icd(code: str, description: str, score: float = 0.8) -> Concept:
    return Concept(CodeSystem.ICD10CM, code, description, score)


def rxnorm(code: str, description: str, score: float = 0.8) -> Concept:
    return Concept(CodeSystem.RXNORM, code, description, score)


def medical_entities(b: Builder) -> list[MedicalEntity]:
    condition, medication = Category.MEDICAL_CONDITION, Category.MEDICATION
    test = Category.TEST_TREATMENT_PROCEDURE
    return [
        b.entity(
            "chest pain",
            condition,
            "DX_NAME",
            ("NEGATION", "SYMPTOM"),
            concepts=(icd("R07.9", "Chest pain, unspecified"), icd("R07.89", "Other", 0.3)),
        ),
        b.entity(
            "Diabetes mellitus type 2",
            condition,
            "DX_NAME",
            ("DIAGNOSIS",),
            concepts=(
                icd("E11.9", "Type 2 diabetes mellitus without complications"),
                Concept(CodeSystem.SNOMEDCT, "44054006", "Diabetes mellitus type 2", 0.7),
            ),
        ),
        b.entity(
            "pneumonia",
            condition,
            "DX_NAME",
            ("HYPOTHETICAL",),
            concepts=(icd("J18.9", "Pneumonia, unspecified organism"),),
        ),
        b.entity(
            "breast cancer",
            condition,
            "DX_NAME",
            ("PERTAINS_TO_FAMILY", "DIAGNOSIS"),
            concepts=(icd("C50.919", "Malignant neoplasm of breast, unspecified"),),
        ),
        b.entity(
            "Metformin",
            medication,
            "GENERIC_NAME",
            attributes=(
                b.attribute("STRENGTH", "500 mg"),
                b.attribute("ROUTE_OR_MODE", "by mouth"),
                b.attribute("FREQUENCY", "twice daily"),
            ),
            concepts=(rxnorm("860975", "metformin hydrochloride 500 MG Oral Tablet"),),
        ),
        b.entity(
            "aspirin",
            medication,
            "GENERIC_NAME",
            ("NEGATION",),
            concepts=(rxnorm("1191", "aspirin"),),
        ),
        b.entity(
            "Hemoglobin A1c",
            test,
            "TEST_NAME",
            attributes=(b.attribute("TEST_VALUE", "7.2"), b.attribute("TEST_UNIT", "%")),
        ),
        b.entity(
            "Blood pressure", test, "TEST_NAME", attributes=(b.attribute("TEST_VALUE", "130/85"),)
        ),
        b.entity("chest", Category.ANATOMY, "SYSTEM_ORGAN_SITE"),
    ]


def phi_entities(b: Builder) -> list[MedicalEntity]:
    b.next_id = 500
    phi = Category.PROTECTED_HEALTH_INFORMATION
    kinds = ("NAME", "DATE", "ADDRESS", "PHONE_OR_FAX", "NAME", "PHONE_OR_FAX")
    return [b.entity(text, phi, kind) for text, kind in zip(PHI_TEXTS, kinds, strict=True)]


def visit_note() -> Document:
    pages = [page()]
    text = layout_text(pages)
    builder = Builder(text)
    medical = MedicalAnalysis(entities=medical_entities(builder), phi=phi_entities(builder))
    language = LanguageAnalysis(Language("en", 0.99))
    return Document(DOCUMENT_ID, pages, text, language=language, medical=medical)


def entity_id(document: Document, text: str) -> int:
    assert document.medical is not None
    return next(e.id for e in document.medical.entities if e.text == text)


def record(
    document_id: str = DOCUMENT_ID,
    status: Status = Status.DONE,
    review: ReviewStatus = ReviewStatus.UNREVIEWED,
    name: str = "visit-note.png",
) -> DocumentRecord:
    failure = (
        Failure("detect_text", "The image could not be read.") if status == Status.FAILED else None
    )
    return DocumentRecord(
        id=document_id,
        source=ObjectRef("uploads", name),
        name=name,
        content_type="image/png",
        size=2048,
        created_at=AT,
        updated_at=AT,
        status=status,
        failure=failure,
        review=Review(status=review),
    )


def correction(
    kind: CorrectionKind, entity_id: int | None = None, entity: MedicalEntity | None = None
) -> Correction:
    return Correction(
        f"c-{kind.value}-{entity_id}",
        DOCUMENT_ID,
        kind,
        "reviewer@example.org",
        AT,
        entity_id,
        entity,
    )


def reviewers_corrections(document: Document) -> list[Correction]:
    """Diabetes recoded to E11.65, the anatomy entity removed, hypertension added."""
    assert document.medical is not None
    diabetes_id = entity_id(document, "Diabetes mellitus type 2")
    diabetes = next(e for e in document.medical.entities if e.id == diabetes_id)
    corrected = MedicalEntity(
        diabetes.text,
        diabetes.begin,
        diabetes.end,
        1.0,
        category=Category.MEDICAL_CONDITION,
        type="DX_NAME",
        traits=[Trait("DIAGNOSIS", 1.0)],
        concepts=[icd("E11.65", "Type 2 diabetes mellitus with hyperglycemia", 1.0)],
    )
    added = MedicalEntity(
        "hypertension",
        0,
        0,
        1.0,
        category=Category.MEDICAL_CONDITION,
        type="DX_NAME",
        concepts=[icd("I10", "Essential (primary) hypertension", 1.0)],
    )
    return [
        correction(CorrectionKind.CORRECT, diabetes_id, corrected),
        correction(CorrectionKind.REMOVE, entity_id(document, "chest")),
        correction(CorrectionKind.ADD, entity=added),
    ]
