"""Moving from a condition's code to a more specific one of the same kind: by its side,
course, severity or stage ("chronic migraine", "otalgia, right ear", "CKD stage 3b") and
by the site it is in ("cellulitis of the left leg": L03.116)."""

from __future__ import annotations

from collections.abc import Callable
from difflib import SequenceMatcher

from meddoc.local.medical.icd_tables import stems
from meddoc.local.medical.text import phrase_key, singular
from meddoc.local.medical.vocabulary import IcdIndex

_SIDE_WORDS = frozenset({"left", "right", "bilateral"})
_HARMLESS = frozenset({"unspecified", "region", "part", "site", "low", "area"})
# The defaults an injury's title spells out ("Laceration without foreign body of scalp,
# initial encounter"; "... initial encounter for closed fracture").
# The default forms a title names a condition by ("Idiopathic gout, left ankle and foot",
# "Unilateral primary osteoarthritis, right knee"), and the defaults an injury's title
# spells out ("Laceration without foreign body of scalp, initial encounter").
_DEFAULT_FORMS = frozenset(
    {"idiopathic", "primary", "unilateral", "without", "foreign", "body", "initial"}
    | {"encounter", "closed"}
)
_SIDE_PLACES = frozenset({"eye", "ear", "side"})  # "unspecified eye" becomes "left eye"
# Title words that add nothing to a condition's name: "Pain, unspecified" says no more than
# "pain", so the site may pick a code elsewhere ("Pain in right hip").
_GENERIC = frozenset(
    {"unspecified", "site", "nonspecific", "other", "part", "body", "region", "injury"}
    | {"initial", "encounter"}
)
# A condition at a named site that no code names is "localized", not "generalized"
# ("axillary lymphadenopathy": R59.0). An "unspecified" one stays unspecified: the
# corpus codes "edema of the lower extremities" R60.9, like Comprehend Medical.
_SPREAD = "generalized"

Ranker = Callable[[list[str]], list[tuple[str, float]]]


class Refiner:
    def __init__(self, index: IcdIndex) -> None:
        self._index = index
        self._leaves: dict[str, list[str]] = {}  # 3-character category: billable codes
        self._tails: dict[str, frozenset[str]] = {}

    # --- the condition's own words ----------------------------------------------------

    def split_sides(self, key: str, modifiers: list[str]) -> tuple[str, list[str]]:
        """The condition's key without a leading side word, which joins the modifiers
        ("bilateral hearing loss" is "hearing loss" on both sides)."""
        words = [phrase_key(m) for m in modifiers if m.strip()]
        parts = key.split()
        while len(parts) > 1 and self._side(parts[0]):
            words.append(parts.pop(0))
        # Paired organs named in the plural are both sides ("dry eyes").
        words += [w for w in parts[1:] if len(w) > 2 and self._side(w)]
        return " ".join(parts), words

    def sides_of(self, sites: tuple[str, ...]) -> list[str]:
        """Side words the condition's sites give ("ringing in the ears")."""
        return [w for s in sites for w in phrase_key(s).split() if len(w) > 2 and self._side(w)]

    def number(self, key: str) -> tuple[str, ...]:
        """ "multiple" and the head word for a condition named in the plural: a sibling
        with both is "Multiple fractures of ribs" (S22.4-) for "rib fractures", none is
        "Secondary multiple arthritis" for "Heberden nodes"."""
        last = key.split()[-1:] if key else []
        if not last or singular(last[0]) == last[0]:
            return ()
        return ("multiple", singular(last[0]))

    def courses(self, words: list[str]) -> list[str]:
        return [w for w in words if "acuity" in self._role(w)[0]]

    def refine(self, code: str, words: list[str], number: tuple[str, ...] = ()) -> str:
        side = next((self._side(w) for w in words if self._side(w)), "")
        refiners = [s for w in words if "refine" in self._role(w)[0] for s in stems(w)]
        if "stage" in words or "class" in words:
            # "3 b" as a phrase key is "3b" in a title's words ("stage 3b")
            numbers = [w.replace(" ", "") for w in words if w[:1].isdigit()]
            refiners += [w for w in words if w in ("stage", "class")] + numbers
        counted = self._specific(code, [*refiners, *number]) if number else code
        if counted != code:
            code = counted
        elif refiners:
            code = self._specific(code, refiners)
        if side:
            code = self._lateral(code, side)
        return self._encounter(code, words)

    def _encounter(self, code: str, words: list[str]) -> str:
        """An injury's code for its visit: the first one (A) unless the note says it is a
        later one ("s/p ORIF": D)."""
        if len(code) != 8 or code[-1] not in "ADS":
            return code
        visit = next((self._role(w)[1] for w in words if self._role(w)[0] == "encounter"), "A")
        candidate = code[:-1] + visit
        return candidate if candidate in self._index.titles else code

    def _role(self, word: str) -> tuple[str, str]:
        return self._index.modifiers.get(word, ("", ""))

    def _side(self, word: str) -> str:
        role, value = self._role(word)
        return value if role == "side" else ""

    # --- siblings ---------------------------------------------------------------------

    def siblings(self, prefix: str) -> list[str]:
        if not self._leaves:
            for code, (_, leaf) in self._index.titles.items():
                if leaf:
                    self._leaves.setdefault(code[:3], []).append(code)
        return [c for c in self._leaves.get(prefix[:3], ()) if c.startswith(prefix)]

    def complications(self, code: str) -> frozenset[str]:
        """Stems of what a title adds after "with" ("... with macular edema")."""
        if code not in self._tails:
            title = self._index.titles.get(code, ("", False))[0]
            _, found, tail = title.lower().partition(" with ")
            self._tails[code] = frozenset(stems(tail)) if found else frozenset()
        return self._tails[code]

    def with_tails(self, code: str) -> list[frozenset[str]]:
        """Stems of each thing a title adds with "with" ("... with esophagitis, with
        bleeding": esophagitis; bleeding)."""
        title = self._index.titles.get(code, ("", False))[0].lower()
        tails = [part.split(",")[0].split(" without ")[0] for part in title.split(" with ")[1:]]
        return [frozenset(stems(tail)) for tail in tails]

    def _specific(self, code: str, refiners: list[str]) -> str:
        base = set(self._index.stems.get(code, ()))
        base_title = self._index.titles[code][0].lower()
        best, best_score = code, -1.0
        for candidate in self.siblings(code[:3]):
            words = set(self._index.stems[candidate])
            if not all(singular(r) in words for r in refiners):
                continue
            score = len(words & base) - 0.3 * len(words - base - set(refiners))
            added = self.complications(candidate)
            if added and not added <= base | set(refiners):
                score -= 1.0  # "severe with psychotic symptoms" needs those symptoms said
            # Among equals, the title closest to the original's wording ("without status
            # migrainosus" rather than "with").
            title = self._index.titles[candidate][0].lower()
            score += 0.5 * SequenceMatcher(None, base_title, title).ratio()
            if score > best_score:
                best, best_score = candidate, score
        return best

    def _lateral(self, code: str, side: str) -> str:
        """The same title with the side filled in ("Otalgia, unspecified ear" -> "Otalgia,
        right ear"); never a code that adds a site the note did not give."""
        if "unspecified" not in self._index.titles[code][0].lower():
            return code
        base = set(self._index.stems.get(code, ()))
        keep = base - _SIDE_WORDS - _SIDE_PLACES
        best, fewest = code, 1
        for candidate in self.siblings(code[:3]):
            words = set(self._index.stems[candidate])
            if side in words and keep - {"unspecified"} <= words:
                extra = len(words - base - {side})
                if extra < fewest or (extra == fewest and "unspecified" in words):
                    best, fewest = candidate, extra
        return best

    # --- sites ------------------------------------------------------------------------

    def wordings(self, site: str) -> list[frozenset[str]]:
        """The stem sets an ICD title may name a site by ("leg": lower leg, lower limb)."""
        key = phrase_key(site)
        head = key.split()[-1] if key else ""  # "left lower leg" is worded as a leg is
        words = self._index.site_words
        wordings = (key, *words.get(key, ()), *words.get(head, ()))
        return [frozenset(stems(w)) for w in dict.fromkeys(wordings)]

    def sited(
        self, code: str, text: str, sites: tuple[str, ...], words: list[str], rank: Ranker
    ) -> str:
        """The code that also names the condition's site: first in the code's own
        category ("Cellulitis of left lower limb"), then, for a condition whose code
        says nothing beyond its name ("Pain, unspecified"), anywhere; else its
        "localized" sibling."""
        if not sites:
            return code
        wordings = [self.wordings(s) for s in sites]
        side = next((self._side(w) for w in words if self._side(w)), "")
        base = set(self._index.stems.get(code, ()))
        # The code's own words stay: "Cellulitis, unspecified" may become "Cellulitis of
        # left lower limb", "Other visual disturbances" not "Visual discomfort, left eye".
        need = base - _GENERIC - _SIDE_WORDS
        best = self._best_sited(self.siblings(code[:3]), base, wordings, side, need)
        if best:
            return best
        own = set(stems(text))
        if not base - own - _GENERIC:
            # One query per wording: all at once, "lower limb ankle foot" finds burns.
            found: set[str] = set()
            for wording in {w for site in wordings for w in site}:
                found.update(c for c, _ in rank([*own, *wording, *([side] if side else [])]))
            candidates = sorted(found)
            anywhere = self._best_sited(candidates, own, wordings, side, need=own)
            if anywhere:
                return anywhere
        return self._localized(code, base)

    def _localized(self, code: str, base: set[str]) -> str:
        if _SPREAD not in base:
            return code
        need = base - {_SPREAD} - _GENERIC
        for candidate in self.siblings(code[:3]):
            words = set(self._index.stems[candidate])
            if "localized" in words and need <= words and not words - need - {"localized"}:
                return candidate
        return code

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
            # The fullest wording it uses: "ankle and foot" rather than "foot".
            named = max((w for site in sites for w in site if w <= words), key=len, default=None)
            if named is None or not need <= words or (side in base and side not in words):
                continue
            if words - base - named - _SIDE_WORDS - _HARMLESS - _DEFAULT_FORMS:
                continue  # another condition at that site ("traumatic cataract"), not this one
            score = len(words & base) + 0.5 * ("unspecified" in words)
            if side:  # the side when a code has it, and never the other side
                score += 2.0 if side in words else -2.0 * bool(words & _SIDE_WORDS)
            elif words & _SIDE_WORDS - base:
                score -= 1.0  # no side said: not a sided code ("right lower extremity")
            if score > best_score:
                best, best_score = candidate, score
        return best

    def named_at_site(self, key: str, sites: tuple[str, ...], rank: Ranker) -> str:
        """The best-ranked code naming both the condition's head word and its site."""
        head = set(stems(key)[-1:])
        wordings = [w for s in sites for w in self.wordings(s)]
        if not head or not wordings:
            return ""
        query = [*stems(key), *(stem for w in wordings for stem in w)]
        for code, _ in rank(query):
            words = set(self._index.stems[code])
            if head <= words and any(w <= words for w in wordings):
                return code
        return ""
