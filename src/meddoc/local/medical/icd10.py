"""ICD-10-CM candidates for a condition, best first, like InferICD10CM: a curated or
exact-title code refined by the condition's direction and acuity, then the codes whose
titles share the most (rare) words with the condition."""

from __future__ import annotations

from difflib import SequenceMatcher

from meddoc.local.medical.icd_tables import stems
from meddoc.local.medical.text import phrase_key, singular
from meddoc.local.medical.vocabulary import IcdIndex
from meddoc.model import CodeSystem, Concept

_SIDES = {
    "left": "left",
    "right": "right",
    "bilateral": "bilateral",
    "bilaterally": "bilateral",
    "izquierdo": "left",
    "izquierda": "left",
    "derecho": "right",
    "derecha": "right",
}
# Modifiers that pick a more specific code in the same category ("chronic migraine",
# "moderate persistent asthma"); "acute" does not, since the unspecified codes of most
# acute conditions already mean acute.
_REFINERS = frozenset(
    {
        "chronic",
        "recurrent",
        "persistent",
        "moderate",
        "mild",
        "severe",
        "intractable",
        "lower",
        "upper",
        "on",
    }
)
# Title words of codes for a later stage of care or another person: they rank lower unless
# the condition says so itself.
_UNLIKELY = frozenset(
    {
        "subsequent",
        "sequela",
        "history",
        "personal",
        "family",
        "screening",
        "encounter",
        "aftercare",
        "newborn",
        "perinatal",
        "puerperium",
        "childbirth",
    }
)
_CANDIDATES = 5
_MAX_POSTINGS = 4000


class IcdCoder:
    def __init__(self, index: IcdIndex) -> None:
        self._index = index

    def concepts(self, text: str, hint: str, modifiers: list[str]) -> list[Concept]:
        top, score = self._top(text, hint)
        words = [w.lower() for w in modifiers]
        if top:
            top = self._refine(top, words)
        query = stems(text) + stems(" ".join(words))
        ranked = self._rank(query or stems(self._title(top)))
        if not top and ranked and ranked[0][1] >= 0.45:
            top, score = ranked[0][0], min(0.8, ranked[0][1])
        if not top:
            return []
        concepts = [Concept(CodeSystem.ICD10CM, top, self._title(top), round(score, 4))]
        if len(ranked) < _CANDIDATES:
            ranked += self._rank(stems(self._title(top)))
        for code, similarity in ranked:
            if len(concepts) == _CANDIDATES:
                break
            if all(c.code != code for c in concepts):
                value = round(min(score, similarity) * 0.6, 4)
                concepts.append(Concept(CodeSystem.ICD10CM, code, self._title(code), value))
        return concepts

    def _title(self, code: str) -> str:
        return self._index.titles.get(code, ("", False))[0]

    def _top(self, text: str, hint: str) -> tuple[str, float]:
        if hint and hint in self._index.titles:
            return hint, 0.9
        key = phrase_key(text)
        words = key.split()
        for candidate in (key, " ".join([*words[:-1], singular(words[-1])]) if words else ""):
            code = self._index.exact.get(candidate)
            if code:
                return code, 0.85
        return "", 0.0

    def _refine(self, code: str, words: list[str]) -> str:
        side = next((_SIDES[w] for w in words if w in _SIDES), None)
        refiners = [w for w in words if w in _REFINERS]
        if "stage" in words:
            refiners += [w for w in words if w == "stage" or w.isdigit()]
        if refiners:
            code = self._specific(code, refiners)
        if side:
            code = self._lateral(code, side)
        return code

    def _siblings(self, prefix: str) -> list[str]:
        return [c for c, (_, leaf) in self._index.titles.items() if leaf and c.startswith(prefix)]

    def _specific(self, code: str, refiners: list[str]) -> str:
        base = set(self._index.stems.get(code, ()))
        base_title = self._title(code).lower()
        best, best_score = code, -1.0
        for candidate in self._siblings(code[:3]):
            words = set(self._index.stems[candidate])
            if not all(singular(r) in words for r in refiners):
                continue
            score = len(words & base) - 0.3 * len(words - base - set(refiners))
            # Among equals, the title closest to the original's wording ("without status
            # migrainosus" rather than "with").
            score += (
                0.5 * SequenceMatcher(None, base_title, self._title(candidate).lower()).ratio()
            )
            if score > best_score:
                best, best_score = candidate, score
        return best

    def _lateral(self, code: str, side: str) -> str:
        title = self._title(code).lower()
        if "unspecified" not in title:
            return code
        base = set(self._index.stems.get(code, ()))
        best, best_score = code, 0
        parent = code[:-1] if len(code) > 4 else code
        for candidate in self._siblings(parent.rstrip(".")):
            words = set(self._index.stems[candidate])
            if side in words:
                score = len(words & base)
                if score > best_score:
                    best, best_score = candidate, score
        return best

    def _rank(self, query: list[str]) -> list[tuple[str, float]]:
        idf = self._index.idf
        terms = [q for q in dict.fromkeys(query) if q in idf]
        if not terms:
            return []
        total = sum(idf[t] for t in terms)
        rare = sorted(terms, key=lambda t: -idf[t])[:3]
        candidates: set[str] = set()
        for term in rare:
            postings = self._index.postings.get(term, ())
            if len(postings) <= _MAX_POSTINGS:
                candidates.update(postings)
        scored = []
        for code in candidates:
            words = self._index.stems[code]
            matched = [t for t in terms if t in words]
            coverage = sum(idf[t] for t in matched) / total
            precision = len(matched) / max(1, len(words))
            bonus = 0.05 if "unspecified" in words else 0.0
            bonus -= 0.15 * len(_UNLIKELY.intersection(words).difference(terms))
            scored.append((code, 0.7 * coverage + 0.3 * precision + bonus))
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored[:_CANDIDATES]
