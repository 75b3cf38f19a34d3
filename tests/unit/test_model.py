"""The model round-trips through JSON, and the document text knows where its words are."""

from __future__ import annotations

from datetime import UTC, datetime

from meddoc import serialization
from meddoc.layout import layout_text
from meddoc.model import (
    Attribute,
    Category,
    CodeSystem,
    Concept,
    Document,
    DocumentRecord,
    Engine,
    Failure,
    Geometry,
    Language,
    LanguageAnalysis,
    Line,
    MedicalAnalysis,
    MedicalEntity,
    ObjectRef,
    Page,
    PiiEntity,
    Review,
    ReviewStatus,
    Segment,
    Sentiment,
    Status,
    Summary,
    TextType,
    Trait,
    Translation,
    Word,
)
from tests.fakes import page_of


def full_document() -> Document:
    word = Word("Aspirin", Geometry.from_box(0.1, 0.2, 0.1, 0.02), 0.97, TextType.HANDWRITING)
    page = Page(
        1,
        [Line("Aspirin", Geometry.from_box(0.1, 0.2, 0.3, 0.02), 0.97, [word])],
        width=1000,
        height=1400,
        rotation=90,
    )
    entity = MedicalEntity(
        "Aspirin",
        0,
        7,
        0.99,
        id=3,
        category=Category.MEDICATION,
        type="GENERIC_NAME",
        traits=[Trait("NEGATION", 0.8)],
        attributes=[
            Attribute(
                "81 mg",
                8,
                13,
                0.9,
                type="DOSAGE",
                relationship_type="DOSAGE",
                relationship_score=0.99,
            )
        ],
        concepts=[Concept(CodeSystem.RXNORM, "1191", "aspirin", 0.7)],
    )
    return Document(
        id="abc",
        pages=[page],
        text=layout_text([page]),
        language=LanguageAnalysis(
            Language("es", 0.9),
            pii=[PiiEntity("Aspirin", 0, 7, 0.5, type="NAME")],
            sentiment=Sentiment("NEUTRAL", 0.1, 0.1, 0.7, 0.1),
        ),
        translation=Translation("es", "en", "Aspirin", [Segment(0, 7, 0, 7)], Engine("t", "1")),
        medical=MedicalAnalysis(text_source="translation", entities=[entity]),
        engines=[Engine("ocr", "2")],
    )


def test_a_document_round_trips_through_json() -> None:
    document = full_document()
    assert serialization.loads(Document, serialization.dumps(document)) == document


def test_a_record_round_trips_through_json_with_times_in_utc() -> None:
    record = DocumentRecord(
        id="abc",
        source=ObjectRef("b", "k k+ñ.png"),
        name="k k+ñ.png",
        content_type="image/png",
        size=10,
        created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        updated_at=datetime(2026, 1, 2, 3, 4, 6, tzinfo=UTC),
        status=Status.FAILED,
        failure=Failure("validate", "empty", "InvalidDocument"),
        summary=Summary(pages=1, icd10cm_codes=["E11.9"]),
        review=Review(ReviewStatus.APPROVED, "ana", datetime(2026, 1, 3, tzinfo=UTC)),
    )
    data = serialization.to_dict(record)
    assert data["created_at"] == "2026-01-02T03:04:05Z"
    assert data["status"] == "FAILED"
    assert serialization.from_dict(DocumentRecord, data) == record


def test_an_object_ref_keeps_its_version_and_a_ref_stored_without_one_still_loads() -> None:
    pinned = ObjectRef("uploads", "scans/scan001.png", "3HL4kqtJlcpX")
    data = serialization.to_dict(pinned)
    assert data == {"bucket": "uploads", "key": "scans/scan001.png", "version": "3HL4kqtJlcpX"}
    assert serialization.from_dict(ObjectRef, data) == pinned
    old = serialization.from_dict(ObjectRef, {"bucket": "uploads", "key": "scans/scan001.png"})
    assert old == ObjectRef("uploads", "scans/scan001.png")
    assert old.version == ""
    assert old != pinned  # two versions of one key are two originals


def test_layout_gives_every_line_and_word_its_offset_in_the_text() -> None:
    first, second = page_of("Dx: diabetes", "Rx: metformin 500 mg"), page_of("page two")
    second.number = 2
    text = layout_text([first, second])
    assert text == "Dx: diabetes\nRx: metformin 500 mg\n\npage two"
    for page in (first, second):
        for line in page.lines:
            assert line.begin is not None
            assert text[line.begin : line.begin + len(line.text)] == line.text
            for word in line.words:
                assert word.begin is not None
                assert text[word.begin : word.begin + len(word.text)] == word.text
