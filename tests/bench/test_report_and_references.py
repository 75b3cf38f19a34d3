"""The combined benchmark summary, and reading the abridged genuine responses."""

from __future__ import annotations

import json
from pathlib import Path

from meddoc.bench.real_image import balanced_objects, response_entities
from meddoc.bench.report import Figure, summarize

ABRIDGED = """[
    {
"Entities": [
        {"Category": "MEDICAL_CONDITION", "BeginOffset": 0, "EndOffset": 4, "Text": "Rash",
         "Type": "DX_NAME", "ICD10CMConcepts": [{"Code": "R21", "Score": 0.7,
         "Description": "Rash {and} other"}], "Attributes": [],},
        {"Category": "MEDICAL_CONDITION", "BeginOffset": 9, "EndOffset": 14, "Text": "itchy",
         "ICD10CMConcepts": [{"Code": "L29.9", "Score": 0.7, "Description": "Pruritus"}],
         "Attributes": [{"Text": "face", "Type": "SYSTEM_ORGAN_SITE"}],
        },

    "ModelVersion": "0.0.0\""""


def test_given_an_abridged_response_then_its_complete_entities_are_read(tmp_path: Path) -> None:
    path = tmp_path / "x.response.partial.txt"
    path.write_text(ABRIDGED, encoding="utf-8")
    entities = response_entities(path)
    assert [e["Text"] for e in entities] == ["Rash", "itchy"]
    assert entities[1]["Type"] == "DX_NAME"  # the lost Type of a coded entity
    assert {"Code": "R21", "Score": 0.7, "Description": "Rash {and} other"} in [
        o for o in balanced_objects(ABRIDGED) if "Code" in o
    ]


def test_given_goals_then_figures_say_whether_they_are_met() -> None:
    assert Figure("x", "f1", 0.81, ">= 0.80", "").met is True
    assert Figure("x", "cer", 0.03, "<= 0.025", "").met is False
    assert Figure("x", "n", 0.5, "", "").met is None
    assert Figure("x", "n", None, ">= 0.5", "").met is None


def test_given_benchmark_reports_then_the_summary_reads_each(tmp_path: Path) -> None:
    (tmp_path / "ocr.json").write_text(
        json.dumps({"totals": {"word_f1": 0.99, "handwriting_recall": 0.8, "cer": 0.02}})
    )
    medical = {
        "micro": {"f1": 0.9},
        "categories": {
            "MEDICATION": {"f1": 0.95, "references": 3, "precision": 1.0, "recall": 0.9},
            "ANATOMY": {"f1": 0.6, "references": 2, "precision": 0.6, "recall": 0.6},
            "PROTECTED_HEALTH_INFORMATION": {
                "f1": 0.5,
                "references": 4,
                "precision": 1.0,
                "recall": 0.5,
            },
        },
        "negation_agreement": 1.0,
        "icd10cm_top1": None,
    }
    (tmp_path / "medical.json").write_text(
        json.dumps({"groups": {"shared / all": medical}, "speed": {"startup_seconds": 0.7}})
    )
    phi = {"overlap": {"recall": 0.95, "precision": 0.7}, "exact": {"recall": 0.9}}
    (tmp_path / "phi.json").write_text(json.dumps({"phi": {"phi_fresh": phi}}))
    figures = {f.name: f for f in summarize(tmp_path)}
    assert figures["word F1 vs Textract"].met is True
    assert figures["PHI phi_fresh: recall"].met is True
    assert figures["PHI phi_fresh: precision"].met is False
    assert figures["handwriting-word recall"].met is False
    assert figures["shared / all: lowest category F1"].value == 0.6  # PHI is reported apart
    assert figures["shared / all: PHI recall"].met is False
    assert figures["engine start-up, seconds (warm cache)"].met is True


def test_given_a_structure_report_then_the_summary_holds_its_goals(tmp_path: Path) -> None:
    totals = {"key_value_f1": 0.41, "table_cell_f1": 0.86, "checkbox_accuracy": 0.97}
    report = {"totals": totals, "cost": {"added_time": 0.04}}
    (tmp_path / "structure.json").write_text(json.dumps(report))

    figures = {f.name: f for f in summarize(tmp_path)}

    assert figures["key-value F1 vs Textract"].met is False
    assert figures["table cell F1 vs Textract"].met is True
    assert figures["checkbox accuracy vs Textract"].met is True
    assert figures["time added by the structure step"].met is True


def test_given_a_generated_documents_report_then_issue_11s_goals_are_judged(
    tmp_path: Path,
) -> None:
    total = {
        "document_type_accuracy": 0.99,
        "field_f1": 0.5,
        "lab_row_pairing": None,
        "allergies_as_medication": 0,
        "patient_from_letterhead": 3,
        "social_as_family_history": 0,
        "lab_values_from_another_row": 0,
    }
    (tmp_path / "generated.json").write_text(json.dumps({"groups": {"total": total}}))
    figures = {f.name: f for f in summarize(tmp_path)}
    assert figures["document type accuracy"].met is True
    assert figures["field F1"].met is False
    assert figures["lab row pairing"].met is None
    assert figures["allergies as MedicationStatement"].met is True
    assert figures["Patient values from the letterhead"].met is False
