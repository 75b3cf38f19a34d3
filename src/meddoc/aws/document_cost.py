"""The estimated cost of a processed document's AI service calls, for the DocumentCost
metric (the dashboard's cost per document), priced by the one price table."""

from __future__ import annotations

from meddoc.aws.settings import AwsSettings
from meddoc.pricing.estimate import Analyses, DocumentShape, service_cost


def document_cost(pages: int, multi_page: bool, settings: AwsSettings) -> float:
    analyses = Analyses(
        pii=settings.pii,
        icd10cm=settings.medical.icd10cm,
        rxnorm=settings.medical.rxnorm,
        snomedct=settings.medical.snomedct,
        detect_phi=settings.medical.detect_phi,
        textract_features=settings.textract_features,
    )
    return service_cost(DocumentShape(max(pages, 1), multi_page), analyses)
