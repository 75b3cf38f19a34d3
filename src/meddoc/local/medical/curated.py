"""Readers of the reviewed hand lists in data/*.tsv: curated terms per language, and the
rules (cues, sections, attribute words, findings) the engine applies."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from importlib import resources

from meddoc.local.medical.text import normalize, phrase_key
from meddoc.local.medical.vocabulary import DATA_PACKAGE, Cue, LanguageRules, TermEntry

LANGUAGES = ("en", "es")
CONDITION = "MEDICAL_CONDITION"
TTP = "TEST_TREATMENT_PROCEDURE"


def rows(name: str) -> Iterator[list[str]]:
    """Tab-separated rows of a data file, without comments and blank lines."""
    text = (
        resources.files(DATA_PACKAGE).joinpath("data").joinpath(name).read_text(encoding="utf-8")
    )
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            yield [cell.strip() for cell in line.split("\t")]


def curated_terms() -> dict[str, list[tuple[str, TermEntry]]]:
    """(phrase key, entry) pairs per language from the curated term lists."""
    terms: dict[str, list[tuple[str, TermEntry]]] = defaultdict(list)
    en = terms["en"]
    for term, code, trait in rows("conditions_en.tsv"):
        en.append((phrase_key(term), TermEntry(CONDITION, "DX_NAME", code, trait, "curated")))
    for (term,) in rows("anatomy_en.tsv"):
        en.append((phrase_key(term), TermEntry("ANATOMY", "SYSTEM_ORGAN_SITE", "", "", "curated")))
    for term, needs_value in rows("tests_en.tsv"):
        entry = TermEntry(TTP, "TEST_NAME", "", "", "curated", needs_value == "1")
        en.append((phrase_key(term), entry))
    for term, kind in rows("treatments_en.tsv"):
        en.append((phrase_key(term), TermEntry(TTP, kind, "", "", "curated")))
    for term, kind in rows("medications_en.tsv"):
        en.append((phrase_key(term), TermEntry("MEDICATION", kind, "", "", "curated")))
    for row in rows("terms_es.tsv"):
        term, category, kind = row[:3]
        code = row[3] if len(row) > 3 else ""
        trait = row[4] if len(row) > 4 else ""
        terms["es"].append((phrase_key(term), TermEntry(category, kind, code, trait, "curated")))
    return terms


def icd_site_words() -> dict[str, tuple[str, ...]]:
    """Site phrase key -> the wordings ICD-10-CM titles use for it."""
    wordings: dict[str, list[str]] = defaultdict(list)
    for site, wording in rows("icd_sites.tsv"):
        wordings[phrase_key(site)].append(phrase_key(wording))
    return {site: tuple(w) for site, w in wordings.items()}


def icd_synonyms() -> dict[str, str]:
    """Note wording (phrase key) -> the wording ICD-10-CM titles use for it."""
    return {phrase_key(note): phrase_key(icd) for note, icd in rows("icd_synonyms.tsv")}


def icd_modifiers() -> dict[str, tuple[str, str]]:
    """Modifier phrase key -> (roles, value): the coder's side, refine, acuity and
    encounter words."""
    return {
        phrase_key(row[0]): (row[1], row[2] if len(row) > 2 else "")
        for row in rows("icd_modifiers.tsv")
    }


def icd_links() -> dict[str, str]:
    """Link phrase key -> role: words that tie a condition to a cause or complication."""
    return {phrase_key(phrase): role for phrase, role in rows("icd_links.tsv")}


def blocklist() -> set[tuple[str, str]]:
    return {(category, phrase_key(term)) for category, term in rows("blocklist.tsv")}


def keep_whole() -> dict[str, set[str]]:
    kept: dict[str, set[str]] = defaultdict(set)
    for language, term in rows("keep_whole.tsv"):
        kept[language].add(phrase_key(term))
    return kept


def language_rules() -> dict[str, LanguageRules]:
    cues: dict[str, list[Cue]] = defaultdict(list)
    for language, cue, trait, direction in rows("context_cues.tsv"):
        cues[language].append(Cue(phrase_key(cue), trait, direction))
    sections: dict[str, dict[str, str]] = defaultdict(dict)
    for language, header, kind in rows("sections.tsv"):
        sections[language][phrase_key(header)] = kind
    words: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for language, kind, phrase in rows("attribute_words.tsv"):
        words[language][phrase_key(phrase)].add(kind)
    findings: dict[tuple[str, str], set[str]] = defaultdict(set)
    for language, role, word in rows("findings.tsv"):
        findings[(language, role)].add(phrase_key(word))
    heads: dict[str, dict[str, str]] = defaultdict(dict)
    suffixes: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in rows("phrase_rules.tsv"):
        language, kind, word = row[:3]
        if kind == "ttp_head":
            heads[language][phrase_key(word)] = row[3]
        elif kind == "suffix":
            suffixes[language].append((normalize(word), row[3]))
        else:
            findings[(language, kind)].add(normalize(word))
    capitals: dict[str, set[str]] = defaultdict(set)
    for language, term in rows("capitals_only.tsv"):
        capitals[language].add(phrase_key(term))
    return {
        language: LanguageRules(
            cues=tuple(sorted(cues[language], key=lambda c: -len(c.words))),
            sections=dict(sections[language]),
            attribute_words={k: frozenset(v) for k, v in words[language].items()},
            exam_adjectives=frozenset(findings[(language, "exam_adjective")]),
            finding_heads=frozenset(findings[(language, "head")]),
            ttp_heads=heads[language],
            modifier_stopwords=frozenset(findings[(language, "stopword")]),
            suffixes=tuple(suffixes[language]),
            capitals_only=frozenset(capitals[language]),
        )
        for language in LANGUAGES
    }


def acuity_words(rules: dict[str, LanguageRules]) -> dict[str, set[str]]:
    return {
        language: {k for k, kinds in r.attribute_words.items() if "ACUITY" in kinds}
        for language, r in rules.items()
    }
