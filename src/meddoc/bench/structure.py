"""Offline structure (the layout analyser on the offline OCR) against genuine Textract
AnalyzeDocument responses: key-value pair F1, table cell F1, checkbox state accuracy per
page and in total, and what the structure step costs in pages per minute.
Textract is the anchor here, not perfect truth. Both sides are read into the model (the
Textract side by meddoc's own AnalyzeDocument parser) and compared in its terms: a merged
cell is one cell, a cell is its words (checkbox marks are scored on their own).

    python -m meddoc.bench.structure --data ../shared/data/textract [--json out.json]
        [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from meddoc.aws.textract_parser import parse_textract
from meddoc.bench.ocr import ReferencePage, load_references, throughput
from meddoc.bench.report import write_report
from meddoc.bench.structure_metrics import (
    CellText,
    CheckboxCounts,
    Counts,
    StructurePage,
    checkbox_counts,
    key_value_counts,
    table_cell_counts,
    unmatched_pairs,
    without_blank_pairs,
)
from meddoc.local.ocr.config import OcrConfig
from meddoc.local.ocr.engine import OcrEngine
from meddoc.model import Page

ANCHOR = "Textract AnalyzeDocument is the anchor, not perfect truth"
GOALS = {"key_value_f1": 0.80, "table_cell_f1": 0.85, "checkbox_accuracy": 0.90}


def textract_structure(response: dict[str, Any], page: int) -> StructurePage:
    """The reference side, read with meddoc's own AnalyzeDocument parser (the one the AWS
    host uses), in the same terms as the offline side."""
    pages = parse_textract([response]).pages
    return model_structure(pages[page - 1]) if page <= len(pages) else StructurePage()


def requested_features(data: Path, name: str, response: dict[str, Any]) -> frozenset[str]:
    """What Textract was asked for (INDEX.tsv: "AnalyzeDocument[FORMS+TABLES]"); where
    the index does not say, what the response shows (KEY_VALUE_SET: FORMS, TABLE:
    TABLES). A page is scored only on what Textract was asked to find."""
    index = data / "INDEX.tsv"
    if index.exists():
        for row in index.read_text(encoding="utf-8").splitlines():
            cells = row.split("\t")
            if cells[0] == name and len(cells) > 9 and "[" in cells[9]:
                return frozenset(cells[9].split("[", 1)[1].rstrip("]").split("+"))
    kinds = {block["BlockType"] for block in response["Blocks"]}
    return frozenset(
        feature
        for feature, block in (("FORMS", "KEY_VALUE_SET"), ("TABLES", "TABLE"))
        if block in kinds
    )


def model_structure(page: Page) -> StructurePage:
    """A page's fields, tables and checkbox marks as the scores take them: cells by
    their words (checkbox marks are scored apart), checkbox fields left to the marks."""
    found = StructurePage()
    found.key_values = [(f.key.text, f.value.text) for f in page.fields if f.selection is None]
    for table in page.tables:
        cells = [CellText(c.row, c.column, c.text) for c in table.cells]
        found.tables.append((table.geometry.box, cells))
    found.selections = [(s.status.value, s.geometry.box) for s in page.selections]
    return found


@dataclass(slots=True)
class PageScores:
    name: str
    number: int
    key_values: Counts
    cells: Counts
    checkboxes: CheckboxCounts
    seconds: float
    missed_pairs: list[tuple[str, str]] = field(default_factory=list)  # normalised
    extra_pairs: list[tuple[str, str]] = field(default_factory=list)  # normalised
    # ... with the reference's pairs whose key and value are both empty left out
    key_values_not_blank: Counts = field(default_factory=Counts)
    cpu_seconds: float = 0.0  # of reading the page, structure included


def evaluate(engine: OcrEngine, reference: ReferencePage) -> PageScores:
    data = reference.image.parent
    response = json.loads((data / f"{reference.name}.textract.json").read_text(encoding="utf-8"))
    started, cpu_started = time.perf_counter(), time.process_time()
    detection = engine.read_document(reference.image.read_bytes())
    seconds = time.perf_counter() - started
    scored = scores(
        reference,
        model_structure(detection.pages[0]),
        textract_structure(response, reference.number),
        requested_features(data, reference.name, response),
        seconds,
    )
    scored.cpu_seconds = time.process_time() - cpu_started
    return scored


def scores(
    reference: ReferencePage,
    ours: StructurePage,
    theirs: StructurePage,
    features: frozenset[str],
    seconds: float,
) -> PageScores:
    """A page's scores on what Textract was asked for (nothing counted otherwise)."""
    forms, tables = "FORMS" in features, "TABLES" in features
    missed, extra = unmatched_pairs(ours, theirs) if forms else ([], [])
    return PageScores(
        name=reference.name,
        number=reference.number,
        key_values=key_value_counts(ours, theirs) if forms else Counts(),
        cells=table_cell_counts(ours, theirs) if tables else Counts(),
        checkboxes=checkbox_counts(ours, theirs) if forms or tables else CheckboxCounts(),
        seconds=seconds,
        missed_pairs=missed,
        extra_pairs=extra,
        key_values_not_blank=key_value_counts(ours, without_blank_pairs(theirs))
        if forms
        else Counts(),
    )


def totals(results: list[PageScores]) -> dict[str, Any]:
    pairs, cells, boxes, not_blank = Counts(), Counts(), CheckboxCounts(), Counts()
    for result in results:
        pairs.add(result.key_values)
        not_blank.add(result.key_values_not_blank)
        cells.add(result.cells)
        boxes.add(result.checkboxes)
    return {
        "pages": len(results),
        "key_value_f1": pairs.f1,
        "key_values": asdict(pairs),
        "key_value_f1_not_blank": not_blank.f1,
        "key_values_not_blank": asdict(not_blank),
        "table_cell_f1": cells.f1,
        "table_cells": asdict(cells),
        "checkbox_accuracy": boxes.accuracy,
        "checkboxes": asdict(boxes),
        "anchor": ANCHOR,
    }


def cost(pages: list[ReferencePage], workers: int, rounds: int) -> dict[str, Any]:
    """Pages per minute of the offline OCR without and with the structure step, in the
    same run, passes taking turns (without, with, without, ...) so that both meet the
    same machine load; and the CPU time per page of each (less moved by other load)."""
    sides: dict[str, list[dict[str, float]]] = {"without_structure": [], "with_structure": []}
    for _ in range(rounds):
        for side, structure in (("without_structure", False), ("with_structure", True)):
            sides[side].append(throughput(pages, OcrConfig(structure=structure), workers, 1))
    report: dict[str, Any] = {side: _summed(passes) for side, passes in sides.items()}
    plain, structured = report["without_structure"], report["with_structure"]
    report["added_time"] = plain["pages_per_minute"] / structured["pages_per_minute"] - 1
    report["added_cpu"] = structured["cpu_seconds_per_page"] / plain["cpu_seconds_per_page"] - 1
    return report


def _summed(passes: list[dict[str, float]]) -> dict[str, float]:
    pages = sum(p["pages"] for p in passes)
    seconds = sum(p["seconds"] for p in passes)
    cpu = sum(p["cpu_seconds_per_page"] * p["pages"] for p in passes)
    return {
        "workers": passes[0]["workers"],
        "pages": pages,
        "seconds": seconds,
        "pages_per_minute": 60 * pages / seconds,
        "cpu_seconds_per_page": cpu / pages,
    }


def _print(results: list[PageScores], summary: dict[str, Any]) -> None:
    print(
        f"{'document':28} {'pg':>2} {'kv F1':>6} {'kv m/p/r':>10} {'cell F1':>7} "
        f"{'cell m/p/r':>12} {'boxes r/f/n':>11} {'sec':>5}"
    )
    for r in results:
        kv, cell, box = r.key_values, r.cells, r.checkboxes
        print(
            f"{r.name[:28]:28} {r.number:>2} {_figure(kv.f1):>6} "
            f"{f'{kv.matched}/{kv.predicted}/{kv.reference}':>10} {_figure(cell.f1):>7} "
            f"{f'{cell.matched}/{cell.predicted}/{cell.reference}':>12} "
            f"{f'{box.right}/{box.found}/{box.reference}':>11} {r.seconds:5.2f}"
        )
    print(
        f"TOTAL {summary['pages']} pages: key-value F1 {_figure(summary['key_value_f1'])} "
        f"(goal >= 0.80), table cell F1 {_figure(summary['table_cell_f1'])} (goal >= 0.85), "
        f"checkbox accuracy {_figure(summary['checkbox_accuracy'])} (goal >= 0.90); {ANCHOR}"
    )
    blank = summary["key_values"]["reference"] - summary["key_values_not_blank"]["reference"]
    print(
        f"(not the issue's figure) key-value F1 leaving out Textract's {blank} pairs whose "
        f"key and value are both empty: {_figure(summary['key_value_f1_not_blank'])}"
    )


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m meddoc.bench.structure", description=__doc__)
    parser.add_argument("--data", type=Path, required=True, help="folder of *.textract.json")
    parser.add_argument("--json", type=Path, help="write the report here")
    parser.add_argument("--workers", type=int, default=0, help="also measure the cost")
    parser.add_argument("--rounds", type=int, default=2, help="passes for --workers")
    parser.add_argument("--only", help="documents whose name contains this")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    pages = [p for p in load_references(args.data) if not args.only or args.only in p.name]
    if not pages:
        print(f"no *.textract.json with images in {args.data}", file=sys.stderr)
        return 2
    engine = OcrEngine(OcrConfig(structure=True))
    results = [evaluate(engine, page) for page in pages]
    cpu = sum(r.cpu_seconds for r in results)
    summary = totals(results)
    summary["analyser_cpu_share"] = engine.structure_seconds / (cpu - engine.structure_seconds)
    _print(results, summary)
    print(
        f"the layout analyser took {engine.structure_seconds:.2f} s of CPU for {len(pages)} "
        f"pages: {100 * summary['analyser_cpu_share']:.1f} % on top of the OCR's own CPU time"
    )
    report: dict[str, Any] = {
        "engine": asdict(engine.engine),
        "totals": summary,
        "pages": [asdict(r) for r in results],
    }
    if args.workers:
        report["cost"] = cost(pages, args.workers, args.rounds)
        plain, structured = report["cost"]["without_structure"], report["cost"]["with_structure"]
        print(
            f"{args.workers} workers: {plain['pages_per_minute']:.1f} pages/min without "
            f"structure, {structured['pages_per_minute']:.1f} with: the structure step adds "
            f"{100 * report['cost']['added_time']:.1f} % time (goal <= 25 %); CPU "
            f"{plain['cpu_seconds_per_page']:.2f} vs {structured['cpu_seconds_per_page']:.2f} "
            f"s/page (+{100 * report['cost']['added_cpu']:.1f} %)"
        )
    if args.json:
        write_report(args.json, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
