"""The names of every custom metric the functions emit, with their namespace and
dimensions: the vocabulary instrumentation.py emits and template.yaml's alarms and
dashboard use (tests/aws/test_observability.py holds them together). No side effects."""

from __future__ import annotations

from enum import StrEnum

NAMESPACE = "meddoc"  # POWERTOOLS_METRICS_NAMESPACE in template.yaml
SERVICE = "meddoc"  # POWERTOOLS_SERVICE_NAME: every metric's one dimension, "service"
STATUS_DIMENSION = "status"  # of Metric.DOCUMENTS: documents by status


class Metric(StrEnum):
    """Every custom metric the functions emit (EMF, namespace meddoc, dimension service);
    the template's alarms and dashboard use these names (tests/aws/test_observability.py)."""

    UPLOAD_PROCESS = "Upload_process"  # by validate, per job action
    UPLOAD_SKIP = "Upload_skip"
    UPLOAD_REJECT = "Upload_reject"
    PAGES_DETECTED = "PagesDetected"  # pages read by synchronous Textract
    DOCUMENTS_DONE = "DocumentsDone"
    DOCUMENTS_FAILED = "DocumentsFailed"
    DOCUMENTS_TIMED_OUT = "DocumentsTimedOut"  # the stuck-document detector
    TOMBSTONES_CLEARED = "TombstonesCleared"
    DOCUMENT_COST = "DocumentCost"  # estimated US dollars of a DONE document's AI calls
    DOCUMENT_PAGES = "DocumentPages"  # pages of a DONE document
    DOCUMENTS = "Documents"  # documents per status (dimension status), every 15 minutes
    TEXTRACT_THROTTLED = "TextractThrottled"  # calls that stayed throttled after the SDK
    COMPREHEND_THROTTLED = "ComprehendThrottled"  # retries (the workflow retries them)
    COMPREHEND_MEDICAL_THROTTLED = "ComprehendMedicalThrottled"
    TRANSLATE_THROTTLED = "TranslateThrottled"
    API_2XX = "Api2xx"
    API_3XX = "Api3xx"
    API_4XX = "Api4xx"
    API_5XX = "Api5xx"
    API_KEY_ACCEPTED = "ApiKeyAccepted"
    API_KEY_REFUSED = "ApiKeyRefused"
    WORKFLOWS_STARTED = "WorkflowsStarted"  # admission: uploads let into the pipeline
    DUPLICATES_SKIPPED = "DuplicatesSkipped"  # admission: an event delivered again
    DOCUMENTS_WAITING = "DocumentsWaiting"  # admission: turned away for now (no free slot)
    SLOTS_REAPED = "SlotsReaped"  # admission: slots of executions that ended unreleased
