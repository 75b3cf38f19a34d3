"""Amazon Comprehend Medical: DetectEntitiesV2 (entities, traits, attributes, and PHI),
optionally DetectPHI, and the ontology calls InferICD10CM / InferRxNorm / InferSNOMEDCT,
each chunked under its limit and each behind a cost toggle."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from meddoc.aws import medical_parser as parse
from meddoc.aws.clients import client, service_errors
from meddoc.chunking import chunk_text, shift_spans
from meddoc.model import (
    Attribute,
    Category,
    CodeSystem,
    Coding,
    CodingState,
    Engine,
    MedicalAnalysis,
    MedicalEntity,
)
from meddoc.ports import ResponseLog

SERVICE = "Amazon Comprehend Medical"
DETECT_BYTES = 20_000  # DetectEntitiesV2, DetectPHI
INFER_BYTES = 10_000  # InferICD10CM, InferRxNorm, InferSNOMEDCT (characters; bytes >= chars)


@dataclass(frozen=True, slots=True)
class MedicalOptions:
    """Which billable calls to make. DetectEntitiesV2 already reports PHI entities, so
    the separate DetectPHI call is off unless asked for."""

    icd10cm: bool = True
    rxnorm: bool = True
    snomedct: bool = False
    detect_phi: bool = False


class ComprehendMedicalAnalyzer:
    def __init__(self, options: MedicalOptions, comprehend_medical: Any = None) -> None:
        self.options = options
        self.cm = comprehend_medical or client("comprehendmedical")

    def supports(self, language: str) -> bool:
        return language == "en"

    def analyze(self, text: str, language: str, log: ResponseLog) -> MedicalAnalysis:
        entities, unmapped, version = self._detect(
            text, "DetectEntitiesV2", self.cm.detect_entities_v2, log
        )
        phi = [e for e in entities if e.category == Category.PROTECTED_HEALTH_INFORMATION]
        entities = [e for e in entities if e.category != Category.PROTECTED_HEALTH_INFORMATION]
        if self.options.detect_phi:
            phi, _, _ = self._detect(text, "DetectPHI", self.cm.detect_phi, log)
        coding = []
        for system, enabled, api, call in (
            (CodeSystem.ICD10CM, self.options.icd10cm, "InferICD10CM", self.cm.infer_icd10_cm),
            (CodeSystem.RXNORM, self.options.rxnorm, "InferRxNorm", self.cm.infer_rx_norm),
            (CodeSystem.SNOMEDCT, self.options.snomedct, "InferSNOMEDCT", self.cm.infer_snomedct),
        ):
            if not enabled:
                coding.append(Coding(system, CodingState.DISABLED, "turned off by the deployer"))
                continue
            entities = parse.merge_concepts(entities, self._infer(text, api, call, log))
            coding.append(Coding(system, CodingState.LINKED))
        return MedicalAnalysis(
            entities=_renumbered(entities),
            phi=_renumbered(phi),
            unmapped_attributes=unmapped,
            coding=coding,
            engines=[Engine("amazon-comprehend-medical", version)],
        )

    def _detect(
        self, text: str, api: str, call: Callable[..., Any], log: ResponseLog
    ) -> tuple[list[MedicalEntity], list[Attribute], str]:
        entities: list[MedicalEntity] = []
        unmapped: list[Attribute] = []
        version = ""
        for index, chunk in enumerate(chunk_text(text, DETECT_BYTES)):
            if not chunk.text.strip():
                continue
            response = log.call(api, index, chunk.text, partial(_billed, call, chunk.text))
            found, loose = parse.parse_medical_entities(response)
            entities += shift_spans(found, chunk)
            unmapped += shift_spans(loose, chunk)
            version = parse.medical_model_version(response)
        return entities, unmapped, version

    def _infer(
        self, text: str, api: str, call: Callable[..., Any], log: ResponseLog
    ) -> list[MedicalEntity]:
        inferred: list[MedicalEntity] = []
        for index, chunk in enumerate(chunk_text(text, INFER_BYTES)):
            if not chunk.text.strip():
                continue
            response = log.call(api, index, chunk.text, partial(_billed, call, chunk.text))
            inferred += shift_spans(parse.parse_inferred(response), chunk)
        return inferred


def _renumbered(entities: list[MedicalEntity]) -> list[MedicalEntity]:
    """Ids unique in the document (each chunk's ids start again at 0), in text order."""
    ordered = sorted(entities, key=lambda e: (e.begin, e.end))
    for number, entity in enumerate(ordered):
        entity.id = number
    return ordered


def _billed(call: Callable[..., Any], text: str) -> Any:
    with service_errors(SERVICE):
        return call(Text=text)
