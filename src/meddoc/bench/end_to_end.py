"""End-to-end yardstick: a note drawn as a page image (printed and handwriting faces) ->
local OCR -> local medical NLP + PHI, scored against Comprehend Medical on the original text.

    python -m meddoc.bench.end_to_end --shared ../shared/data [--json OUT] [--corpus DIR]...

Every genuine response the medical bench reads (its input text drawn on a 200 dpi letter
page in each installed face of meddoc.bench.rendering) and, with --corpus, the English
labelled notes per split (in CORPUS_FACES); then the real medical_notes.png page
(meddoc.bench.real_image). Predicted spans are moved from the OCR'd text back onto the
original text through a case-insensitive character alignment (meddoc.bench.alignment),
then scored exactly as the medical bench scores text (meddoc.bench.medical_metrics)."""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from meddoc.bench.alignment import OffsetMap, map_entities
from meddoc.bench.medical import (
    SHORT,
    Document,
    load_corpus,
    load_shared,
    predict,
)
from meddoc.bench.medical_metrics import ALL_CATEGORIES, Score, score_document
from meddoc.bench.ocr_metrics import character_errors
from meddoc.bench.real_image import real_image_report
from meddoc.bench.rendering import HANDWRITING, PRINTED, TILTED, Face, installed, render_page
from meddoc.bench.report import write_report
from meddoc.layout import layout_text
from meddoc.local.medical.engine import LocalMedicalAnalyzer
from meddoc.local.ocr.config import OcrConfig
from meddoc.local.ocr.engine import OcrEngine
from meddoc.local.phi import PhiDetector, default_detector

# The labelled notes are many and long: one printed, one handwriting and the tilted printed
# face by default (the shared texts are a line or two: tilting them tests nothing).
CORPUS_FACES = ("DejaVu Sans", "dkg handwriting", "DejaVu Sans, 7 degrees")


@dataclass(slots=True)
class Pipeline:
    """The warm local engines, as one worker holds them."""

    ocr: OcrEngine
    medical: LocalMedicalAnalyzer
    phi: PhiDetector

    @classmethod
    def load(cls, ocr: OcrConfig | None = None) -> Pipeline:
        return cls(OcrEngine(ocr), LocalMedicalAnalyzer(), default_detector())

    def read(self, image_bytes: bytes) -> str:
        return layout_text(self.ocr.read_document(image_bytes).pages)

    def score(self, document: Document, ocr_text: str) -> Score:
        predicted = predict(self.medical, self.phi, ocr_text, document.language)
        mapped = map_entities(predicted, OffsetMap(ocr_text, document.text))
        return score_document(document.reference, mapped, document.categories)


@dataclass(slots=True)
class PageRun:
    document: str
    group: str  # shared | corpus <split>
    face: str
    style: str  # printed | handwriting | tilted
    score: Score
    edits: int  # character edits between the OCR'd and the original text
    characters: int
    seconds: float  # OCR + NLP of the page

    @property
    def cer(self) -> float:
        return self.edits / self.characters if self.characters else 0.0


def png(document: Document, face: Face, seed: int) -> bytes:
    buffer = io.BytesIO()
    render_page(document.text, face, seed=seed).save(buffer, format="PNG")
    return buffer.getvalue()


def run_page(pipeline: Pipeline, document: Document, face: Face, group: str, seed: int) -> PageRun:
    image = png(document, face, seed)
    started = time.perf_counter()
    ocr_text = pipeline.read(image)
    score = pipeline.score(document, ocr_text)
    seconds = time.perf_counter() - started
    edits, characters = character_errors(document.text, ocr_text)
    return PageRun(document.name, group, face.name, face.style, score, edits, characters, seconds)


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def _row(label: str, score: Score, cer: float | None = None) -> str:
    micro = score.micro()
    cells = " ".join(
        f"{SHORT[c]} {_fmt(n.f1) if n.references else '  -  '}"
        for c in ALL_CATEGORIES
        if (n := score.categories.get(c)) is not None
    )
    tail = "" if cer is None else f" | CER {cer:.3f}"
    return (
        f"{label:46} P {_fmt(micro.precision)} R {_fmt(micro.recall)} F1 {_fmt(micro.f1)}"
        f" | {cells} | neg {_fmt(score.negation.value)}{tail}"
    )


def summary(score: Score) -> dict[str, Any]:
    micro = score.micro()
    return {
        "micro": {
            "precision": micro.precision,
            "recall": micro.recall,
            "f1": micro.f1,
            "references": micro.references,
            "predictions": micro.predictions,
        },
        "categories": {
            c: {"precision": n.precision, "recall": n.recall, "f1": n.f1, "n": n.references}
            for c, n in score.categories.items()
            if n.references or n.predictions
        },
        "negation_agreement": score.negation.value,
        "attribute_recall": score.attribute_recall().value,
        "icd10cm_top1": score.icd10_top1.value,
    }


def _groups(runs: list[PageRun]) -> dict[str, tuple[Score, float]]:
    """Pooled scores and CER per (group, style) and per (group, face)."""
    scores: dict[str, Score] = defaultdict(Score)
    errors: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for run in runs:
        for key in (f"{run.group} / {run.style}", f"{run.group} / {run.style} / {run.face}"):
            scores[key].merge(run.score)
            errors[key][0] += run.edits
            errors[key][1] += run.characters
    return {k: (scores[k], errors[k][0] / max(1, errors[k][1])) for k in sorted(scores)}


def text_only(pipeline: Pipeline, documents: list[Document]) -> Score:
    """The same engines on the original text: the ceiling the page images aim at."""
    total = Score()
    for document in documents:
        total.merge(pipeline.score(document, document.text))
    return total


def evaluate(
    pipeline: Pipeline, documents: list[Document], faces: list[Face], group: str
) -> list[PageRun]:
    runs = []
    for index, document in enumerate(documents):
        for face in faces:
            run = run_page(pipeline, document, face, group, seed=index)
            runs.append(run)
            print(_row(f"{document.name[:28]} [{face.name}]", run.score, run.cer), flush=True)
    return runs


def _faces(names: list[str] | None) -> list[Face]:
    faces = [f for f in PRINTED + HANDWRITING + TILTED if installed(f)]
    missing = [f.name for f in PRINTED + HANDWRITING + TILTED if not installed(f)]
    if missing:
        print(f"fonts not installed (skipped): {', '.join(missing)}", file=sys.stderr)
    if names:
        return [f for f in faces if f.name in names]
    return [f for f in faces if not f.tilt]  # tilted pages only when asked for


def _report(
    pipeline: Pipeline, sets: dict[str, tuple[list[Document], list[Face]]]
) -> dict[str, Any]:
    runs: list[PageRun] = []
    ceilings: dict[str, Score] = {}
    for group, (documents, faces) in sets.items():
        print(f"\n{group}: {len(documents)} documents x {len(faces)} faces")
        runs += evaluate(pipeline, documents, faces, group)
        ceilings[group] = text_only(pipeline, documents)
    print("\nTOTALS (pooled over documents and faces)")
    report: dict[str, Any] = {"groups": {}, "pages": []}
    for group, ceiling in ceilings.items():
        print(_row(f"{group} / original text (no OCR)", ceiling))
        report["groups"][f"{group} / text"] = summary(ceiling)
    for key, (score, cer) in _groups(runs).items():
        print(_row(key, score, cer))
        report["groups"][key] = {**summary(score), "cer": cer}
    seconds = [r.seconds for r in runs]
    if seconds:
        print(
            f"\nOCR + NLP per page: median {statistics.median(seconds):.2f} s, "
            f"max {max(seconds):.2f} s ({len(seconds)} pages, one process)"
        )
        report["seconds_per_page"] = {"median": statistics.median(seconds), "max": max(seconds)}
    report["pages"] = [
        {
            "document": r.document,
            "group": r.group,
            "face": r.face,
            "style": r.style,
            "cer": r.cer,
            "seconds": r.seconds,
            **summary(r.score),
        }
        for r in runs
    ]
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m meddoc.bench.end_to_end", description=__doc__)
    parser.add_argument("--shared", type=Path, required=True, help="the shared data folder")
    parser.add_argument("--json", type=Path, help="write the report here")
    parser.add_argument(
        "--corpus", type=Path, action="append", help="also labelled notes (English) here"
    )
    parser.add_argument("--face", action="append", help="faces of the shared texts")
    parser.add_argument(
        "--corpus-face", action="append", help=f"faces of the notes (default {CORPUS_FACES})"
    )
    parser.add_argument(
        "--reread-threshold",
        type=float,
        default=OcrConfig().reread_threshold,
        help="OcrConfig.reread_threshold (0: never re-read unsure lines)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    pipeline = Pipeline.load(OcrConfig(reread_threshold=args.reread_threshold))
    print(
        f"engines loaded in {time.perf_counter() - started:.2f} s: {pipeline.ocr.engine.version}"
    )
    sets = {"shared": (load_shared(args.shared / "comprehend-medical"), _faces(args.face))}
    notes = [d for folder in args.corpus or [] for d in load_corpus(folder) if d.language == "en"]
    for split in sorted({d.split for d in notes}):
        chosen = [d for d in notes if d.split == split]
        sets[f"corpus {split}"] = (chosen, _faces(args.corpus_face or list(CORPUS_FACES)))
    report = _report(pipeline, sets)
    report["real_image"] = real_image_report(pipeline, args.shared)
    report["engines"] = [pipeline.ocr.engine.version] + [
        f"{e.name}=={e.version}" for e in pipeline.medical.engines
    ]
    if args.json:
        write_report(args.json, report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
