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
        "neonatal",
        "fetal",
        "fetus",
        "maternal",
        "pregnancy",
        "perinatal",
        "puerperium",
        "childbirth",
    }
)
_SIDE_WORDS = frozenset({"left", "right", "bilateral"})
_HARMLESS = frozenset({"unspecified", "region", "part", "site", "low", "area"})
_SIDE_PLACES = frozenset({"eye", "ear", "side"})  # "unspecified eye" becomes "left eye"
# Title words that add nothing to a condition's name: "Pain, unspecified" says no more than
# "pain", so the site may pick a code elsewhere ("Pain in right hip").
_GENERIC = frozenset({"unspecified", "site", "nonspecific", "other"})
_CANDIDATES = 5
_MAX_POSTINGS = 4000


class IcdCoder:
    def __init__(self, index: IcdIndex) -> None:
        self._index = index
        self._leaves: dict[str, list[str]] = {}  # 3-character category: billable codes
        self._tails: dict[str, frozenset[str]] = {}

    def concepts(
        self, text: str, hint: str, modifiers: list[str], sites: tuple[str, ...] = ()
    ) -> list[Concept]:
        """Candidates for a condition, best first; `sites` are the anatomy it is said
        to be in, outside its own text ("cellulitis of the left leg")."""
        top, score = self._top(text, hint)
        words = [w.lower() for w in modifiers]
        if top:
            top = self._refine(top, words)
            top = self._sited(top, text, [self._wordings(s) for s in sites], words)
        query = stems(text) + stems(" ".join(words))
        ranked = self._rank(query or stems(self._title(top)))
        head = stems(text)[-1:]
        named = [r for r in ranked if set(head) <= set(self._index.stems.get(r[0], ()))]
        if not top and named and named[0][1] >= 0.45:
            # A code found by shared words must still name the condition's head word:
            # "excessive daytime sleepiness" is no "jaundice due to excessive hemolysis".
            top, score = named[0][0], min(0.8, named[0][1])
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

    def _wordings(self, site: str) -> list[frozenset[str]]:
        """The stem sets an ICD title may name a site by ("leg": lower leg, lower limb)."""
        key = phrase_key(site)
        head = key.split()[-1] if key else ""  # "left lower leg" is worded as a leg is
        words = self._index.site_words
        wordings = (key, *words.get(key, ()), *words.get(head, ()))
        return [frozenset(stems(w)) for w in dict.fromkeys(wordings)]

    def _sited(
        self, code: str, text: str, sites: list[list[frozenset[str]]], words: list[str]
    ) -> str:
        """The code that also names the condition's site: first in the code's own
        category ("Cellulitis of left lower limb"), then, for a condition whose code
        says nothing beyond its name ("Pain, unspecified"), anywhere."""
        if not sites:
            return code
        side = next((_SIDES[w] for w in words if w in _SIDES), "")
        base = set(self._index.stems.get(code, ()))
        # The code's own words stay: "Cellulitis, unspecified" may become "Cellulitis of
        # left lower limb", "Other visual disturbances" not "Visual discomfort, left eye".
        need = base - _GENERIC - _SIDE_WORDS
        best = self._best_sited(self._siblings(code[:3]), base, sites, side, need)
        if best:
            return best
        own = set(stems(text))
        if base - own - _GENERIC:
            return code
        query = [*own, *(stem for site in sites for wording in site for stem in wording)]
        candidates = sorted(c for c, _ in self._rank(query, limit=50))
        return self._best_sited(candidates, own, sites, side, need=own) or code

    def _best_sited(
        self,
        candidates: list[str],
        base: set[str],
        sites: list[list[frozenset[str]]],
        side: str,
        need: frozenset[str] | set[str] = frozenset(),
    ) -> str:
        best, best_score = "", -1.0
        for candidate in candidates:
            words = set(self._index.stems[candidate])
            named = [w for site in sites for w in site if w <= words][:1]
            if not named or not need <= words or (side in base and side not in words):
                continue
            if words - base - named[0] - _SIDE_WORDS - _HARMLESS:
                continue  # another condition at that site ("traumatic cataract"), not this one
            score = len(words & base) + 0.5 * ("unspecified" in words)
            if side:  # the side when a code has it, and never the other side
                score += 2.0 if side in words else -2.0 * bool(words & _SIDE_WORDS)
            if score > best_score:
                best, best_score = candidate, score
        return best

    def _siblings(self, prefix: str) -> list[str]:
        if not self._leaves:
            for code, (_, leaf) in self._index.titles.items():
                if leaf:
                    self._leaves.setdefault(code[:3], []).append(code)
        return [c for c in self._leaves.get(prefix[:3], ()) if c.startswith(prefix)]

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
        """The same title with the side filled in ("Otalgia, unspecified ear" -> "Otalgia,
        right ear"); never a code that adds a site the note did not give."""
        if "unspecified" not in self._title(code).lower():
            return code
        base = set(self._index.stems.get(code, ()))
        keep = base - _SIDE_WORDS - _SIDE_PLACES
        best, fewest = code, 1
        for candidate in self._siblings(code[:3]):
            words = set(self._index.stems[candidate])
            if side in words and keep - {"unspecified"} <= words:
                extra = len(words - base - {side})
                if extra < fewest or (extra == fewest and "unspecified" in words):
                    best, fewest = candidate, extra
        return best

    def _complications(self, code: str) -> frozenset[str]:
        """Stems of what a title adds after "with" ("... with macular edema")."""
        if code not in self._tails:
            _, found, tail = self._title(code).lower().partition(" with ")
            self._tails[code] = frozenset(stems(tail)) if found else frozenset()
        return self._tails[code]

    def _rank(self, query: list[str], limit: int = _CANDIDATES) -> list[tuple[str, float]]:
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
            added = self._complications(code)
            if added and not added.intersection(terms):
                bonus -= 0.15  # "ventral hernia with gangrene" for a plain "hernia"
            scored.append((code, 0.7 * coverage + 0.3 * precision + bonus))
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored[:limit]
