"""Moving entities found in an OCR'd text back onto the original text."""

from __future__ import annotations

from meddoc.bench.alignment import OffsetMap, map_entities
from meddoc.model import Attribute, Category, MedicalEntity

ORIGINAL = "Patient takes aspirin 81 mg daily for chest pain."
# what OCR made of it: a line break, a misread letter, an invented word
OCR = "Patient takes aspinin 81 mg\ndaily for chest pain. xq"


def entity(text: str, source: str, category: str = "MEDICATION") -> MedicalEntity:
    begin = source.index(text)
    return MedicalEntity(
        text=text,
        begin=begin,
        end=begin + len(text),
        score=1.0,
        category=Category(category),
        type="GENERIC_NAME",
    )


def test_given_a_misread_word_then_its_span_maps_onto_the_original_word() -> None:
    offsets = OffsetMap(OCR, ORIGINAL)
    begin = OCR.index("aspinin")
    assert offsets.span(begin, begin + 7) == (ORIGINAL.index("aspirin"), ORIGINAL.index(" 81"))


def test_given_a_span_across_a_line_break_then_it_maps_across_the_space() -> None:
    offsets = OffsetMap(OCR, ORIGINAL)
    begin, end = OCR.index("mg"), OCR.index(" for")
    assert ORIGINAL[slice(*offsets.span(begin, end))] == "mg daily"


def test_given_entities_then_copies_carry_original_spans_and_texts() -> None:
    drug = entity("aspinin", OCR)
    drug.attributes = [Attribute("81 mg", OCR.index("81"), OCR.index("81") + 5, 1.0, "DOSAGE")]
    pain = entity("chest pain", OCR, "MEDICAL_CONDITION")
    moved = map_entities([drug, pain], OffsetMap(OCR, ORIGINAL))
    assert [e.text for e in moved] == ["aspirin", "chest pain"]
    assert moved[0].attributes[0].text == "81 mg"
    assert drug.text == "aspinin"  # the originals are left alone


def test_given_an_invented_span_then_it_lands_on_an_empty_span_at_the_end() -> None:
    moved = map_entities([entity("xq", OCR)], OffsetMap(OCR, ORIGINAL))
    assert (moved[0].begin, moved[0].end, moved[0].text) == (len(ORIGINAL), len(ORIGINAL), "")


def test_given_copied_text_then_the_block_length_counts_its_context() -> None:
    source = "MEDS : Vyvanse 50 mgs"
    target = "Meds : Vyvanse 50 mgs po"
    offsets = OffsetMap(source, target)
    begin = source.index("Vyvanse")
    assert offsets.block_length(begin, begin + 7) == len(source)
    assert OffsetMap("x HEENT: a", "y HEENT : b").block_length(2, 7) < 5 + 8
