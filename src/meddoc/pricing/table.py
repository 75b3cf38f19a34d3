"""The AWS prices the estimate uses, in one place with their date and sources. Prices
change and differ by region: check the pages below before trusting a figure."""

from __future__ import annotations

from dataclasses import dataclass

PRICES_DATE = "2026-11-26"
REGION = "us-east-1"
SOURCES = (
    # The rate tables of the aws.amazon.com pricing pages are rendered in the browser, so
    # the stored copies searched on the date above hold the rules (units, minimums,
    # free tiers) but not every figure; where a figure came from elsewhere it says so.
    "Textract: https://aws.amazon.com/textract/pricing/ (Detect Document Text, first "
    "1M pages a month; $0.60 per 1,000 pages after that; async text detection costs the same)",
    # Searched 2026-12-07: the stored copies of the pricing page hold the rules (Analyze
    # Document is billed per page for each feature called, the features combine, async
    # costs the same, a 100-page free tier for Forms, Tables and Layout) but not the
    # figures; Tables $15 per 1,000 pages (first 1M) is quoted in ExtractThinker's
    # docs/examples/aws-stack.md; Forms $50 and Layout $4 per 1,000 pages (first 1M) are
    # the figures the pricing page showed when last read by hand: check them there.
    "Textract Analyze Document: https://aws.amazon.com/textract/pricing/ (per page, first "
    "1M pages a month: Forms $50, Tables $15, Layout $4 per 1,000 pages; features called "
    "together cost the sum, e.g. Forms + Tables $65 per 1,000)",
    "Comprehend: https://aws.amazon.com/comprehend/pricing/ (units of 100 characters, "
    "3-unit minimum per request; first 10M units a month)",
    "Translate: https://aws.amazon.com/translate/pricing/ (standard real-time translation)",
    "Comprehend Medical: https://aws.amazon.com/comprehend/medical/pricing/ (units of 100 "
    "characters, 1-unit minimum per request; per-API figures as recorded in litellm's "
    "Comprehend Medical cost table)",
    "Step Functions: https://aws.amazon.com/step-functions/pricing/ (Standard workflows; "
    "also quoted in aws/agent-toolkit-for-aws step-functions.md)",
    "Lambda: https://aws.amazon.com/lambda/pricing/ (arm64 and x86_64 per GB-second as "
    "in artillery's lib/platform/aws-lambda/prices.js; requests)",
    "S3: https://aws.amazon.com/s3/pricing/ (S3 Standard requests)",
    "DynamoDB: https://aws.amazon.com/dynamodb/pricing/on-demand/ (on-demand, after the "
    "November 2024 price cut)",
    "X-Ray: https://aws.amazon.com/xray/pricing/ (traces recorded)",
)


@dataclass(frozen=True, slots=True)
class PriceTable:
    """US dollars per unit. Free tiers are not subtracted (they end, and are shared with
    everything else in the account); volume discounts are not applied."""

    textract_page: float = 1.50 / 1000  # DetectDocumentText
    textract_forms_page: float = 50.0 / 1000  # AnalyzeDocument FORMS
    textract_tables_page: float = 15.0 / 1000  # AnalyzeDocument TABLES
    textract_layout_page: float = 4.0 / 1000  # AnalyzeDocument LAYOUT
    comprehend_unit: float = 0.0001  # language, key phrases, entities, PII, sentiment
    comprehend_min_units: int = 3
    translate_character: float = 15.0 / 1_000_000
    medical_entities_unit: float = 0.01  # DetectEntitiesV2
    medical_phi_unit: float = 0.0014  # DetectPHI
    medical_icd10cm_unit: float = 0.0005  # InferICD10CM
    medical_rxnorm_unit: float = 0.00025  # InferRxNorm
    medical_snomedct_unit: float = 0.0075  # InferSNOMEDCT
    medical_min_units: int = 1
    state_transition: float = 0.025 / 1000
    lambda_gb_second_arm64: float = 0.0000133334
    lambda_gb_second_x86_64: float = 0.0000166667
    lambda_request: float = 0.20 / 1_000_000
    s3_put: float = 0.005 / 1000
    s3_get: float = 0.0004 / 1000
    dynamodb_write_unit: float = 0.625 / 1_000_000
    dynamodb_read_unit: float = 0.125 / 1_000_000
    xray_trace: float = 5.0 / 1_000_000

    def textract_analysis_page(self, features: tuple[str, ...]) -> float:
        """One page of AnalyzeDocument / StartDocumentAnalysis with these features; none
        is DetectDocumentText's price."""
        if not features:
            return self.textract_page
        each = {
            "FORMS": self.textract_forms_page,
            "TABLES": self.textract_tables_page,
            "LAYOUT": self.textract_layout_page,
        }
        return sum(each[feature] for feature in features)

    def lambda_gb_second(self, architecture: str) -> float:
        if architecture == "x86_64":
            return self.lambda_gb_second_x86_64
        return self.lambda_gb_second_arm64


PRICES = PriceTable()
