"""Offline OCR against genuine Textract responses: word F1, handwriting-word recall, CER,
seconds per page and pages per minute with worker processes.

    python -m meddoc.bench.ocr --data ../shared/data/textract [--json out.json] [--workers 2]
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import statistics
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from PIL import Image

from meddoc.bench.ocr_metrics import (
    WordScores,
    character_errors,
    handwriting_scores,
    reading_order_text,
    word_bag,
    word_scores,
)
from meddoc.bench.report import write_report
from meddoc.local.ocr.config import OcrConfig, Recognition
from meddoc.local.ocr.engine import OcrEngine, shared_engine
from meddoc.model import Geometry, Point, TextType, Word

# Textract flags only 2 of the 20 handwritten values on the intake form as HANDWRITING;
# these are all of them (exact text), labelled by looking at the page.
HAND_LABELLED = {
    "patient_intake_scan": frozenset(
        {
            "ALEJANDRO",
            "ROSALEZ",
            "10/10/1982",
            "M",
            "MARRIED",
            "123",
            "ANY",
            "STREET",
            "ANYTOWN",
            "CA",
            "12345",
            "646-555-0111",
            "CARLOS",
            "SALAZAR",
            "212-555-0150",
            "BROTHER",
            "JANE",
            "DOE",
            "650-555-0123",
            "FRIEND",
        }
    )
}


@dataclass(slots=True)
class ReferencePage:
    name: str
    number: int
    image: Path
    words: list[Word]


@dataclass(slots=True)
class PageResult:
    name: str
    number: int
    reference_words: int
    predicted_words: int
    matched_words: int
    handwriting_words: int
    handwriting_found: int
    handwriting_flagged: int
    false_handwriting_flags: int
    char_edits: int
    char_total: int
    labelled_handwriting: int
    labelled_found: int
    labelled_flagged: int
    labelled_false_flags: int
    seconds: float
    cpu_seconds: float
    rotation: int = 0
    missing: dict[str, int] = field(default_factory=dict)
    extra: dict[str, int] = field(default_factory=dict)

    @property
    def scores(self) -> WordScores:
        return WordScores(self.matched_words, self.reference_words, self.predicted_words)


def load_references(data: Path) -> list[ReferencePage]:
    """Every `<name>.textract.json` with its image; PDFs are read from their renders
    `<name>.pN.png`, the images Textract's page-relative geometry also fits."""
    pages: list[ReferencePage] = []
    for response in sorted(data.glob("*.textract.json")):
        name = response.name.removesuffix(".textract.json")
        blocks = json.loads(response.read_text(encoding="utf-8"))["Blocks"]
        renders = sorted(data.glob(f"{name}.p*.png"), key=lambda p: int(p.stem.rsplit("p", 1)[1]))
        images = renders or [p for p in data.glob(f"{name}.*") if p.suffix in (".png", ".jpg")]
        for number, image in enumerate(images, start=1):
            words = [
                _reference_word(block)
                for block in blocks
                if block["BlockType"] == "WORD" and block.get("Page", 1) == number
            ]
            pages.append(ReferencePage(name, number, image, words))
    return pages


def _reference_word(block: dict[str, Any]) -> Word:
    points = tuple(Point(p["X"], p["Y"]) for p in block["Geometry"]["Polygon"])
    return Word(
        text=block["Text"],
        geometry=Geometry.from_polygon(points),
        confidence=block["Confidence"] / 100,
        text_type=TextType(block.get("TextType", "PRINTED")),
    )


def evaluate(engine: OcrEngine, reference: ReferencePage, data: bytes | None = None) -> PageResult:
    """Read the page image (or `data`, a variant of it that `reference` fits) and score
    it against the reference words."""
    data = reference.image.read_bytes() if data is None else data
    started, cpu_started = time.perf_counter(), time.process_time()
    detection = engine.read_document(data)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    predicted = [word for line in detection.pages[0].lines for word in line.words]
    # a Textract WORD sometimes holds spaces ("19.99 S"): compare whitespace tokens
    ref_tokens = [t for w in reference.words for t in w.text.split()]
    pred_tokens = [t for w in predicted for t in w.text.split()]
    scores = word_scores(ref_tokens, pred_tokens)
    hand = handwriting_scores(reference.words, predicted)
    labelled = handwriting_scores(_hand_labelled(reference), predicted)
    edits, total = character_errors(
        reading_order_text(reference.words), reading_order_text(predicted)
    )
    ref_bag, pred_bag = word_bag(ref_tokens), word_bag(pred_tokens)
    return PageResult(
        name=reference.name,
        number=reference.number,
        reference_words=scores.reference,
        predicted_words=scores.predicted,
        matched_words=scores.matched,
        handwriting_words=hand.reference,
        handwriting_found=hand.found,
        handwriting_flagged=hand.flagged,
        false_handwriting_flags=hand.false_flags,
        labelled_handwriting=labelled.reference,
        labelled_found=labelled.found,
        labelled_flagged=labelled.flagged,
        labelled_false_flags=labelled.false_flags,
        char_edits=edits,
        char_total=total,
        seconds=seconds,
        cpu_seconds=cpu_seconds,
        rotation=detection.pages[0].rotation,
        missing=dict(ref_bag - pred_bag),
        extra=dict(pred_bag - ref_bag),
    )


def _hand_labelled(reference: ReferencePage) -> list[Word]:
    """The reference words with the TextType of the hand labels, where there are any."""
    labels = HAND_LABELLED.get(reference.name)
    if labels is None:
        return reference.words
    hand, printed = TextType.HANDWRITING, TextType.PRINTED
    return [replace(w, text_type=hand if w.text in labels else printed) for w in reference.words]


def variant(reference: ReferencePage, rotate: int, mosaic: int) -> tuple[ReferencePage, bytes]:
    """The page as a `mosaic` x `mosaic` grid of copies (a very large page of small
    text, like a high-resolution screenshot), turned `rotate` degrees clockwise. The
    engine reports geometry on the upright page, so turning leaves the reference as is."""
    with Image.open(reference.image) as image:
        page = image.convert("RGB")
    if mosaic > 1:
        width, height = page.size
        grid = Image.new("RGB", (width * mosaic, height * mosaic), "white")
        for row, column in itertools.product(range(mosaic), repeat=2):
            grid.paste(page, (column * width, row * height))
        page = grid
        reference = replace(
            reference,
            words=[
                replace(word, geometry=_moved(word.geometry, column, row, mosaic))
                for row, column in itertools.product(range(mosaic), repeat=2)
                for word in reference.words
            ],
        )
    buffer = io.BytesIO()
    page.rotate(-rotate, expand=True).save(buffer, format="PNG")
    return reference, buffer.getvalue()


def _moved(geometry: Geometry, column: int, row: int, mosaic: int) -> Geometry:
    points = tuple(Point((p.x + column) / mosaic, (p.y + row) / mosaic) for p in geometry.polygon)
    return Geometry.from_polygon(points)


def totals(results: list[PageResult]) -> dict[str, float]:
    scores = WordScores(
        sum(r.matched_words for r in results),
        sum(r.reference_words for r in results),
        sum(r.predicted_words for r in results),
    )
    handwriting = sum(r.handwriting_words for r in results)
    found = sum(r.handwriting_found for r in results)
    seconds = [r.seconds for r in results]
    cpu = [r.cpu_seconds for r in results]
    return {
        "pages": len(results),
        "word_precision": scores.precision,
        "word_recall": scores.recall,
        "word_f1": scores.f1,
        "word_f1_mean_of_pages": statistics.fmean(r.scores.f1 for r in results),
        "handwriting_words": handwriting,
        "handwriting_recall": found / handwriting if handwriting else 1.0,
        "handwriting_flagged": sum(r.handwriting_flagged for r in results),
        "false_handwriting_flags": sum(r.false_handwriting_flags for r in results),
        # with the hand labels instead of Textract's flags where there are labels
        "labelled_handwriting_words": sum(r.labelled_handwriting for r in results),
        "labelled_handwriting_found": sum(r.labelled_found for r in results),
        "labelled_handwriting_flagged": sum(r.labelled_flagged for r in results),
        "labelled_false_flags": sum(r.labelled_false_flags for r in results),
        "cer": sum(r.char_edits for r in results) / max(1, sum(r.char_total for r in results)),
        "seconds_per_page_mean": statistics.fmean(seconds),
        "seconds_per_page_median": statistics.median(seconds),
        # CPU time of the one process: what a page costs a core, whatever else runs
        "cpu_seconds_per_page_mean": statistics.fmean(cpu),
        "cpu_seconds_per_page_median": statistics.median(cpu),
    }


def _warm_worker(config: OcrConfig) -> None:
    shared_engine(config)


def _read_in_worker(job: tuple[OcrConfig, str]) -> tuple[int, float]:
    config, image = job
    started = time.process_time()
    pages = len(shared_engine(config).read_document(Path(image).read_bytes()).pages)
    return pages, time.process_time() - started


def throughput(
    pages: list[ReferencePage], config: OcrConfig, workers: int, rounds: int
) -> dict[str, float]:
    """Pages per minute of `workers` warm processes, one onnxruntime thread each,
    over `rounds` passes of every page (model loading excluded and timed apart)."""
    config = replace(config, threads=1)
    jobs = [(config, str(page.image)) for page in pages] * rounds
    with ProcessPoolExecutor(workers, initializer=_warm_worker, initargs=(config,)) as pool:
        started = time.perf_counter()
        list(pool.map(_warm_worker, [config] * workers))  # wait until every worker is warm
        warm = time.perf_counter() - started
        started = time.perf_counter()
        counts = list(pool.map(_read_in_worker, jobs))
        elapsed = time.perf_counter() - started
    done = sum(pages for pages, _ in counts)
    cpu = sum(seconds for _, seconds in counts)
    return {
        "workers": workers,
        "pages": done,
        "seconds": elapsed,
        "pages_per_minute": 60 * done / elapsed,
        "warm_up_seconds": warm,
        # what the same workers would do with a core each to themselves
        "cpu_seconds_per_page": cpu / done,
        "pages_per_minute_from_cpu": 60 * workers * done / cpu,
    }


def _print_table(results: list[PageResult], summary: dict[str, float], errors: bool) -> None:
    print(
        f"{'document':28} {'pg':>2} {'rot':>3} {'ref':>4} {'F1':>6} {'CER':>6} "
        f"{'hw':>5} {'sec':>5} {'cpu':>5}"
    )
    for r in results:
        page_cer = r.char_edits / max(1, r.char_total)
        hand = f"{r.handwriting_found}/{r.handwriting_words}" if r.handwriting_words else "-"
        print(
            f"{r.name[:28]:28} {r.number:>2} {r.rotation:>3} {r.reference_words:>4} "
            f"{r.scores.f1:6.3f} {page_cer:6.3f} {hand:>5} {r.seconds:5.2f} {r.cpu_seconds:5.2f}"
        )
        if errors and (r.missing or r.extra):
            print(f"    missing {r.missing}\n    extra   {r.extra}")
    print(
        f"TOTAL {summary['pages']} pages: word F1 {summary['word_f1']:.4f} "
        f"(P {summary['word_precision']:.4f} R {summary['word_recall']:.4f}, "
        f"mean of pages {summary['word_f1_mean_of_pages']:.4f}), "
        f"CER {summary['cer']:.4f}, handwriting recall {summary['handwriting_recall']:.3f} "
        f"({summary['handwriting_flagged']}/{summary['handwriting_words']} flagged, "
        f"{summary['false_handwriting_flags']} false flags; hand-labelled found "
        f"{summary['labelled_handwriting_found']}/{summary['labelled_handwriting_words']}, "
        f"flagged {summary['labelled_handwriting_flagged']}, "
        f"{summary['labelled_false_flags']} false flags), "
        f"s/page mean {summary['seconds_per_page_mean']:.2f} "
        f"median {summary['seconds_per_page_median']:.2f} "
        f"(CPU mean {summary['cpu_seconds_per_page_mean']:.2f} "
        f"median {summary['cpu_seconds_per_page_median']:.2f})"
    )


def _config_from(args: argparse.Namespace) -> OcrConfig:
    values = {
        f.name: getattr(args, f.name)
        for f in fields(OcrConfig)
        if getattr(args, f.name, None) is not None
    }
    if "recognition" in values:
        values["recognition"] = Recognition(values["recognition"])
    return OcrConfig(**values)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m meddoc.bench.ocr", description=__doc__)
    parser.add_argument("--data", type=Path, required=True, help="folder of *.textract.json")
    parser.add_argument("--json", type=Path, help="write the report here")
    parser.add_argument("--workers", type=int, default=0, help="also measure N processes")
    parser.add_argument("--rounds", type=int, default=2, help="passes for --workers")
    parser.add_argument("--only", help="documents whose name contains this")
    parser.add_argument("--errors", action="store_true", help="print missed/extra words")
    parser.add_argument(
        "--rotate", type=int, default=0, choices=(0, 90, 180, 270), help="turn pages first"
    )
    parser.add_argument("--mosaic", type=int, default=1, help="read N x N copies as one page")
    for f in fields(OcrConfig):
        flag = "--" + f.name.replace("_", "-")
        if f.type == "bool":
            parser.add_argument(flag, type=lambda v: v.lower() in ("1", "true", "yes", "on"))
        else:
            kind = {"int": int, "float": float}.get(str(f.type), str)
            parser.add_argument(flag, type=kind, help=f"OcrConfig.{f.name}")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    config = _config_from(args)
    pages = [p for p in load_references(args.data) if not args.only or args.only in p.name]
    if not pages:
        print(f"no *.textract.json with images in {args.data}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    engine = OcrEngine(config)
    load = time.perf_counter() - started
    print(f"engine: {engine.engine.name} {engine.engine.version}; load {load:.2f} s")
    engine.read_document(pages[0].image.read_bytes())  # first run pays one-off costs
    if args.rotate or args.mosaic > 1:
        results = [evaluate(engine, *variant(page, args.rotate, args.mosaic)) for page in pages]
    else:
        results = [evaluate(engine, page) for page in pages]
    summary = totals(results)
    _print_table(results, summary, args.errors)
    report: dict[str, Any] = {
        "engine": asdict(engine.engine),
        "config": {f.name: getattr(config, f.name) for f in fields(OcrConfig)},
        "load_seconds": load,
        "totals": summary,
        "pages": [asdict(r) for r in results],
        "missed_words": dict(sum((Counter(r.missing) for r in results), Counter())),
    }
    if args.workers:
        speed = throughput(pages, config, args.workers, args.rounds)
        report["throughput"] = speed
        print(
            f"{speed['workers']} workers: {speed['pages_per_minute']:.1f} pages/min "
            f"({speed['pages']} pages in {speed['seconds']:.1f} s; "
            f"warm-up {speed['warm_up_seconds']:.1f} s); CPU {speed['cpu_seconds_per_page']:.2f} "
            f"s/page, so {speed['pages_per_minute_from_cpu']:.1f} pages/min with free cores"
        )
    if args.json:
        write_report(args.json, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
