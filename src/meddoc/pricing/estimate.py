"""What processing a batch on AWS would cost: for each document, the pages Textract
reads, the units Comprehend and Comprehend Medical bill for the analyses turned on, the
workflow's state transitions and the Lambda time, priced with the one price table."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from meddoc.pricing.table import PRICES, PRICES_DATE, REGION, PriceTable
from meddoc.pricing.workflow import (
    Functions,
    Route,
    execution_route,
    load_asl,
    loop_route,
    template_functions,
)
from meddoc.textract_features import NO_FEATURES, TEXTRACT_FEATURES, textract_features

# Each service's request limits, as the adapters chunk the text (characters stand in for
# bytes: one byte per character for English).
LANGUAGE_CHUNK = 5_000  # DetectDominantLanguage, DetectSentiment
LANGUAGE_SAMPLE_CHUNKS = 3  # DetectDominantLanguage reads at most this many chunks
ANALYSIS_CHUNK = 100_000  # DetectKeyPhrases, DetectEntities, DetectPiiEntities
MEDICAL_DETECT_CHUNK = 20_000  # DetectEntitiesV2, DetectPHI
MEDICAL_INFER_CHUNK = 10_000  # InferICD10CM, InferRxNorm, InferSNOMEDCT
UNIT_CHARACTERS = 100

# Assumed run time of one invocation of each function (seconds), for the GB-seconds.
STEP_SECONDS: Mapping[str, float] = {
    "ValidateFunction": 0.5,
    "DetectTextFunction": 2.5,
    "StartTextDetectionFunction": 0.5,
    "GetTextDetectionFunction": 1.0,
    "AnalyzeLanguageFunction": 1.0,
    "AnalyzeTextFunction": 2.0,
    "AnalyzeMedicalFunction": 4.0,
    "StoreFunction": 1.0,
}
OTHER_STEP_SECONDS = 1.0
SERVICES = (
    "Textract",
    "Comprehend",
    "Translate",
    "Comprehend Medical",
    "Step Functions",
    "Lambda",
    "X-Ray",
    "S3",
    "DynamoDB",
)


@dataclass(frozen=True, slots=True)
class DocumentShape:
    pages: int = 1
    multi_page: bool = False  # PDF or multi-page TIFF: asynchronous text detection


@dataclass(frozen=True, slots=True)
class Analyses:
    """The billable toggles; the defaults are template.yaml's parameter defaults."""

    pii: bool = True
    icd10cm: bool = True
    rxnorm: bool = True
    snomedct: bool = False
    detect_phi: bool = False
    # Textract AnalyzeDocument's features (TextractFeatures); () = DetectDocumentText.
    textract_features: tuple[str, ...] = TEXTRACT_FEATURES

    @classmethod
    def all_on(cls) -> Analyses:
        return cls(pii=True, icd10cm=True, rxnorm=True, snomedct=True, detect_phi=True)

    @property
    def textract_mode(self) -> str:
        return "+".join(self.textract_features) or NO_FEATURES

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, str]) -> Analyses:
        """From a deployed stack's parameters (CloudFormation DescribeStacks)."""
        defaults = cls()

        def flag(name: str, default: bool) -> bool:
            value = parameters.get(name)
            return default if value is None else value.strip().lower() == "true"

        return cls(
            pii=flag("PiiEnabled", defaults.pii),
            icd10cm=flag("Icd10cmEnabled", defaults.icd10cm),
            rxnorm=flag("RxNormEnabled", defaults.rxnorm),
            snomedct=flag("SnomedCtEnabled", defaults.snomedct),
            detect_phi=flag("DetectPhiEnabled", defaults.detect_phi),
            textract_features=textract_features(
                parameters.get("TextractFeatures") or ",".join(defaults.textract_features)
            ),
        )


@dataclass(frozen=True, slots=True)
class Assumptions:
    characters_per_page: int = 1_800  # a typical filled-in form or visit-note page
    translated_share: float = 0.0  # documents not in English (translated first)
    pages_per_poll: int = 10  # asynchronous detection: one 5-second poll per 10 pages
    step_seconds: Mapping[str, float] = field(default_factory=lambda: dict(STEP_SECONDS))
    s3_puts_per_document: int = 10  # the upload, step artifacts, raw responses, result
    s3_gets_per_document: int = 12
    dynamodb_writes_per_document: int = 40  # record, status changes, index terms, idempotency
    dynamodb_reads_per_document: int = 10


@dataclass(frozen=True, slots=True)
class WorkflowShape:
    single_page: Route
    multi_page: Route
    poll: Route  # one more turn of the asynchronous detection's wait loop
    functions: Functions

    @classmethod
    def from_files(cls, asl_path: Path, template_path: Path) -> WorkflowShape:
        asl = load_asl(asl_path)
        image = {"action": "process", "content_type": "image/jpeg", "page_count": 1}
        pdf = {"action": "process", "content_type": "application/pdf", "page_count": 2}
        return cls(
            single_page=execution_route(asl, image),
            multi_page=execution_route(asl, {**pdf, "text_status": "SUCCEEDED"}),
            poll=loop_route(asl, {**pdf, "text_status": "IN_PROGRESS"}),
            functions=template_functions(template_path.read_text(encoding="utf-8")),
        )


@dataclass(slots=True)
class Line:
    service: str
    item: str
    quantity: float
    unit: str
    unit_price: float

    @property
    def cost(self) -> float:
        return self.quantity * self.unit_price


@dataclass(slots=True)
class Estimate:
    documents: int
    pages: int
    lines: list[Line]
    assumptions: list[str]

    @property
    def total(self) -> float:
        return sum(line.cost for line in self.lines)

    def by_service(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for line in self.lines:
            totals[line.service] = totals.get(line.service, 0.0) + line.cost
        return totals


def units(characters: int, chunk: int, minimum: int) -> tuple[int, int]:
    """(requests, billed units) for a text cut into chunks of at most `chunk` characters,
    each request billed per 100 characters with a minimum."""
    full, rest = divmod(characters, chunk)
    per_full = max(minimum, math.ceil(chunk / UNIT_CHARACTERS))
    requests = full + (1 if rest else 0)
    billed = full * per_full + (max(minimum, math.ceil(rest / UNIT_CHARACTERS)) if rest else 0)
    return requests, billed


def estimate(
    documents: Sequence[DocumentShape],
    shape: WorkflowShape,
    analyses: Analyses,
    assumptions: Assumptions | None = None,
    prices: PriceTable = PRICES,
) -> Estimate:
    given = assumptions or Assumptions()
    tally = _Tally(prices)
    for document in documents:
        _text_detection(tally, document, analyses.textract_features)
        characters = document.pages * given.characters_per_page
        _comprehend(tally, characters, analyses)
        _medical(tally, characters, analyses)
        tally.add("Translate", "TranslateText", characters * given.translated_share, "character")
        _workflow(tally, document, shape, given)
        _storage(tally, given)
    pages = sum(d.pages for d in documents)
    return Estimate(len(documents), pages, tally.lines(), _explain(given, analyses, shape))


def service_cost(
    document: DocumentShape,
    analyses: Analyses,
    assumptions: Assumptions | None = None,
    prices: PriceTable = PRICES,
) -> float:
    """US dollars of one document's Textract, Comprehend and Comprehend Medical calls
    (the per-document part of `estimate`; characters from the assumed characters a page)."""
    tally = _Tally(prices)
    _text_detection(tally, document, analyses.textract_features)
    characters = document.pages * (assumptions or Assumptions()).characters_per_page
    _comprehend(tally, characters, analyses)
    _medical(tally, characters, analyses)
    return sum(line.cost for line in tally.lines())


class _Tally:
    def __init__(self, prices: PriceTable) -> None:
        self.prices = prices
        self._lines: dict[tuple[str, str], Line] = {}
        self._unit_prices = _unit_prices(prices)

    def add(self, service: str, item: str, quantity: float, unit: str, price: float = -1) -> None:
        if quantity <= 0:
            return
        key = (service, item)
        if key not in self._lines:
            unit_price = price if price >= 0 else self._unit_prices[item]
            self._lines[key] = Line(service, item, 0.0, unit, unit_price)
        self._lines[key].quantity += quantity

    def lines(self) -> list[Line]:
        order = {service: rank for rank, service in enumerate(SERVICES)}
        return sorted(self._lines.values(), key=lambda line: order.get(line.service, 99))


def _unit_prices(prices: PriceTable) -> dict[str, float]:
    return {
        "DetectDocumentText": prices.textract_page,
        "StartDocumentTextDetection": prices.textract_page,
        "DetectDominantLanguage": prices.comprehend_unit,
        "DetectKeyPhrases": prices.comprehend_unit,
        "DetectEntities": prices.comprehend_unit,
        "DetectPiiEntities": prices.comprehend_unit,
        "DetectSentiment": prices.comprehend_unit,
        "TranslateText": prices.translate_character,
        "DetectEntitiesV2": prices.medical_entities_unit,
        "DetectPHI": prices.medical_phi_unit,
        "InferICD10CM": prices.medical_icd10cm_unit,
        "InferRxNorm": prices.medical_rxnorm_unit,
        "InferSNOMEDCT": prices.medical_snomedct_unit,
        "state transitions": prices.state_transition,
        "requests": prices.lambda_request,
        "PUT requests": prices.s3_put,
        "GET requests": prices.s3_get,
        "write request units": prices.dynamodb_write_unit,
        "read request units": prices.dynamodb_read_unit,
        "traces recorded": prices.xray_trace,
    }


def _text_detection(tally: _Tally, document: DocumentShape, features: tuple[str, ...]) -> None:
    if not features:
        api = "StartDocumentTextDetection" if document.multi_page else "DetectDocumentText"
        tally.add("Textract", api, document.pages, "page")
        return
    api = "StartDocumentAnalysis" if document.multi_page else "AnalyzeDocument"
    price = tally.prices.textract_analysis_page(features)
    tally.add("Textract", f"{api} ({'+'.join(features)})", document.pages, "page", price)


def _comprehend(tally: _Tally, characters: int, analyses: Analyses) -> None:
    minimum = tally.prices.comprehend_min_units
    sampled = min(characters, LANGUAGE_CHUNK * LANGUAGE_SAMPLE_CHUNKS)
    calls = [
        ("DetectDominantLanguage", sampled, LANGUAGE_CHUNK),
        ("DetectKeyPhrases", characters, ANALYSIS_CHUNK),
        ("DetectEntities", characters, ANALYSIS_CHUNK),
        ("DetectPiiEntities", characters if analyses.pii else 0, ANALYSIS_CHUNK),
        ("DetectSentiment", characters, LANGUAGE_CHUNK),
    ]
    for api, text, chunk in calls:
        tally.add("Comprehend", api, units(text, chunk, minimum)[1], "unit (100 characters)")


def _medical(tally: _Tally, characters: int, analyses: Analyses) -> None:
    minimum = tally.prices.medical_min_units
    calls = [
        ("DetectEntitiesV2", True, MEDICAL_DETECT_CHUNK),
        ("DetectPHI", analyses.detect_phi, MEDICAL_DETECT_CHUNK),
        ("InferICD10CM", analyses.icd10cm, MEDICAL_INFER_CHUNK),
        ("InferRxNorm", analyses.rxnorm, MEDICAL_INFER_CHUNK),
        ("InferSNOMEDCT", analyses.snomedct, MEDICAL_INFER_CHUNK),
    ]
    for api, enabled, chunk in calls:
        if enabled:
            billed = units(characters, chunk, minimum)[1]
            tally.add("Comprehend Medical", api, billed, "unit (100 characters)")


def _workflow(
    tally: _Tally, document: DocumentShape, shape: WorkflowShape, given: Assumptions
) -> None:
    route = shape.multi_page if document.multi_page else shape.single_page
    polls = max(1, math.ceil(document.pages / given.pages_per_poll))
    extra_polls = polls - 1 if document.multi_page else 0
    transitions = route.transitions + extra_polls * shape.poll.transitions
    tally.add("Step Functions", "state transitions", transitions, "transition")
    invoked = list(route.functions) + list(shape.poll.functions) * extra_polls
    prices = tally.prices
    gb_second = prices.lambda_gb_second(shape.functions.architecture)
    for function in invoked:
        seconds = given.step_seconds.get(function, OTHER_STEP_SECONDS)
        memory_gb = shape.functions.memory(function) / 1024
        tally.add("Lambda", "requests", 1, "request")
        tally.add("Lambda", "compute", memory_gb * seconds, "GB-second", gb_second)
    tally.add("X-Ray", "traces recorded", 1, "trace")


def _storage(tally: _Tally, given: Assumptions) -> None:
    tally.add("S3", "PUT requests", given.s3_puts_per_document, "request")
    tally.add("S3", "GET requests", given.s3_gets_per_document, "request")
    tally.add("DynamoDB", "write request units", given.dynamodb_writes_per_document, "unit")
    tally.add("DynamoDB", "read request units", given.dynamodb_reads_per_document, "unit")


def _explain(given: Assumptions, analyses: Analyses, shape: WorkflowShape) -> list[str]:
    toggles = ("pii", "icd10cm", "rxnorm", "snomedct", "detect_phi")
    enabled = ", ".join(n for n in toggles if getattr(analyses, n)) or "none"
    return [
        f"prices of {REGION} as of {PRICES_DATE} (see meddoc/pricing/table.py); "
        "free tiers not subtracted",
        f"{given.characters_per_page:,} characters of text per page",
        f"{given.translated_share:.0%} of documents translated to English first",
        f"optional analyses on: {enabled} (DetectEntitiesV2 always runs)",
        f"Textract features: {analyses.textract_mode} (TextractFeatures; NONE = "
        "DetectDocumentText, words only)",
        f"{shape.single_page.transitions} state transitions per image, "
        f"{shape.multi_page.transitions} per PDF or multi-page TIFF "
        f"(+{shape.poll.transitions} per extra poll, one poll per "
        f"{given.pages_per_poll} pages), no retries",
        f"Lambda on {shape.functions.architecture}, run times assumed per step "
        "(meddoc/pricing/estimate.py STEP_SECONDS)",
        "S3 and DynamoDB requests are rough counts; storage, logs and data transfer "
        "are not included",
    ]
