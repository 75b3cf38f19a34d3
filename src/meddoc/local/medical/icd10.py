"""ICD-10-CM candidates for a condition, best first, like InferICD10CM: a curated or
exact-title code refined by the condition's side, course, severity and site, then the
codes whose titles share the most (rare) words with the condition."""

from __future__ import annotations

from meddoc.local.medical.icd_refine import Refiner
from meddoc.local.medical.icd_tables import stems
from meddoc.local.medical.text import phrase_key, singular
from meddoc.local.medical.vocabulary import IcdIndex
from meddoc.model import CodeSystem, Concept

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
        "delivery",
        "birth",
    }
)
_CANDIDATES = 5
_MAX_POSTINGS = 4000
_MIN_RANKED = 0.45  # below this, shared words are chance, not the condition
_KEPT_RANKINGS = 20000
_PLAIN = frozenset({"unspecified", "left", "right", "bilateral", "site"})


class IcdCoder:
    def __init__(self, index: IcdIndex) -> None:
        self._index = index
        self._refiner = Refiner(index)
        self._rarest = max(index.idf.values(), default=1.0)
        self._ranked_before: dict[tuple[tuple[str, ...], int], list[tuple[str, float]]] = {}

    def concepts(
        self,
        text: str,
        hint: str,
        modifiers: list[str],
        sites: tuple[str, ...] = (),
        before: str = "",
    ) -> list[Concept]:
        """Candidates for a condition, best first; `sites` are the anatomy it is said
        to be in, outside its own text ("cellulitis of the left leg"); `before` the
        words right before it, which may name a more specific condition with it."""
        key, words = self._refiner.split_sides(phrase_key(text), modifiers)
        words += self._refiner.sides_of(sites)
        top, score, wording, course = self._longer(key, phrase_key(before))
        if not top:
            at = list(dict.fromkeys(s for site in sites for w in self._wordings(site) for s in w))
            top, score, wording, course = self._choose(key, hint, words, at)
        if course:
            words = [w for w in words if w != course]  # its code names it already
        if top:
            # A plural picks a "multiple" code but ranks no titles ("enlarged tonsils").
            top = self._refiner.refine(top, words, self._refiner.number(key))
            top = self._with_course(top, wording, words)
            top = self._refiner.sited(top, wording, sites, words, self._rank_widely)
        if not top:
            return []
        query = stems(wording) + stems(" ".join(words))
        ranked = self._rank(query or stems(self._title(top)))
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

    def sited_only(self, text: str, sites: tuple[str, ...], modifiers: list[str]) -> list[Concept]:
        """A code for a condition that names nothing on its own ("nodule") but does
        with its site ("nodule in the right upper lobe": R91.1)."""
        key, words = self._refiner.split_sides(phrase_key(text), modifiers)
        code = self._refiner.named_at_site(key, sites, self._rank)
        if not code:
            return []
        code = self._refiner.refine(code, words)
        return [Concept(CodeSystem.ICD10CM, code, self._title(code), 0.7)]

    def combined(self, code: str, text: str, companion: str, other: str = "") -> str:
        """The code naming a condition together with its cause or complication ("DM2"
        E11.9 with "hyperglycemia": E11.65; "anemia" of "chronic kidney disease": D63.1),
        or "" when no code names both. `other` is the companion's own code, if any."""
        own = set(stems(self._core(code))) | set(stems(text))
        # Its rarest word, not a generic one: "Alzheimer's disease" with agitation is no
        # "Dementia in other diseases ... with agitation".
        idf = self._index.idf
        heads = set(sorted(own, key=lambda w: -idf.get(w, self._rarest))[:1])
        said = set(stems(self._rewrite(phrase_key(companion))))
        needs = [n for n in (said, set(stems(self._core(other))) if other else set()) if n]
        named = set().union(*needs)
        mentioned = own | named | _PLAIN
        best, best_score = "", 0.0
        for candidate, score in self._rank(list(own | named), 20):
            words = set(self._index.stems[candidate])
            if candidate == code or not any(n <= words for n in needs):
                continue
            if candidate[:3] != code[:3] and not heads & words:
                continue
            # What each "with" adds is the companion or was said: "GERD with
            # esophagitis, without bleeding", not "... with esophagitis, with bleeding".
            tails = self._refiner.with_tails(candidate)
            if any(not t & named and not t <= mentioned for t in tails):
                continue
            score += 0.1 * ("unspecified" in words)  # the plain code of its kind
            if score > best_score:
                best, best_score = candidate, score
        return best

    def _core(self, code: str) -> str:
        """A title without its qualifiers: "Type 2 diabetes mellitus without complications"
        -> "Type 2 diabetes mellitus"."""
        title = self._title(code).lower()
        for cut in (",", " with ", " without ", " ("):
            title = title.split(cut)[0]
        return title.removeprefix("unspecified ")

    def concept(self, code: str, score: float) -> Concept:
        return Concept(CodeSystem.ICD10CM, code, self._title(code), score)

    def _title(self, code: str) -> str:
        return self._index.titles.get(code, ("", False))[0]

    def _choose(
        self, key: str, hint: str, words: list[str], at: list[str]
    ) -> tuple[str, float, str, str]:
        """The code the condition's words name, its score, the wording that named it and
        the course word it used: for a known condition, the code of its words with their
        course ("chronic sinusitis"), else its reviewed code or exact title; for another,
        the best-ranked title of its words or of their title wording ("esophageal
        cancer" as "esophagus malignant neoplasm")."""
        phrases = list(dict.fromkeys((key, self._rewrite(key))))
        for phrase in phrases:
            known = hint if phrase == key and hint in self._index.titles else ""
            exact = self._exact(phrase)
            if known or exact:
                for course in self._refiner.courses(words):
                    code = self._exact(f"{course} {phrase}")
                    if code:
                        return code, 0.85, phrase, course
                return (known, 0.9, phrase, "") if known else (exact, 0.85, phrase, "")
        # Its site ranks the titles first: a "laceration" of the scalp, not of the lung;
        # without it when no title names the site too ("dysarthria" with facial weakness).
        for site in dict.fromkeys((tuple(at), ())):
            ranked = [(*self._ranked(phrase, words, list(site)), phrase) for phrase in phrases]
            code, score, phrase = max(ranked, key=lambda r: r[1])
            if code:
                return code, score, phrase, ""
        return "", 0.0, key, ""

    def _wordings(self, site: str) -> list[frozenset[str]]:
        return self._refiner.wordings(site)

    def _longer(self, key: str, before: str) -> tuple[str, float, str, str]:
        """The code of the condition with the words before it, when they name one
        ("postablative hypothyroidism": E89.0, "intramural fibroids": D25.1)."""
        words = before.split()
        for start in range(len(words)):
            phrase = " ".join([*words[start:], key])
            for wording in dict.fromkeys((phrase, self._rewrite(phrase))):
                code = self._exact(wording)
                if code:
                    return code, 0.85, wording, ""
        return "", 0.0, key, ""

    def _exact(self, key: str) -> str:
        words = key.split()
        if not words:
            return ""
        found = self._index.exact.get(key)
        if found is None:
            found = self._index.exact.get(" ".join([*words[:-1], singular(words[-1])]))
        if found is None and len(words) == 2:
            # An exam finding puts its adjective last ("prostate enlarged"), a title first.
            found = self._index.exact.get(f"{words[1]} {words[0]}")
        return found or ""

    def _ranked(self, key: str, words: list[str], at: list[str]) -> tuple[str, float]:
        """The best-ranked code that names the condition's head word: "excessive daytime
        sleepiness" is no "jaundice due to excessive hemolysis"."""
        head = stems(key)[-1:]
        for code, score in self._rank(stems(key) + stems(" ".join(words)) + at):
            if set(head) <= set(self._index.stems.get(code, ())):
                return (code, min(0.8, score)) if score >= _MIN_RANKED else ("", 0.0)
        return "", 0.0

    def _rewrite(self, key: str) -> str:
        """The phrase in the words ICD-10-CM titles use ("esophageal cancer" ->
        "esophagus malignant neoplasm"), longest note wording first."""
        synonyms = self._index.synonyms
        words = key.split()
        out: list[str] = []
        i = 0
        while i < len(words):
            for j in range(min(len(words), i + 3), i, -1):
                found = synonyms.get(" ".join(words[i:j]))
                if found:
                    out.append(found)
                    i = j
                    break
            else:
                out.append(words[i])
                i += 1
        return " ".join(out)

    def _with_course(self, code: str, wording: str, words: list[str]) -> str:
        """A code that names the condition's course when its own code does not, even in
        another category ("chronic hepatitis C": B18.2, not B19.20)."""
        title = set(self._index.stems.get(code, ()))
        own = set(stems(wording))
        for course in self._refiner.courses(words):
            wanted = own | set(stems(course))
            if wanted <= title or self._exact(f"{course} {wording}"):
                return code
            for candidate, score in self._rank([*own, *stems(course)]):
                words_of_code = set(self._index.stems[candidate])
                # At most one word more than asked for: "Chronic viral hepatitis C", not
                # "Acute serous otitis media" for an acute otitis media.
                extra = words_of_code - wanted - _PLAIN
                if score >= _MIN_RANKED and wanted <= words_of_code and len(extra) <= 1:
                    return candidate
        return code

    def _rank_widely(self, query: list[str]) -> list[tuple[str, float]]:
        return self._rank(query, limit=50)

    def _rank(self, query: list[str], limit: int = _CANDIDATES) -> list[tuple[str, float]]:
        """Codes by the (rare) words their titles share with the query, best first; the
        same conditions come back note after note, so rankings are kept."""
        key = (tuple(query), limit)
        ranked = self._ranked_before.get(key)
        if ranked is None:
            if len(self._ranked_before) >= _KEPT_RANKINGS:
                self._ranked_before.clear()
            ranked = self._ranked_before[key] = self._score(query, limit)
        return list(ranked)

    def _score(self, query: list[str], limit: int) -> list[tuple[str, float]]:
        idf = self._index.idf
        words = list(dict.fromkeys(query))
        terms = [q for q in words if q in idf]
        if not terms:
            return []
        # A word no title has is the rarest of all: a code that misses it covers little
        # of the condition ("graves disease" is no "Legionnaires' disease").
        total = sum(idf[t] for t in terms) + self._rarest * (len(words) - len(terms))
        rare = sorted(terms, key=lambda t: -idf[t])[:3]
        candidates: set[str] = set()
        for term in rare:
            postings = self._index.postings.get(term, ())
            if len(postings) <= _MAX_POSTINGS:
                candidates.update(postings)
        scored = []
        for code in candidates:
            words_of_code = self._index.stems[code]
            matched = [t for t in terms if t in words_of_code]
            coverage = sum(idf[t] for t in matched) / total
            precision = len(matched) / max(1, len(words_of_code))
            bonus = 0.05 if "unspecified" in words_of_code else 0.0
            unlikely = set(_UNLIKELY.intersection(words_of_code).difference(terms))
            if "initial" in words_of_code:
                unlikely.discard("encounter")  # an injury's first visit is the usual one
            bonus -= 0.15 * len(unlikely)
            added = self._refiner.complications(code)
            if added and not added.intersection(terms):
                bonus -= 0.15  # "ventral hernia with gangrene" for a plain "hernia"
            scored.append((code, 0.7 * coverage + 0.3 * precision + bonus))
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored[:limit]
