"""Scoring medical entities against a reference the way issue 6 defines it: a reference
entity is found when a predicted entity of the same category overlaps it (headline types
only, every PHI type); then negation agreement, attribute recall and ICD-10-CM top-1."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from meddoc.model import CodeSystem, MedicalEntity

HEADLINE_TYPES: dict[str, frozenset[str]] = {
    "MEDICAL_CONDITION": frozenset({"DX_NAME"}),
    "MEDICATION": frozenset({"GENERIC_NAME", "BRAND_NAME"}),
    "TEST_TREATMENT_PROCEDURE": frozenset({"TEST_NAME", "PROCEDURE_NAME", "TREATMENT_NAME"}),
    "ANATOMY": frozenset({"SYSTEM_ORGAN_SITE"}),
}
CATEGORIES = tuple(HEADLINE_TYPES)  # the clinical categories the labelled corpus carries
PHI = "PROTECTED_HEALTH_INFORMATION"
ALL_CATEGORIES = (*CATEGORIES, PHI)


def is_headline(entity: MedicalEntity) -> bool:
    category = str(entity.category)
    return category == PHI or entity.type in HEADLINE_TYPES.get(category, ())


def headline(entities: Iterable[MedicalEntity], categories: Iterable[str]) -> list[MedicalEntity]:
    wanted = set(categories)
    return [e for e in entities if str(e.category) in wanted and is_headline(e)]


def _overlap(a: MedicalEntity, b: MedicalEntity) -> int:
    return max(0, min(a.end, b.end) - max(a.begin, b.begin))


def best_match(reference: MedicalEntity, predicted: list[MedicalEntity]) -> MedicalEntity | None:
    same = [p for p in predicted if p.category == reference.category and _overlap(p, reference)]
    return max(
        same, key=lambda p: (_overlap(p, reference), -abs(p.begin - reference.begin)), default=None
    )


@dataclass(slots=True)
class Counts:
    references: int = 0
    found: int = 0  # references overlapped by a prediction of their category
    predictions: int = 0
    correct: int = 0  # predictions overlapping a reference of their category

    def add(self, other: Counts) -> None:
        self.references += other.references
        self.found += other.found
        self.predictions += other.predictions
        self.correct += other.correct

    @property
    def precision(self) -> float:
        return self.correct / self.predictions if self.predictions else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.references if self.references else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class Ratio:
    hits: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        self.hits += int(hit)
        self.total += 1

    def merge(self, other: Ratio) -> None:
        self.hits += other.hits
        self.total += other.total

    @property
    def value(self) -> float | None:
        return self.hits / self.total if self.total else None


@dataclass(slots=True)
class Score:
    categories: dict[str, Counts] = field(
        default_factory=lambda: {c: Counts() for c in CATEGORIES}
    )
    negation: Ratio = field(default_factory=Ratio)
    attributes: dict[str, Ratio] = field(default_factory=dict)
    icd10_top1: Ratio = field(default_factory=Ratio)

    def merge(self, other: Score) -> None:
        for name, counts in other.categories.items():
            self.categories.setdefault(name, Counts()).add(counts)
        self.negation.merge(other.negation)
        for name, ratio in other.attributes.items():
            self.attributes.setdefault(name, Ratio()).merge(ratio)
        self.icd10_top1.merge(other.icd10_top1)

    def micro(self) -> Counts:
        total = Counts()
        for counts in self.categories.values():
            total.add(counts)
        return total

    def attribute_recall(self) -> Ratio:
        total = Ratio()
        for ratio in self.attributes.values():
            total.merge(ratio)
        return total


def score_document(
    reference: list[MedicalEntity],
    predicted: list[MedicalEntity],
    categories: Iterable[str] = CATEGORIES,
) -> Score:
    """Score one document, counting only `categories` (the ones the reference's API
    covers) and their headline types."""
    wanted = [c for c in ALL_CATEGORIES if c in set(categories)]
    refs = headline(reference, wanted)
    preds = headline(predicted, wanted)
    score = Score(categories={c: Counts() for c in wanted})
    for pred in preds:
        counts = score.categories[str(pred.category)]
        counts.predictions += 1
        counts.correct += int(any(r.category == pred.category and _overlap(r, pred) for r in refs))
    for ref in refs:
        counts = score.categories[str(ref.category)]
        counts.references += 1
        match = best_match(ref, preds)
        if match is None:
            continue
        counts.found += 1
        score.negation.add(ref.has_trait("NEGATION") == match.has_trait("NEGATION"))
        for attribute in ref.attributes:
            found = any(
                a.type == attribute.type and a.begin < attribute.end and attribute.begin < a.end
                for a in match.attributes
            )
            score.attributes.setdefault(attribute.type, Ratio()).add(found)
        codes = [c for c in ref.concepts if c.system == CodeSystem.ICD10CM]
        if codes and str(ref.category) == "MEDICAL_CONDITION":
            predicted_codes = [c for c in match.concepts if c.system == CodeSystem.ICD10CM]
            score.icd10_top1.add(
                bool(predicted_codes) and predicted_codes[0].code == codes[0].code
            )
    return score


def misses_and_false_positives(
    reference: list[MedicalEntity],
    predicted: list[MedicalEntity],
    categories: Iterable[str] = CATEGORIES,
) -> tuple[list[MedicalEntity], list[MedicalEntity]]:
    """References nothing found, and predictions that overlap no reference (headline only)."""
    wanted = list(categories)
    refs = headline(reference, wanted)
    preds = headline(predicted, wanted)
    misses = [r for r in refs if best_match(r, preds) is None]
    false = [
        p for p in preds if not any(r.category == p.category and _overlap(r, p) for r in refs)
    ]
    return misses, false


def code_mismatches(
    reference: list[MedicalEntity], predicted: list[MedicalEntity]
) -> list[tuple[MedicalEntity, str]]:
    """Coded reference conditions whose matched prediction ranks another ICD-10-CM code
    first (or none): each with the predicted top code ("" when none)."""
    preds = headline(predicted, ["MEDICAL_CONDITION"])
    wrong = []
    for ref in headline(reference, ["MEDICAL_CONDITION"]):
        codes = [c.code for c in ref.concepts if c.system == CodeSystem.ICD10CM]
        match = best_match(ref, preds)
        if not codes or match is None:
            continue
        top = next((c.code for c in match.concepts if c.system == CodeSystem.ICD10CM), "")
        if top != codes[0]:
            wrong.append((ref, top))
    return wrong
