"""Person names: given-name and surname lists (the US census lists shipped by the `names`
package, plus curated Spanish names), titles, credentials and the name-token grammar."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

from meddoc.local.phi_patterns import Finding, Kind

_UPPER = "A-ZÁÉÍÓÚÑÜÀÈÌÒÙÇ"
_LOWER = "a-záéíóúñüàèìòùç"
# One name word: Title-case (with O'Neil, Smith-Jones), ALL CAPS (O'BRIEN), or an initial.
NAME_WORD = (
    rf"(?:[{_UPPER}]['\u2019][{_UPPER}]?[{_LOWER}]+|[{_UPPER}]['\u2019][{_UPPER}]{{2,}}"
    rf"|Mc[{_UPPER}][{_LOWER}]+"
    rf"|[{_UPPER}][{_LOWER}]+(?:[-'\u2019][{_UPPER}]?[{_LOWER}]+)*"
    rf"|[{_UPPER}]{{2,}}(?:[-'\u2019][{_UPPER}]+)*"
    rf"|[{_UPPER}]\.(?=\s)|[{_UPPER}](?=[ \t]+[{_UPPER}][{_LOWER}{_UPPER}]))"
)
PARTICLE = r"(?:de|del|de la|de los|la|van|von|da|di|dos|le|y|DE|DEL|DE LA|Y)"
_NAME_RUN = re.compile(rf"{NAME_WORD}(?:[ \t]+(?:{PARTICLE}[ \t]+)?{NAME_WORD}){{0,5}}")
_TITLE = re.compile(
    r"\b(?:(?i:dr|dra|dres|doctor|doctora|lic|licda|prof)\.?|Mr\.?|Mrs\.?|Ms\.?|Mx\.?|Miss"
    r"|Sr\.|Sra\.?|Srta\.?|SR\.|SRA\.|Don|Doña)[ \t]+"
)
CREDENTIAL = (
    r"(?:MD|M\.D\.|DO|D\.O\.|NP|FNP|DNP|PA-C|PA|RN|LPN|PhD|DDS|DMD|PharmD|MBBS|MPH|FACP"
    r"|FAAFP)"
)
_CREDENTIALED = re.compile(rf"({NAME_WORD}(?:[ \t]+{NAME_WORD}){{1,3}}),?[ \t]+{CREDENTIAL}\b")
_RELATIVE = re.compile(
    r"\b(?:husband|wife|son|daughter|mother|father|brother|sister|partner|spouse|friend"
    r"|boyfriend|girlfriend|fiancée?|roommate|neighbou?r|esposo|esposa|marido|hijo|hija"
    r"|madre|padre|hermano|hermana|pareja|abuela|abuelo|novio|novia|amigo|amiga|vecino"
    r"|vecina|compañero|compañera)(?:[ \t]+de[ \t]+piso)?"
    rf",?[ \t]+({NAME_WORD}(?:[ \t]+{NAME_WORD}){{0,2}})"
)
_SURNAME_FIRST = re.compile(
    rf"\b({NAME_WORD}(?:[ \t]+{NAME_WORD})?),[ \t]*({NAME_WORD}(?:[ \t]+{NAME_WORD}){{0,2}})"
    rf"(?:[ \t]+[{_UPPER}]\b)?"
)

_NAME_VALUE = re.compile(_SURNAME_FIRST.pattern.removeprefix(r"\b") + "|" + _NAME_RUN.pattern)


def fold(word: str) -> str:
    """Lower case without accents, for list look-ups."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _data_lines(package: str, name: str) -> list[str]:
    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def _census(name: str) -> set[str]:
    text = resources.files("names").joinpath(name).read_text(encoding="utf-8")
    # the census lists are plain ASCII capitals: lower() is their fold()
    return {line.split(maxsplit=1)[0].lower() for line in text.splitlines() if line.strip()}


@dataclass(frozen=True, slots=True)
class NameLists:
    first: frozenset[str]
    last: frozenset[str]
    not_names: frozenset[str]

    def is_first(self, word: str) -> bool:
        key = fold(word)
        return key in self.first and key not in self.not_names

    def is_last(self, word: str) -> bool:
        key = fold(word)
        return key in self.last and key not in self.not_names

    def is_word(self, word: str) -> bool:
        """A common word; a lone capital is an initial, not the article 'A'."""
        if len(word.rstrip(".")) == 1 and word[0].isupper():
            return False
        return fold(word.rstrip(".")) in self.not_names


@cache
def name_lists() -> NameLists:
    data = "meddoc.local.phi_data"
    first = _census("dist.male.first") | _census("dist.female.first")
    first |= {fold(n) for n in _data_lines(data, "first_names_es.txt")}
    return NameLists(
        first=frozenset(first),
        last=frozenset(_census("dist.all.last")),
        not_names=frozenset(fold(n) for n in _data_lines(data, "not_names.txt")),
    )


def _words(text: str, begin: int, end: int) -> list[tuple[int, int]]:
    return [(begin + m.start(), begin + m.end()) for m in re.finditer(r"\S+", text[begin:end])]


def trim_name(text: str, begin: int, end: int, lists: NameLists) -> tuple[int, int] | None:
    """The span without leading form words and trailing credentials, or None when what
    is left does not look like a name."""
    words = _words(text, begin, end)
    while words and lists.is_word(text[words[0][0] : words[0][1]]):
        words.pop(0)
    while words and _trailing_noise(text[words[-1][0] : words[-1][1]], lists):
        words.pop()
    if not words:
        return None
    b, e = words[0][0], words[-1][1]
    while e > b and text[e - 1] in ",;:":
        e -= 1
    if e - b < 2 or not any(c.islower() or c.isupper() for c in text[b:e]):
        return None
    return b, e


def _trailing_noise(word: str, lists: NameLists) -> bool:
    """A credential, particle or common word closing a name; an initial is no noise."""
    if re.fullmatch(rf"[{_UPPER}]\.?", word):
        return False
    return bool(
        re.fullmatch(CREDENTIAL + r",?", word)
        or lists.is_word(word)
        or re.fullmatch(PARTICLE, word)
    )


def name_at(text: str, begin: int, end: int, lists: NameLists) -> tuple[int, int] | None:
    """The name that starts the stretch text[begin:end] (after an optional title), in
    'First Last' or 'LAST, FIRST M' form."""
    title = _TITLE.match(text, begin, end)
    if title:
        begin = title.end()
    match = _NAME_VALUE.match(text, begin, end)
    if not match:
        return None
    return trim_name(text, match.start(), match.end(), lists)


def find_names(text: str, lists: NameLists) -> Iterator[Finding]:
    """Names known by a title, a credential, a relative's mention or the name lists."""
    for match in _TITLE.finditer(text):
        run = _NAME_RUN.match(text, match.end())
        if run:
            span = trim_name(text, run.start(), run.end(), lists)
            if span:
                yield Finding(Kind.NAME, *span, 0.85, 48)
    for match in _CREDENTIALED.finditer(text):
        span = trim_name(text, match.start(1), match.end(1), lists)
        if span:
            yield Finding(Kind.NAME, *span, 0.85, 47)
    for match in _RELATIVE.finditer(text):
        if lists.is_first(match.group(1).split()[0]):
            yield from _listed_run(text, match.start(1), match.end(1), lists, single=True)
    for match in _SURNAME_FIRST.finditer(text):
        last, first = match.group(1).split(), match.group(2).split()
        if lists.is_last(last[-1]) and lists.is_first(first[0]):
            yield Finding(Kind.NAME, match.start(), match.end(), 0.7, 35)
    for match in _NAME_RUN.finditer(text):
        yield from _listed_run(text, match.start(), match.end(), lists, single=False)


def _listed_run(
    text: str, begin: int, end: int, lists: NameLists, *, single: bool
) -> Iterator[Finding]:
    """The longest stretch of a run of capitalized words that starts with a given name and
    ends with a surname (or a given name): 'Patient Carlos Salazar' -> 'Carlos Salazar'."""
    words = _words(text, begin, end)
    tokens = [text[b:e] for b, e in words]
    for i, token in enumerate(tokens):
        if not lists.is_first(token):
            continue
        for j in range(len(tokens) - 1, i - 1 if single else i, -1):
            inner = tokens[i : j + 1]
            if any(lists.is_word(t) for t in inner):
                continue
            if j == i or lists.is_last(tokens[j]) or lists.is_first(tokens[j]):
                yield Finding(Kind.NAME, words[i][0], words[j][1], 0.7, 30)
                return


def propagate_names(text: str, found: list[Finding], lists: NameLists) -> Iterator[Finding]:
    """Other mentions of a word already found inside a name ('Mr. Baker' -> 'Baker')."""
    known = {
        word
        for f in found
        if f.kind is Kind.NAME
        for word in re.findall(rf"[{_UPPER}{_LOWER}'\u2019-]{{3,}}", text[f.begin : f.end])
        if not lists.is_word(word) and not re.fullmatch(PARTICLE, word)
    }
    if not known:
        return
    alternation = "|".join(re.escape(w) for w in sorted(known, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w'\u2019-])(?:{alternation})(?![\w'\u2019-])", re.IGNORECASE)
    for match in pattern.finditer(text):
        if match.group()[0].isupper():
            yield Finding(Kind.NAME, match.start(), match.end(), 0.6, 20)
