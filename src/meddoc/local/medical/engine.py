"""LocalMedicalAnalyzer: the offline MedicalAnalyzer. It fills the shared model the way
Comprehend Medical DetectEntitiesV2 + InferICD10CM do, from compiled vocabularies."""

from __future__ import annotations

from pathlib import Path

from meddoc.local.medical import attributes as attrs
from meddoc.local.medical.combinations import pairs
from meddoc.local.medical.context import find_cues, traits_for
from meddoc.local.medical.dosage import medication_attributes, route_before
from meddoc.local.medical.icd10 import IcdCoder
from meddoc.local.medical.matcher import (
    ANATOMY,
    CONDITION,
    MEDICATION,
    TTP,
    Mention,
    finding_mentions,
    rule_mentions,
    vocabulary_mentions,
)
from meddoc.local.medical.overlaps import resolve
from meddoc.local.medical.qualifiers import before, encounter, qualifiers, stage
from meddoc.local.medical.sections import find_sections
from meddoc.local.medical.text import Segmenter, Token, tokenize, unwrap
from meddoc.local.medical.vocabulary import NO_CODE, Vocabulary, load_vocabulary
from meddoc.model import (
    Attribute,
    Category,
    CodeSystem,
    Coding,
    CodingState,
    Engine,
    MedicalAnalysis,
    MedicalEntity,
    Trait,
)

ENGINE_NAME = "meddoc-local-medical"
ENGINE_VERSION = "0.1.0"
_NOT_OFFLINE = "not available offline"
_ATTRIBUTE_CATEGORY = {
    "SYSTEM_ORGAN_SITE": ANATOMY,
    "DIRECTION": ANATOMY,
    "ACUITY": CONDITION,
    "TEST_VALUE": TTP,
    "TEST_UNIT": TTP,
}


class LocalMedicalAnalyzer:
    """Offline medical entities, traits, attributes and ICD-10-CM codes (English, and the
    main entities of Spanish notes); PHI is another module's job."""

    def __init__(self, cache_dir: Path | None = None, vocabulary: Vocabulary | None = None):
        self._vocabulary = vocabulary or load_vocabulary(cache_dir)
        self._coder = IcdCoder(self._vocabulary.icd)

    @property
    def engines(self) -> list[Engine]:
        packages = [Engine(n, v) for n, v in sorted(self._vocabulary.versions.items())]
        return [Engine(ENGINE_NAME, ENGINE_VERSION), *packages]

    def analyze(self, text: str, language: str = "en") -> MedicalAnalysis:
        lang = "es" if language.lower().startswith("es") else "en"
        entities = _Analysis(self._vocabulary, self._coder, text, lang).entities()
        return MedicalAnalysis(
            text_source="original",
            entities=entities,
            coding=[
                Coding(CodeSystem.ICD10CM, CodingState.LINKED),
                Coding(CodeSystem.RXNORM, CodingState.UNAVAILABLE, _NOT_OFFLINE),
                Coding(CodeSystem.SNOMEDCT, CodingState.UNAVAILABLE, _NOT_OFFLINE),
            ],
            engines=self.engines,
        )


class _Analysis:
    """One run over one text: mentions, then entities with attributes, traits, codes."""

    def __init__(self, vocabulary: Vocabulary, coder: IcdCoder, text: str, lang: str) -> None:
        self.original = text  # entity texts are cut from it, wrapped lines and all
        # Lines wrapped by the page (OCR) are one sentence: a negation or a dose goes on.
        self.text = text = unwrap(text)
        self.coder = coder
        self.modifiers = vocabulary.icd.modifiers
        self.links = vocabulary.icd.links
        self.rules = vocabulary.rules[lang]
        self.terms = vocabulary.terms[lang]
        self.tokens: list[Token] = tokenize(text)
        self.sections = find_sections(text, self.rules, self.terms)
        self.segmenter = Segmenter.of(text, self.sections.colons())
        self.sentence_ends = frozenset(self.segmenter.ends)
        candidates = vocabulary_mentions(
            text, self.tokens, self.terms, vocabulary.max_words, self.rules.capitals_only
        )
        candidates += rule_mentions(text, self.tokens, self.rules)
        anatomy = [m for m in candidates if m.category == ANATOMY]
        candidates += finding_mentions(self.tokens, anatomy, self.rules, self.sections)
        self.mentions = resolve(candidates, text, self.tokens, self.rules, self.sections)
        self.cues = find_cues(self.tokens, self.rules)
        self.condition_words = frozenset(
            k for m in self.mentions if m.category == CONDITION for k in range(m.first, m.last)
        )
        self.next_id = 0

    def entities(self) -> list[MedicalEntity]:
        medications = [m for m in self.mentions if m.category == MEDICATION]
        dosing = {m.begin: self._medication_attributes(m, medications) for m in medications}
        spans = [(a.begin, a.end) for found in dosing.values() for a in found]
        # "by mouth", "nasal spray": words of a medication attribute are not anatomy.
        self.mentions = [
            m
            for m in self.mentions
            if m.category != ANATOMY or not any(b <= m.begin and m.end <= e for b, e in spans)
        ]
        anatomy = [m for m in self.mentions if m.category == ANATOMY]
        entities = []
        by_mention: dict[tuple[int, int], MedicalEntity] = {}
        for mention in self.mentions:
            entity = self._entity(mention)
            if mention.category == MEDICATION:
                entity.attributes = dosing[mention.begin]
            elif mention.category == TTP and mention.type == "TEST_NAME":
                entity.attributes = self._spans(
                    attrs.test_values(self.text, mention, self.rules, self.tokens)
                )
            elif mention.category == ANATOMY:
                entity.attributes = self._spans(attrs.directions(self.tokens, mention, self.rules))
            elif mention.category == CONDITION:
                self._describe_condition(entity, mention, anatomy)
                by_mention[mention.begin, mention.end] = entity
            entities.append(entity)
        self._combine(by_mention)
        return entities

    def _combine(self, conditions: dict[tuple[int, int], MedicalEntity]) -> None:
        """Give a condition and its linked cause or complication their combination code."""
        for pair in pairs(self.text, self.tokens, self.mentions, self.links):
            entity = conditions.get((pair.condition.begin, pair.condition.end))
            if entity is None or not entity.concepts:
                continue
            other = pair.other and conditions.get((pair.other.begin, pair.other.end))
            other_code = other.concepts[0].code if other and other.concepts else ""
            code = self.coder.combined(
                entity.concepts[0].code, entity.text, pair.companion, other_code
            )
            if not code:
                continue
            for target in (entity, other) if other else (entity,):
                score = target.concepts[0].score if target.concepts else 0.8
                rest = [c for c in target.concepts if c.code != code][:4]
                target.concepts = [self.coder.concept(code, score), *rest]

    def _entity(self, mention: Mention) -> MedicalEntity:
        names = traits_for(mention, self.cues, self.tokens, self.segmenter, self.sections)
        if mention.category == ANATOMY:
            names = []  # Comprehend Medical gives anatomy no traits
        if mention.category == CONDITION:
            names.insert(0, self._kind_trait(mention))
        entity = MedicalEntity(
            text=self.original[mention.begin : mention.end],
            begin=mention.begin,
            end=mention.end,
            score=_score(mention),
            id=self._new_id(),
            category=Category(mention.category),
            type=mention.type,
            traits=[Trait(name, 0.8) for name in dict.fromkeys(names) if name],
        )
        return entity

    def _kind_trait(self, mention: Mention) -> str:
        trait = mention.trait or ("SYMPTOM" if mention.code.startswith("R") else "DIAGNOSIS")
        if trait == "SYMPTOM" and self.sections.kind_at(mention.begin) == "exam":
            return "SIGN"
        return trait

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def _attribute(self, kind: str, begin: int, end: int, category: str) -> Attribute:
        return Attribute(
            text=self.original[begin:end],
            begin=begin,
            end=end,
            score=0.8,
            type=kind,
            category=category,
            relationship_type=kind,
            relationship_score=0.8,
        )

    def _spans(self, spans: list[attrs.Span]) -> list[Attribute]:
        return [
            self._attribute(s.type, s.begin, s.end, _ATTRIBUTE_CATEGORY.get(s.type, TTP))
            for s in spans
        ]

    def _medication_attributes(self, drug: Mention, drugs: list[Mention]) -> list[Attribute]:
        end = self._medication_window(drug, drugs)
        found = medication_attributes(self.tokens, drug.last, end, self.rules)
        before = route_before(self.tokens, drug.first, self.rules)
        if before:
            found.insert(0, before)
        return [
            self._attribute(
                f.type, self.tokens[f.first].begin, self.tokens[f.last - 1].end, MEDICATION
            )
            for f in found
        ]

    def _medication_window(self, drug: Mention, drugs: list[Mention]) -> int:
        """Token index where a drug's attributes end: the next drug, the end of the line,
        or the end of the sentence unless the next sentence instructs ("Take 1 capsule")."""
        later = [d.first for d in drugs if d.first > drug.first]
        limit = min(later) if later else len(self.tokens)
        for k in range(drug.last, limit):
            token = self.tokens[k]
            if "\n" in self.text[self.tokens[k - 1].end : token.begin]:
                return k
            ends_sentence = token.begin in self.sentence_ends  # not the dots of "p.o."
            if ends_sentence and token.norm in (".", ";") and not self._instruction_follows(k + 1):
                return k
        return limit

    def _instruction_follows(self, k: int) -> bool:
        """Whether the next sentence still doses the same drug ("Take 1 capsule...",
        "2 sprays in each nostril...")."""
        if k >= len(self.tokens):
            return False
        token = self.tokens[k]
        return token.norm[0].isdigit() or "INSTRUCTION" in self.rules.attribute_words.get(
            token.norm, ()
        )

    def _describe_condition(
        self, entity: MedicalEntity, mention: Mention, anatomy: list[Mention]
    ) -> None:
        found: list[attrs.Span] = []
        acuity = attrs.acuity(self.tokens, mention, self.rules)
        if acuity:
            found.append(acuity)
        sites: list[str] = []
        both = False
        for site in attrs.condition_sites(
            mention, anatomy, self.tokens, self.rules, self.condition_words
        ):
            found += attrs.directions(self.tokens, site, self.rules)
            found.append(attrs.Span("SYSTEM_ORGAN_SITE", site.begin, site.end))
            both = both or (site.first > 0 and self.tokens[site.first - 1].norm == "both")
            if not (mention.begin <= site.begin and site.end <= mention.end):
                sites.append(self.text[site.begin : site.end])
        if not any(s.type == "DIRECTION" for s in found):
            found += attrs.directions(self.tokens, mention, self.rules)
        header = self.sections.anatomy_header(mention.begin)
        if header and not any(
            s.type == "SYSTEM_ORGAN_SITE" and s.begin == header.begin for s in found
        ):
            # "HEENT: Boggy inferior turbinates": the header is the finding's site too.
            found.append(attrs.Span("SYSTEM_ORGAN_SITE", header.begin, header.end))
        entity.attributes = self._spans(sorted(set(found), key=lambda s: (s.begin, s.type)))
        modifiers = [self.text[s.begin : s.end] for s in found if s.type != "SYSTEM_ORGAN_SITE"]
        modifiers += qualifiers(self.tokens, mention, self.modifiers)
        modifiers += (["bilateral"] if both else []) + stage(self.text, mention.begin, mention.end)
        modifiers += encounter(self.tokens, *self._sentence_tokens(mention), self.modifiers)
        if mention.code == NO_CODE:
            # A reviewed term that no code fits on its own ("nodule": of what?) may have
            # one at its site ("nodule in the right upper lobe").
            entity.concepts = self.coder.sited_only(entity.text, tuple(sites), modifiers)
            return
        entity.concepts = self.coder.concepts(
            entity.text,
            mention.code,
            modifiers,
            tuple(sites),
            before(self.tokens, mention, self.modifiers),
        )

    def _sentence_tokens(self, mention: Mention) -> tuple[int, int]:
        """Token indexes [first, last) of the condition's sentence."""
        start, end = self.segmenter.sentence_bounds(mention.begin)
        first = (
            next((k for k in range(mention.first, -1, -1) if self.tokens[k].begin < start), -1) + 1
        )
        last = next(
            (k for k in range(mention.last, len(self.tokens)) if self.tokens[k].begin >= end),
            len(self.tokens),
        )
        return first, last


def _score(mention: Mention) -> float:
    return {"curated": 0.9, "finding": 0.8, "icd10cm": 0.85, "rule": 0.75}.get(mention.source, 0.7)
