"""Medication attributes from the words after a drug name (and a route just before it):
DOSAGE, STRENGTH, ROUTE_OR_MODE, FREQUENCY, DURATION, FORM and RATE."""

from __future__ import annotations

from dataclasses import dataclass

from meddoc.local.medical.text import Token
from meddoc.local.medical.vocabulary import LanguageRules

_NUMBER_WORDS = frozenset(
    [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "half",
        "un",
        "una",
        "uno",
        "dos",
        "tres",
        "cuatro",
    ]
)
_INTERVAL_UNITS = frozenset(
    [
        "hours",
        "hour",
        "hrs",
        "hr",
        "h",
        "minutes",
        "minute",
        "min",
        "mins",
        "days",
        "day",
        "weeks",
        "week",
        "months",
        "month",
        "horas",
        "hora",
        "minutos",
        "dias",
        "semanas",
        "meses",
    ]
)
_EVERY = frozenset({"every", "q", "cada", "each"})
_DURATION_LEAD = frozenset({"for", "x", "durante", "por"})
_DURATION_SKIP = frozenset({"the", "next", "another", "los", "las", "proximos"})
_RATE_TIME = frozenset({"hr", "h", "hour", "min", "hora"})
_MAX_PHRASE = 5


@dataclass(frozen=True, slots=True)
class Found:
    type: str
    first: int  # token indices, last exclusive
    last: int


def _is_number(token: Token) -> bool:
    return token.norm[0].isdigit() or token.norm in _NUMBER_WORDS


def _phrase(tokens: list[Token], k: int, end: int, rules: LanguageRules, kind: str) -> int:
    """Index after the longest attribute-word phrase of `kind` starting at k, or k."""
    for j in range(min(end, k + _MAX_PHRASE), k, -1):
        key = " ".join(t.norm for t in tokens[k:j])
        if kind in rules.attribute_words.get(key, ()):
            return j
    return k


def _amount(tokens: list[Token], k: int, end: int, rules: LanguageRules) -> tuple[int, str]:
    """(index after, kind) of a number with a unit at k: kind is amount, count,
    concentration, percent or rate; (k, "") when there is none."""
    if not _is_number(tokens[k]):
        return k, ""
    j = k + 1
    if j + 1 < end and tokens[j].norm in ("/", "-", "to", "and") and _is_number(tokens[j + 1]):
        j += 2  # "875/125 mg", "1-2 tabs"
        if j + 1 < end and tokens[j].norm == "/" and _is_number(tokens[j + 1]):
            j += 2  # "1 and 1 / 2 tabs"
    if j < end and tokens[j].norm == "%":
        return j + 1, "percent"
    unit_end = _phrase(tokens, j, end, rules, "DOSE_UNIT")
    if unit_end > j:
        if unit_end + 1 < end and tokens[unit_end].norm == "/":
            after = tokens[unit_end + 1]
            if after.norm in _RATE_TIME:
                return unit_end + 2, "rate"
            if _is_number(after) and unit_end + 2 < end:
                tail = _phrase(tokens, unit_end + 2, end, rules, "DOSE_UNIT")
                if tail > unit_end + 2:
                    return tail, "concentration"  # "400 mg/5 mL"
            return k, ""  # "mg/dL": a laboratory value, not a dose
        return unit_end, "amount"
    count_end = _phrase(tokens, j, end, rules, "COUNT_UNIT")
    if count_end > j:
        return count_end, "count"
    return k, ""


def _frequency(tokens: list[Token], k: int, end: int, rules: LanguageRules) -> int:
    j = _phrase(tokens, k, end, rules, "FREQUENCY")
    if j > k:
        return j
    if tokens[k].norm in _EVERY:
        j = k + 1
        if j < end and _is_number(tokens[j]):
            j += 1
            if j + 1 < end and tokens[j].norm in ("-", "to") and _is_number(tokens[j + 1]):
                j += 2
        if j < end and tokens[j].norm in _INTERVAL_UNITS:
            return j + 1
        if j < end and tokens[j].norm == "other":
            return _phrase(tokens, k, end, rules, "FREQUENCY")
    if _is_number(tokens[k]) and k + 1 < end and tokens[k + 1].norm == "times":
        tail = _phrase(tokens, k + 2, end, rules, "FREQUENCY")
        return tail if tail > k + 2 else k
    return k


def _duration(tokens: list[Token], k: int, end: int, rules: LanguageRules) -> tuple[int, int]:
    if tokens[k].norm not in _DURATION_LEAD:
        return k, k
    j = k + 1
    while j < end and tokens[j].norm in _DURATION_SKIP:
        j += 1
    if j >= end or not _is_number(tokens[j]):
        return k, k
    start = j
    j += 1
    if j < end and tokens[j].norm == "more":
        j += 1
    unit_end = _phrase(tokens, j, end, rules, "DURATION_UNIT")
    return (start, unit_end) if unit_end > j else (k, k)


def medication_attributes(
    tokens: list[Token], start: int, end: int, rules: LanguageRules
) -> list[Found]:
    """Attributes in tokens[start:end], the words after a drug name."""
    found: list[Found] = []
    k = start
    while k < end:
        nxt, kind = _amount(tokens, k, end, rules)
        if kind:
            found.append(Found(kind, k, nxt))
            k = nxt
            continue
        d_first, d_last = _duration(tokens, k, end, rules)
        if d_last > d_first:
            found.append(Found("DURATION", d_first, d_last))
            k = d_last
            continue
        for attribute in ("FREQUENCY", "FORM", "ROUTE_OR_MODE"):
            if attribute == "FREQUENCY":
                nxt = _frequency(tokens, k, end, rules)
            else:
                nxt = _phrase(tokens, k, end, rules, attribute)
            if nxt > k:
                found.append(Found(attribute, k, nxt))
                k = nxt
                break
        else:
            if tokens[k].norm == "sliding" and k + 1 < end and tokens[k + 1].norm == "scale":
                found.append(Found("count", k, k + 2))
                k += 2
            else:
                k += 1
    return _finish(_join_frequencies(found))


def _join_frequencies(found: list[Found]) -> list[Found]:
    """ "every 4 hours" + "as needed" is one FREQUENCY, as Comprehend Medical reports it."""
    joined: list[Found] = []
    for item in found:
        if (
            joined
            and item.type == joined[-1].type == "FREQUENCY"
            and item.first == joined[-1].last
        ):
            joined[-1] = Found("FREQUENCY", joined[-1].first, item.last)
        else:
            joined.append(item)
    return joined


def _finish(found: list[Found]) -> list[Found]:
    """Amounts are the DOSAGE unless a count ("1 capsule", "2 puffs") or a volume after a
    concentration gives the dose; then they are the STRENGTH."""
    has_count = any(f.type == "count" for f in found)
    has_concentration = any(f.type == "concentration" for f in found)
    result = []
    for item in found:
        kind = item.type
        if kind in ("percent", "concentration"):
            kind = "STRENGTH"
        elif kind == "count":
            kind = "DOSAGE"
        elif kind == "rate":
            kind = "RATE"
        elif kind == "amount":
            kind = "STRENGTH" if has_count else "DOSAGE"
            if has_concentration and not has_count:
                kind = "DOSAGE"
        result.append(Found(kind, item.first, item.last))
    return result


def route_before(tokens: list[Token], first: int, rules: LanguageRules) -> Found | None:
    """ "Infuse Sodium Chloride", "oral potassium": a route right before the drug."""
    for width in (2, 1):
        k = first - width
        if k >= 0 and _phrase(tokens, k, first, rules, "ROUTE_OR_MODE") == first:
            return Found("ROUTE_OR_MODE", k, first)
    return None
