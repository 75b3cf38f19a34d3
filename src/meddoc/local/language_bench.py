"""Benchmark of the offline language engines on labelled files: PHI precision/recall per
type (documents marked up as {TYPE|text}) and language-detection accuracy."""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from meddoc.model import MedicalEntity

_MARK = re.compile(r"\{([A-Z_]+)\|([^{}]*)\}")


@dataclass(slots=True)
class LabelledDocument:
    id: str
    language: str
    kind: str
    text: str
    entities: list[tuple[str, int, int]] = field(default_factory=list)  # type, begin, end


def parse_marked(marked: str) -> tuple[str, list[tuple[str, int, int]]]:
    """Plain text and (type, begin, end) spans from text marked up as {TYPE|text}."""
    parts: list[str] = []
    spans: list[tuple[str, int, int]] = []
    cursor = offset = 0
    for match in _MARK.finditer(marked):
        before = marked[cursor : match.start()]
        parts.append(before)
        offset += len(before)
        parts.append(match.group(2))
        spans.append((match.group(1), offset, offset + len(match.group(2))))
        offset += len(match.group(2))
        cursor = match.end()
    parts.append(marked[cursor:])
    return "".join(parts), spans


def read_corpus(path: Path) -> list[LabelledDocument]:
    """Documents of a file of '### id lang kind' blocks; '#' lines before the first
    block are comments."""
    documents: list[LabelledDocument] = []
    header: list[str] | None = None
    lines: list[str] = []
    for line in [*path.read_text(encoding="utf-8").splitlines(), "### end"]:
        if not line.startswith("### "):
            if header is not None:
                lines.append(line)
            continue
        if header is not None:
            text, spans = parse_marked("\n".join(lines).strip("\n"))
            documents.append(LabelledDocument(header[0], header[1], header[2], text, spans))
        header, lines = line[4:].split(), []
    return documents


@dataclass(slots=True)
class Tally:
    true_positive: int = 0
    predicted: int = 0
    reference: int = 0
    found: int = 0  # reference entities found

    @property
    def precision(self) -> float:
        return self.true_positive / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.reference if self.reference else 1.0


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_phi(
    documents: list[LabelledDocument],
    detect: Callable[[str, str], list[MedicalEntity]],
    *,
    exact: bool = False,
) -> tuple[dict[str, Tally], list[str]]:
    """Per-type tallies (a reference counts as found when a prediction of its type
    overlaps it, or has its exact offsets when `exact`) and the error lines."""
    tallies: dict[str, Tally] = {}
    errors: list[str] = []
    for document in documents:
        predicted = [(e.type, e.begin, e.end) for e in detect(document.text, document.language)]

        def match(a: tuple[str, int, int], b: tuple[str, int, int]) -> bool:
            if a[0] != b[0]:
                return False
            return a[1:] == b[1:] if exact else _overlaps(a[1:], b[1:])

        for ref in document.entities:
            tally = tallies.setdefault(ref[0], Tally())
            tally.reference += 1
            if any(match(ref, p) for p in predicted):
                tally.found += 1
            else:
                errors.append(f"MISS {document.id} {ref[0]} {document.text[ref[1] : ref[2]]!r}")
        for pred in predicted:
            tally = tallies.setdefault(pred[0], Tally())
            tally.predicted += 1
            if any(match(r, pred) for r in document.entities):
                tally.true_positive += 1
            else:
                errors.append(f"FP   {document.id} {pred[0]} {document.text[pred[1] : pred[2]]!r}")
    return tallies, errors


def total(tallies: dict[str, Tally]) -> Tally:
    result = Tally()
    for tally in tallies.values():
        result.true_positive += tally.true_positive
        result.predicted += tally.predicted
        result.reference += tally.reference
        result.found += tally.found
    return result


def phi_report(path: Path, *, show_errors: bool = False) -> tuple[str, dict[str, object]]:
    """The printed report of one labelled file and its figures (recall and precision
    under both matches) for the JSON report."""
    from meddoc.local.phi import detect_phi

    documents = read_corpus(path)
    lines = [f"PHI on {path.name}: {len(documents)} documents"]
    figures: dict[str, object] = {"documents": len(documents)}
    for exact in (False, True):
        tallies, errors = score_phi(documents, detect_phi, exact=exact)
        lines.append("match: " + ("exact offsets" if exact else "overlap, same type"))
        lines.append(f"  {'type':<13}{'ref':>5}{'pred':>6}{'recall':>8}{'precision':>11}")
        for name, t in [*sorted(tallies.items()), ("ALL", total(tallies))]:
            lines.append(
                f"  {name:<13}{t.reference:>5}{t.predicted:>6}{t.recall:>8.3f}{t.precision:>11.3f}"
            )
        if show_errors and not exact:
            lines.extend("  " + e for e in errors)
        overall = total(tallies)
        figures["exact" if exact else "overlap"] = {
            "references": overall.reference,
            "predicted": overall.predicted,
            "recall": overall.recall,
            "precision": overall.precision,
        }
    started = time.perf_counter()
    for document in documents:
        detect_phi(document.text, document.language)
    chars = sum(len(d.text) for d in documents)
    lines.append(f"speed: {chars / (time.perf_counter() - started):,.0f} chars/s (warm)")
    return "\n".join(lines), figures


def language_report(samples: Path, documents: list[LabelledDocument]) -> tuple[str, float]:
    from meddoc.local.language import LocalLanguageDetector

    detector = LocalLanguageDetector()
    rows = [
        line.split("\t", 1)
        for line in samples.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    texts = [(lang, text.removeprefix("ocr: ")) for lang, text in rows]
    texts += [(d.language, d.text) for d in documents]
    confusion: Counter[tuple[str, str]] = Counter()
    timings: list[float] = []
    for expected, text in texts:
        started = time.perf_counter()
        got = detector.detect_language(text).code
        timings.append(time.perf_counter() - started)
        confusion[(expected, got)] += 1
    right = sum(n for (e, g), n in confusion.items() if e == g)
    wrong = ", ".join(f"{e}->{g} x{n}" for (e, g), n in sorted(confusion.items()) if e != g)
    accuracy = right / len(texts)
    return (
        f"language detection: {right}/{len(texts)} = {accuracy:.3f} "
        f"({len(rows)} lines + {len(documents)} documents); errors: {wrong or 'none'}; "
        f"median {statistics.median(timings) * 1e6:.0f} us per text"
    ), accuracy


def analyzer_report(documents: list[LabelledDocument], repeats: int = 5) -> str:
    """Milliseconds per document for the whole analysis (PHI, key phrases, entities,
    sentiment), warm, min and median over `repeats` rounds."""
    from meddoc.local.language import LocalLanguageAnalyzer
    from meddoc.model import Language

    analyzer = LocalLanguageAnalyzer()
    analyzer.analyze(documents[0].text, Language(documents[0].language, 1.0))
    rounds: list[float] = []
    for _ in range(repeats):
        started = time.perf_counter()
        for document in documents:
            analyzer.analyze(document.text, Language(document.language, 1.0))
        rounds.append((time.perf_counter() - started) / len(documents))
    size = sum(len(d.text) for d in documents) / len(documents)
    return (
        f"analyzer (warm): per document of {size:.0f} chars on average "
        f"min {min(rounds) * 1e3:.2f} ms, median {statistics.median(rounds) * 1e3:.2f} ms "
        f"over {repeats} rounds"
    )
