"""One summary of the yardsticks against the goals of issues 6 and 11, from the JSON
reports the OCR, medical, end-to-end and generated-documents benchmarks wrote into one folder.

    python -m meddoc.bench.report bench-results   # reads ocr.json, structure.json,
                                    # medical.json, phi.json, end_to_end.json, generated.json;
                                    # writes summary.json
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

PHI = "PROTECTED_HEALTH_INFORMATION"


@dataclass(frozen=True, slots=True)
class Figure:
    yardstick: str
    name: str
    value: float | None
    goal: str  # ">= 0.80", "<= 3", or "" when there is none
    source: str  # which report and group it comes from

    @property
    def met(self) -> bool | None:
        if self.value is None or not self.goal:
            return None
        sign, bound = self.goal.split()
        return self.value >= float(bound) if sign == ">=" else self.value <= float(bound)


def _get(data: dict[str, Any], *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def ocr_figures(report: dict[str, Any]) -> list[Figure]:
    totals = report.get("totals", {})
    return [
        Figure("ocr", "word F1 vs Textract", totals.get("word_f1"), ">= 0.985", "totals"),
        Figure(
            "ocr",
            "handwriting-word recall",
            totals.get("handwriting_recall"),
            ">= 0.90",
            "totals",
        ),
        Figure("ocr", "CER", totals.get("cer"), "<= 0.025", "totals"),
        Figure(
            "ocr",
            "pages per minute, 2 workers",
            _get(report, "throughput", "pages_per_minute"),
            ">= 45",
            "throughput",
        ),
    ]


def structure_figures(report: dict[str, Any]) -> list[Figure]:
    """Offline structure vs Textract AnalyzeDocument (the anchor, not perfect truth)."""
    totals = report.get("totals", {})
    added = _get(report, "cost", "added_time")
    return [
        Figure("structure", "key-value F1 vs Textract", totals.get("key_value_f1"), ">= 0.80", ""),
        Figure(
            "structure", "table cell F1 vs Textract", totals.get("table_cell_f1"), ">= 0.85", ""
        ),
        Figure(
            "structure",
            "checkbox accuracy vs Textract",
            totals.get("checkbox_accuracy"),
            ">= 0.90",
            "",
        ),
        Figure("structure", "time added by the structure step", added, "<= 0.25", "cost"),
    ]


def medical_figures(report: dict[str, Any]) -> list[Figure]:
    figures = []
    groups = ("dev / all", "test / all", "test / en", "dev2 / all", "dev3 / all", "shared / all")
    for group in groups:
        summary = _get(report, "groups", group)
        if summary is None:
            continue
        categories = {c: v for c, v in summary["categories"].items() if v["references"]}
        clinical = [v["f1"] for c, v in categories.items() if c != PHI]
        figures += [
            Figure("medical", f"{group}: micro F1", summary["micro"]["f1"], ">= 0.80", group),
            Figure(
                "medical",
                f"{group}: lowest category F1",
                min(clinical) if clinical else None,
                ">= 0.70",
                group,
            ),
            Figure(
                "medical",
                f"{group}: negation agreement",
                summary["negation_agreement"],
                ">= 0.95",
                group,
            ),
            Figure(
                "medical", f"{group}: ICD-10-CM top-1", summary["icd10cm_top1"], ">= 0.80", group
            ),
        ]
        if PHI in categories:
            phi = categories[PHI]
            figures += [
                Figure("medical", f"{group}: PHI recall", phi["recall"], ">= 0.90", group),
                Figure("medical", f"{group}: PHI precision", phi["precision"], ">= 0.80", group),
            ]
    figures.append(
        Figure(
            "medical",
            "engine start-up, seconds (warm cache)",
            _get(report, "speed", "startup_seconds"),
            "<= 3",
            "speed",
        )
    )
    return figures


def phi_figures(report: dict[str, Any]) -> list[Figure]:
    """PHI on the detector's labelled files (a reference found when a prediction of its
    type overlaps it, as in the medical yardstick)."""
    figures = []
    for name, scores in report.get("phi", {}).items():
        overlap = scores["overlap"]
        figures += [
            Figure("medical", f"PHI {name}: recall", overlap["recall"], ">= 0.90", name),
            Figure("medical", f"PHI {name}: precision", overlap["precision"], ">= 0.80", name),
        ]
    return figures


def end_to_end_figures(report: dict[str, Any]) -> list[Figure]:
    figures = [
        Figure(
            "end to end",
            f"{group}: micro F1",
            _get(report, "groups", group, "micro", "f1"),
            goal,
            group,
        )
        for group, goal in (
            ("shared / printed", ">= 0.70"),
            ("shared / handwriting", ">= 0.65"),
            ("corpus dev / printed", ""),
            ("corpus dev / handwriting", ""),
            ("corpus dev2 / printed", ""),
            ("corpus dev2 / handwriting", ""),
            ("corpus dev3 / printed", ""),
            ("corpus dev3 / handwriting", ""),
            ("corpus test / printed", ""),
            ("corpus test / handwriting", ""),
            ("corpus test / tilted", ""),
            ("corpus dev3 / tilted", ""),
        )
        if _get(report, "groups", group) is not None
    ]
    real = report.get("real_image") or {}
    if real:
        figures += [
            Figure("end to end", "real image: genuine CM recall", real["genuine_recall"], "", ""),
            Figure(
                "end to end", "real image: F1 vs typed text", real["vs_typed_text"]["f1"], "", ""
            ),
        ]
    return figures


def generated_figures(report: dict[str, Any]) -> list[Figure]:
    """Issue 11's goals on fresh generated documents (meddoc.bench.generated)."""
    total = _get(report, "groups", "total") or {}
    goals = (
        ("document type accuracy", "document_type_accuracy", ">= 0.97"),
        ("field F1", "field_f1", ">= 0.95"),
        ("lab row pairing", "lab_row_pairing", ">= 0.98"),
        ("allergies as MedicationStatement", "allergies_as_medication", "<= 0"),
        ("Patient values from the letterhead", "patient_from_letterhead", "<= 0"),
        ("social history as FamilyMemberHistory", "social_as_family_history", "<= 0"),
        ("lab values not from their own row", "lab_values_from_another_row", "<= 0"),
    )
    return [
        Figure("generated", name, total.get(key), goal, "total")
        for name, key, goal in goals
        if total
    ]


def write_report(path: Path, report: Any) -> None:
    """A benchmark's figures as JSON, where the report step reads them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")


def summarize(folder: Path) -> list[Figure]:
    readers = {
        "ocr.json": ocr_figures,
        "structure.json": structure_figures,
        "medical.json": medical_figures,
        "phi.json": phi_figures,
        "end_to_end.json": end_to_end_figures,
        "generated.json": generated_figures,
    }
    figures: list[Figure] = []
    for name, read in readers.items():
        path = folder / name
        if path.exists():
            figures += read(json.loads(path.read_text(encoding="utf-8")))
    return figures


def _line(figure: Figure) -> str:
    value = "   -   " if figure.value is None else f"{figure.value:7.3f}"
    verdict = {True: "met", False: "NOT met", None: ""}[figure.met]
    return f"{figure.yardstick:11} {figure.name:44} {value}  {figure.goal:9} {verdict}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m meddoc.bench.report", description=__doc__)
    parser.add_argument("folder", type=Path, help="where the benchmarks wrote their JSON")
    args = parser.parse_args(argv)
    figures = summarize(args.folder)
    print(f"\nSUMMARY against the goals of issue 6 ({args.folder})")
    for figure in figures:
        print(_line(figure))
    summary = [{**asdict(f), "met": f.met} for f in figures]
    write_report(args.folder / "summary.json", summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
