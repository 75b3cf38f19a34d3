"""The benchmark's corpus markup and scoring."""

from __future__ import annotations

from pathlib import Path

from meddoc.local.language_bench import (
    LabelledDocument,
    parse_marked,
    read_corpus,
    score_phi,
    total,
)
from meddoc.model import Category, MedicalEntity


def test_given_marked_text_when_parsed_then_plain_text_and_offsets_come_back() -> None:
    text, spans = parse_marked("Name: {NAME|Ana Ruiz}, DOB {DATE|1/2/1990}.")

    assert text == "Name: Ana Ruiz, DOB 1/2/1990."
    assert spans == [("NAME", 6, 14), ("DATE", 20, 28)]


def test_given_corpus_file_when_read_then_blocks_become_documents(tmp_path: Path) -> None:
    path = tmp_path / "corpus.txt"
    path.write_text("# comment\n### a en note\nHi {NAME|Bo Li}\n\n### b es lab\nNada\n")

    documents = read_corpus(path)

    assert [(d.id, d.language, d.kind, d.text) for d in documents] == [
        ("a", "en", "note", "Hi Bo Li"),
        ("b", "es", "lab", "Nada"),
    ]
    assert documents[0].entities == [("NAME", 3, 8)]


def test_given_predictions_when_scored_then_overlap_and_exact_counts_differ() -> None:
    document = LabelledDocument("d", "en", "note", "Ana Ruiz 45", [("NAME", 0, 8), ("AGE", 9, 11)])

    def detect(text: str, language: str) -> list[MedicalEntity]:
        return [
            MedicalEntity(
                "Ana", 0, 3, 0.9, category=Category.PROTECTED_HEALTH_INFORMATION, type="NAME"
            ),
            MedicalEntity(
                "45", 9, 11, 0.9, category=Category.PROTECTED_HEALTH_INFORMATION, type="ID"
            ),
        ]

    overlap, errors = score_phi([document], detect)
    exact, _ = score_phi([document], detect, exact=True)

    assert (overlap["NAME"].recall, overlap["NAME"].precision) == (1.0, 1.0)
    assert (exact["NAME"].recall, exact["NAME"].precision) == (0.0, 0.0)
    assert (total(overlap).found, total(overlap).reference, total(overlap).predicted) == (1, 2, 2)
    assert [e.split()[0] for e in errors] == ["MISS", "FP"]
