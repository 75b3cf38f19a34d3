"""Benchmark of the offline medical engine: per-category precision/recall/F1, negation,
attributes and ICD-10-CM top-1 on the labelled notes (per split and language) and against
genuine Comprehend Medical responses; plus start-up time and speed per note.

    python -m meddoc.bench.medical [--corpus DIR]... [--shared DIR] [--json OUT] [--errors dev]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from meddoc.bench.medical_metrics import (
    ALL_CATEGORIES,
    CATEGORIES,
    PHI,
    Score,
    code_mismatches,
    misses_and_false_positives,
    score_document,
)
from meddoc.bench.report import write_report
from meddoc.local.medical.engine import LocalMedicalAnalyzer
from meddoc.local.medical.vocabulary import load_vocabulary
from meddoc.local.phi import PhiDetector, default_detector
from meddoc.model import MedicalEntity
from meddoc.serialization import from_dict

# The labelled corpus (dev and test splits) and the second development set (dev2).
DEFAULT_CORPORA = (Path("tests/fixtures/medical_notes"), Path("tests/local/medical/dev_notes"))
SHORT = {
    "MEDICAL_CONDITION": "COND",
    "MEDICATION": "MED",
    "TEST_TREATMENT_PROCEDURE": "TTP",
    "ANATOMY": "ANAT",
    PHI: "PHI",
}
# Which categories each Comprehend Medical API reports (README of the shared data).
API_CATEGORIES = {
    "DetectEntities (v1)": ALL_CATEGORIES,
    "DetectEntitiesV2": ALL_CATEGORIES,
    "DetectPHI": (PHI,),
    "InferICD10CM": ("MEDICAL_CONDITION",),
    "InferRxNorm": ("MEDICATION",),
    "InferSNOMEDCT": ("MEDICAL_CONDITION", "ANATOMY", "TEST_TREATMENT_PROCEDURE"),
}


@dataclass(slots=True)
class Document:
    name: str
    split: str
    language: str
    text: str
    reference: list[MedicalEntity]
    categories: tuple[str, ...] = CATEGORIES


def load_corpus(folder: Path) -> list[Document]:
    documents = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        entities = [from_dict(MedicalEntity, e) for e in data["entities"]]
        documents.append(
            Document(path.stem, data["split"], data["language"], data["text"], entities)
        )
    return documents


def _reanchor(text: str, entity: dict[str, Any]) -> tuple[int, int]:
    """Published examples sometimes have offsets that do not fit their input; use the
    occurrence of the entity text nearest the printed offset."""
    begin, end, surface = entity["BeginOffset"], entity["EndOffset"], entity["Text"]
    if text[begin:end] == surface:
        return begin, end
    hits = [i for i in range(len(text)) if text.startswith(surface, i)]
    if not hits:
        return begin, end
    best = min(hits, key=lambda i: abs(i - begin))
    return best, best + len(surface)


def cm_entity(text: str, raw: dict[str, Any]) -> MedicalEntity:
    begin, end = _reanchor(text, raw)
    data = {
        "text": text[begin:end],
        "begin": begin,
        "end": end,
        "score": raw.get("Score", 0.0),
        "id": raw.get("Id", 0),
        "category": raw["Category"],
        "type": raw["Type"],
        "traits": [{"name": t["Name"], "score": t["Score"]} for t in raw.get("Traits", [])],
        "attributes": [],
        "concepts": [
            {
                "system": "ICD-10-CM",
                "code": c["Code"],
                "description": c["Description"],
                "score": c["Score"],
            }
            for c in raw.get("ICD10CMConcepts", [])
        ],
    }
    for attribute in raw.get("Attributes", []):
        a_begin, a_end = _reanchor(text, attribute)
        data["attributes"].append(
            {
                "text": text[a_begin:a_end],
                "begin": a_begin,
                "end": a_end,
                "score": attribute.get("Score", 0.0),
                "type": attribute["Type"],
            }
        )
    return from_dict(MedicalEntity, data)


def load_shared(folder: Path) -> list[Document]:
    """The genuine responses that are valid JSON (the two abridged ones wrapped)."""
    rows = (folder / "INDEX.tsv").read_text(encoding="utf-8").splitlines()[1:]
    documents = []
    for row in rows:
        name, api, kind = row.split("\t")[:3]
        if kind != "json" or api not in API_CATEGORIES:
            continue
        text = (folder / f"{name}.input.txt").read_text(encoding="utf-8")
        raw = json.loads((folder / f"{name}.response.json").read_text(encoding="utf-8"))
        categories = API_CATEGORIES[api]
        if isinstance(raw, list):
            raw = {"Entities": raw}
        elif "Entities" not in raw:
            # Published as one entity object: only that entity's category is complete.
            raw = {"Entities": [raw]}
            categories = (raw["Entities"][0]["Category"],)
        entities = [cm_entity(text, e) for e in raw["Entities"]]
        documents.append(Document(name, "shared", "en", text, entities, categories))
    return documents


def predict(
    analyzer: LocalMedicalAnalyzer, phi: PhiDetector, text: str, language: str
) -> list[MedicalEntity]:
    """What the local pipeline reports for a text: medical entities and PHI together,
    as DetectEntitiesV2 does."""
    return analyzer.analyze(text, language=language).entities + phi.detect_phi(text, language)


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def _row(label: str, score: Score) -> str:
    cells = []
    for category in ALL_CATEGORIES:
        counts = score.categories.get(category)
        cells.append(
            f"{SHORT[category]} {_fmt(counts.f1) if counts and counts.references else '  -  '}"
        )
    micro = score.micro()
    if not micro.references and not micro.predictions:
        return f"{label:38} (nothing in the categories this response covers)"
    return (
        f"{label:38} P {_fmt(micro.precision)} R {_fmt(micro.recall)} F1 {_fmt(micro.f1)} | "
        + " ".join(cells)
        + f" | neg {_fmt(score.negation.value)} attr {_fmt(score.attribute_recall().value)}"
        + f" icd {_fmt(score.icd10_top1.value)}"
    )


def _summary(score: Score) -> dict[str, Any]:
    micro = score.micro()
    return {
        "micro": {"precision": micro.precision, "recall": micro.recall, "f1": micro.f1},
        "categories": {
            c: {
                "precision": n.precision,
                "recall": n.recall,
                "f1": n.f1,
                "references": n.references,
                "predictions": n.predictions,
            }
            for c, n in score.categories.items()
        },
        "negation_agreement": score.negation.value,
        "negation_n": score.negation.total,
        "attribute_recall": score.attribute_recall().value,
        "attributes": {k: v.value for k, v in score.attributes.items()},
        "icd10cm_top1": score.icd10_top1.value,
        "icd10cm_n": score.icd10_top1.total,
    }


def _print_totals(title: str, groups: dict[str, Score]) -> None:
    print(f"\n{title}")
    for label, score in groups.items():
        print(_row(label, score))
        details = ", ".join(
            f"{SHORT[c]} P {n.precision:.2f} R {n.recall:.2f} (n={n.references})"
            for c, n in score.categories.items()
            if n.references or n.predictions
        )
        print(f"{'':38} {details}; neg n={score.negation.total} icd n={score.icd10_top1.total}")


def _errors(documents: list[Document], predictions: dict[str, list[MedicalEntity]]) -> None:
    misses: dict[str, Counter[str]] = defaultdict(Counter)
    false: dict[str, Counter[str]] = defaultdict(Counter)
    for doc in documents:
        missed, wrong = misses_and_false_positives(
            doc.reference, predictions[doc.name], doc.categories
        )
        for entity in missed:
            misses[str(entity.category)][entity.text.lower()] += 1
        for entity in wrong:
            false[str(entity.category)][entity.text.lower()] += 1
    for category in ALL_CATEGORIES:
        print(f"\n{category} misses: {misses[category].most_common(25)}")
        print(f"{category} false positives: {false[category].most_common(25)}")
    codes = Counter(
        f"{ref.text.lower()} {ref.concepts[0].code}->{top or 'none'}"
        for doc in documents
        for ref, top in code_mismatches(doc.reference, predictions[doc.name])
    )
    print(f"\nICD-10-CM top-1 mismatches (reference->predicted): {codes.most_common(40)}")


def run(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    vocabulary = load_vocabulary(args.cache_dir)
    analyzer = LocalMedicalAnalyzer(vocabulary=vocabulary)
    phi = default_detector()
    phi.find("warm-up")
    startup = time.perf_counter() - started
    documents = [doc for folder in args.corpus or DEFAULT_CORPORA for doc in load_corpus(folder)]
    if args.shared and args.shared.exists():
        documents += load_shared(args.shared)
    predictions: dict[str, list[MedicalEntity]] = {}
    timings = []
    groups: dict[str, Score] = defaultdict(Score)
    print(f"{'document':38} micro precision/recall/F1 | per-category F1 | traits and codes")
    for doc in documents:
        begun = time.perf_counter()
        predictions[doc.name] = predict(analyzer, phi, doc.text, doc.language)
        timings.append(time.perf_counter() - begun)
        score = score_document(doc.reference, predictions[doc.name], doc.categories)
        print(_row(f"{doc.name[:29]} [{doc.split}]", score))
        groups[f"{doc.split} / {doc.language}"].merge(score)
        groups[f"{doc.split} / all"].merge(score)
    _print_totals("TOTALS", dict(sorted(groups.items())))
    if args.errors:
        _errors([d for d in documents if d.split == args.errors], predictions)
    speed = {
        "startup_seconds": startup,
        "median_ms_per_note": 1000 * statistics.median(timings),
        "max_ms_per_note": 1000 * max(timings),
    }
    print(
        f"\nstart-up {startup:.2f} s (vocabulary cache warm unless just built); per note "
        f"median {speed['median_ms_per_note']:.1f} ms, max {speed['max_ms_per_note']:.1f} ms"
    )
    return {
        "groups": {k: _summary(v) for k, v in groups.items()},
        "speed": speed,
        "engines": [f"{e.name}=={e.version}" for e in analyzer.engines],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, action="append", help="labelled notes (repeatable)")
    parser.add_argument("--shared", type=Path, default=Path("../shared/data/comprehend-medical"))
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument(
        "--errors", default=None, help="list top misses/false positives of a split"
    )
    args = parser.parse_args(argv)
    report = run(args)
    if args.json:
        write_report(args.json, report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
