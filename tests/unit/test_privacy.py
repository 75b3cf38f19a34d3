"""meddoc.privacy: one definition of a document's PHI (both texts, whole words, what
reviewers added), and the masking of texts, pages, entities and audit trails it drives."""

from __future__ import annotations

from datetime import UTC, datetime

from meddoc.layout import layout_text
from meddoc.masked_review import mask_review
from meddoc.model import (
    AuditEvent,
    Category,
    Correction,
    CorrectionKind,
    Document,
    DocumentRecord,
    Engine,
    KeyPhrase,
    Language,
    LanguageAnalysis,
    MedicalAnalysis,
    MedicalEntity,
    ObjectRef,
    PiiEntity,
    Segment,
    Translation,
)
from meddoc.privacy import (
    MASK,
    document_phi,
    mask_document,
    phi_boxes,
    redact,
)
from tests.fakes import page_of

AT = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
PHI = Category.PROTECTED_HEALTH_INFORMATION


def document(*lines: str) -> Document:
    pages = [page_of(*lines)]
    return Document("d" * 64, pages, layout_text(pages))


def at(text: str, phrase: str, category: Category = PHI, kind: str = "NAME") -> MedicalEntity:
    begin = text.index(phrase)
    return MedicalEntity(phrase, begin, begin + len(phrase), 0.9, category=category, type=kind)


def masked_words(masked: Document) -> list[str]:
    return [w.text for p in masked.pages for line in p.lines for w in line.words]


def spanish(translated_lines: tuple[str, ...], *original_lines: str) -> Document:
    """A Spanish document with its line-by-line English translation."""
    doc = document(*original_lines)
    target = "\n".join(translated_lines)
    segments = []
    source_at = target_at = 0
    for source_line, target_line in zip(original_lines, translated_lines, strict=True):
        segments.append(
            Segment(
                source_at, source_at + len(source_line), target_at, target_at + len(target_line)
            )
        )
        source_at += len(source_line) + 1
        target_at += len(target_line) + 1
    doc.translation = Translation("es", "en", target, segments, Engine("mt", "1"))
    doc.language = LanguageAnalysis(Language("es", 0.99))
    return doc


# --- whole words ------------------------------------------------------------------------


def test_given_phi_on_part_of_a_merged_token_then_the_whole_token_is_masked() -> None:
    doc = document("Patient: GideonTestwell", "Glucose 115 mg/dL")
    gideon = at(doc.text, "Gideon")
    doc.medical = MedicalAnalysis(phi=[gideon])

    masked = mask_document(doc)

    assert "Testwell" not in masked.text
    assert masked.text.split("\n")[0] == "Patient: " + MASK * len("GideonTestwell")
    assert masked_words(masked) == ["Patient:", MASK * 14, "Glucose", "115", "mg/dL"]
    (box,) = phi_boxes(masked, 1)
    assert box == doc.pages[0].lines[0].words[1].geometry.box


def test_given_spans_touching_phi_then_every_touched_word_of_them_is_masked() -> None:
    doc = document("Seen by Dr. Reyes-Lopez today for chest pain")
    reyes = at(doc.text, "Reyes")
    phrase = KeyPhrase("Dr. Reyes-Lopez today", doc.text.index("Dr."), doc.text.index(" for"), 0.9)
    doc.language = LanguageAnalysis(Language("en", 0.99), key_phrases=[phrase])
    doc.medical = MedicalAnalysis(
        phi=[reyes], entities=[at(doc.text, "chest pain", Category.MEDICAL_CONDITION, "DX_NAME")]
    )

    masked = mask_document(doc)

    assert masked.language is not None
    assert masked.language.key_phrases[0].text == f"Dr. {MASK * 11} today"
    assert masked.medical is not None
    assert masked.medical.entities[0].text == "chest pain"
    assert "Lopez" not in str(masked)


def test_given_a_name_found_once_then_its_other_occurrences_are_masked_too() -> None:
    doc = document("Patient: Gideon Testwell", "Page 2 of 2", "GIDEON TESTWELL, MRN 94726")
    doc.medical = MedicalAnalysis(phi=[at(doc.text, "Gideon Testwell")])

    masked = mask_document(doc)

    assert "GIDEON" not in masked.text
    assert "TESTWELL" not in masked.text
    assert document_phi(doc).count == 2


def test_given_the_same_phi_from_three_analyses_then_it_is_counted_once() -> None:
    doc = document("Patient: John Smith", "Dx: diabetes")
    name = at(doc.text, "John Smith")
    doc.medical = MedicalAnalysis(entities=[at(doc.text, "John Smith")], phi=[name])
    pii = PiiEntity("John Smith", name.begin, name.end, 0.9, type="NAME")
    doc.language = LanguageAnalysis(Language("en", 0.99), pii=[pii])

    phi = document_phi(doc)

    assert phi.count == 1
    assert [(s.begin, s.end, s.types) for s in phi.original] == [
        (name.begin, name.end, frozenset({"NAME"}))
    ]


# --- translated documents -----------------------------------------------------------------


def test_given_phi_found_only_on_the_translation_then_the_original_and_its_page_are_masked() -> (
    None
):
    doc = spanish(
        ("Patient: Inés Ilusorio", "Phone: (939) 555-0109", "Sore throat"),
        "Paciente: Inés Ilusorio",
        "Teléfono: (939) 555-0109",
        "Dolor de garganta",
    )
    english = doc.translation.text  # type: ignore[union-attr]
    doc.medical = MedicalAnalysis(
        text_source="translation",
        phi=[at(english, "Inés Ilusorio"), at(english, "(939) 555-0109", kind="PHONE_OR_FAX")],
    )

    masked = mask_document(doc)

    assert masked.text.split("\n") == [
        f"Paciente: {MASK * 4} {MASK * 8}",
        f"Teléfono: {MASK * 5} {MASK * 8}",
        "Dolor de garganta",
    ]
    assert len(phi_boxes(masked, 1)) == 4
    assert document_phi(doc).count == 2


def test_given_a_date_translated_with_its_month_then_the_original_date_words_are_masked() -> None:
    doc = spanish(("Born March 14, 1961 in Ohio",), "Nacida el 14 de marzo de 1961 en Ohio")
    english = doc.translation.text  # type: ignore[union-attr]
    doc.medical = MedicalAnalysis(
        text_source="translation", phi=[at(english, "March 14, 1961", kind="DATE")]
    )

    masked = mask_document(doc)

    assert masked.text == f"Nacida el {MASK * 2} de {MASK * 5} de {MASK * 4} en Ohio"


def test_given_translation_phi_with_no_trace_in_its_line_then_the_whole_line_is_masked() -> None:
    doc = spanish(("Signed: the doctor on duty", "Rest"), "Firma: médico de guardia", "Reposo")
    english = doc.translation.text  # type: ignore[union-attr]
    doc.medical = MedicalAnalysis(
        text_source="translation", phi=[at(english, "the doctor on duty")]
    )

    masked = mask_document(doc)

    assert masked.text.split("\n") == [mask_all("Firma: médico de guardia"), "Reposo"]


def test_given_pii_found_on_the_original_then_the_translation_is_masked_too() -> None:
    doc = spanish(("Name: Begoña Pruebas",), "Nombre: Begoña Pruebas")
    name = at(doc.text, "Begoña Pruebas")
    pii = PiiEntity(name.text, name.begin, name.end, 0.9, type="NAME")
    doc.language = LanguageAnalysis(Language("es", 0.99), pii=[pii])

    masked = mask_document(doc)

    assert masked.translation is not None
    assert masked.translation.text == f"Name: {MASK * 6} {MASK * 7}"


def test_given_no_pii_on_the_original_then_the_translations_phi_still_masks_it() -> None:
    # PiiEnabled=false on AWS: DetectPiiEntities never ran, the language analysis has no PII.
    doc = spanish(("Patient: Ana Ruiz",), "Paciente: Ana Ruiz")
    english = doc.translation.text  # type: ignore[union-attr]
    assert doc.language is not None
    assert doc.language.pii == []
    doc.medical = MedicalAnalysis(text_source="translation", entities=[at(english, "Ana Ruiz")])

    assert mask_document(doc).text == f"Paciente: {MASK * 3} {MASK * 4}"


def mask_all(text: str) -> str:
    return "".join(c if c.isspace() else MASK for c in text)


# --- reviewers, audit trail, free text ----------------------------------------------------


def correction(kind: CorrectionKind, entity: MedicalEntity, note: str = "") -> Correction:
    return Correction("c1", "d" * 64, kind, "reviewer", AT, entity=entity, note=note)


def test_given_a_reviewer_adds_phi_the_machine_missed_then_it_is_masked_everywhere() -> None:
    doc = document("Called Rosalinda Ejemplar about diabetes")
    doc.medical = MedicalAnalysis(
        entities=[at(doc.text, "diabetes", Category.MEDICAL_CONDITION, "DX_NAME")]
    )
    name = at(doc.text, "Rosalinda Ejemplar")
    added = correction(CorrectionKind.ADD, name, note="Rosalinda Ejemplar is the patient")
    event = AuditEvent(
        "e1",
        doc.id,
        "ADD",
        "reviewer",
        AT,
        after={
            "text": name.text,
            "begin": name.begin,
            "end": name.end,
            "attributes": [{"text": "Ejemplar"}],
        },
        note=added.note,
    )

    record = DocumentRecord(
        id=doc.id,
        source=ObjectRef("uploads", "scans/Rosalinda Ejemplar.png"),
        name="Rosalinda Ejemplar.png",
        content_type="image/png",
        size=1,
        created_at=AT,
        updated_at=AT,
    )
    listed, shown, entities, corrections, audit = mask_review(
        record, doc, [name], [added], [event]
    )
    # Whole words: the extension goes with the name it is joined to.
    assert listed.name == f"{MASK * 9} {MASK * 12}"
    assert "Rosalinda" not in listed.source.key
    assert "Ejemplar" not in listed.source.key

    everything = str((shown, entities, corrections, audit))
    assert "Rosalinda" not in everything
    assert "Ejemplar" not in everything
    assert audit[0].after is not None
    assert audit[0].after["text"] == f"{MASK * 9} {MASK * 8}"
    assert audit[0].note.endswith("is the patient")
    assert "diabetes" in everything


def test_given_no_processed_document_then_the_audit_trail_quotes_nothing() -> None:
    entity = MedicalEntity("John Smith", 0, 10, 0.9, category=PHI, type="NAME")
    event = AuditEvent("e1", "d" * 64, "ADD", "reviewer", AT, after={"text": "John Smith"})

    record = DocumentRecord(
        id="d" * 64,
        source=ObjectRef("uploads", "scan.png"),
        name="scan.png",
        content_type="image/png",
        size=1,
        created_at=AT,
        updated_at=AT,
    )
    _, _, _, corrections, audit = mask_review(
        record, None, [], [correction(CorrectionKind.ADD, entity)], [event]
    )

    assert audit[0].after == {"text": f"{MASK * 4} {MASK * 5}"}
    assert corrections[0].entity is not None
    assert corrections[0].entity.text == f"{MASK * 4} {MASK * 5}"


def test_given_phi_strings_then_free_text_has_their_words_masked_whatever_the_case() -> None:
    phrases = ("Maria Lopez", "03/14/1961")

    assert redact("MARIA_LOPEZ-intake.png", phrases, "[PHI]") == "[PHI]"
    assert redact("scan of maria lopez 03-14-1961.png", phrases) == (
        f"scan of {MASK * 5} {MASK * 5} {MASK * 14}"
    )
    assert redact("Mariana Lopezgarcia", phrases) == "Mariana Lopezgarcia"
