"""The Lambda functions' configuration: read once from the environment at cold start,
validated, then passed in. Nothing else in meddoc reads os.environ."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from meddoc.admission import Quotas, in_flight_limit
from meddoc.aws.comprehend_medical import MedicalOptions
from meddoc.errors import ConfigurationError
from meddoc.limits import Limits
from meddoc.textract_features import TEXTRACT_FEATURES, textract_features

__all__ = [
    "AdmissionSettings",
    "ApiKeySettings",
    "ApiSettings",
    "AwsSettings",
    "textract_features",
]

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


@dataclass(frozen=True, slots=True)
class AwsSettings:
    results_bucket: str
    table_name: str
    idempotency_table: str = ""
    medical: MedicalOptions = field(default_factory=MedicalOptions)
    pii: bool = True
    limits: Limits = field(default_factory=Limits)
    stuck_after_minutes: int = 540  # longer than the pipeline's 8-hour execution timeout
    textract_features: tuple[str, ...] = TEXTRACT_FEATURES  # () = DetectDocumentText

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> AwsSettings:
        def flag(name: str, default: bool) -> bool:
            value = environ.get(name)
            if value is None:
                return default
            if value.strip().lower() in _TRUE:
                return True
            if value.strip().lower() in _FALSE:
                return False
            raise ConfigurationError(f"{name} must be true or false, not {value!r}")

        polls = environ.get("MAX_TEXT_POLLS", "")
        return cls(
            results_bucket=_required(environ, "RESULTS_BUCKET"),
            table_name=_required(environ, "TABLE_NAME"),
            idempotency_table=environ.get("IDEMPOTENCY_TABLE", ""),
            medical=MedicalOptions(
                icd10cm=flag("ICD10CM_ENABLED", True),
                rxnorm=flag("RXNORM_ENABLED", True),
                snomedct=flag("SNOMEDCT_ENABLED", False),
                detect_phi=flag("DETECT_PHI_ENABLED", False),
            ),
            pii=flag("PII_ENABLED", True),
            limits=Limits(max_polls=int(polls)) if polls.strip() else Limits(),
            stuck_after_minutes=int(environ.get("STUCK_AFTER_MINUTES", "") or 540),
            textract_features=textract_features(
                environ.get("TEXTRACT_FEATURES", "") or ",".join(TEXTRACT_FEATURES)
            ),
        )


@dataclass(frozen=True, slots=True)
class ApiSettings:
    """The review API Lambda's configuration: the pipeline's settings plus where uploads
    go, which workflow reprocesses, and the one site origin allowed to call it."""

    aws: AwsSettings
    upload_bucket: str
    state_machine_arn: str
    region: str
    site_origin: str = ""
    url_seconds: int = 300  # presigned upload, page-image and export URLs live this long
    export_function: str = ""  # runs export jobs; none: every export answered at once
    admission_queue_url: str = ""  # reprocessing joins this queue ("" starts it directly)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> ApiSettings:
        region = environ.get("AWS_REGION", "").strip() or _required(environ, "AWS_DEFAULT_REGION")
        return cls(
            aws=AwsSettings.from_environ(environ),
            upload_bucket=_required(environ, "UPLOAD_BUCKET"),
            state_machine_arn=_required(environ, "STATE_MACHINE_ARN"),
            region=region,
            site_origin=environ.get("SITE_ORIGIN", "").strip().rstrip("/"),
            export_function=environ.get("EXPORT_FUNCTION", "").strip(),
            admission_queue_url=environ.get("ADMISSION_QUEUE_URL", "").strip(),
        )


@dataclass(frozen=True, slots=True)
class ApiKeySettings:
    """The API-key authorizer's configuration: the secret that holds the key."""

    secret_arn: str
    cache_seconds: float = 300.0

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> ApiKeySettings:
        secret = environ.get("API_KEY_SECRET_ARN", "").strip()
        if not secret:
            raise ConfigurationError("the environment variable API_KEY_SECRET_ARN is required")
        return cls(secret_arn=secret)


@dataclass(frozen=True, slots=True)
class AdmissionSettings:
    """The starter's configuration: where documents wait, the slots, the workflow, and
    the quotas the in-flight limit is derived from (template parameters)."""

    table_name: str
    queue_url: str
    state_machine_arn: str
    limit: int
    defer_seconds: int = 30  # a turned-away message is out of sight this long per refusal
    defer_max_seconds: int = 60
    reap_after_seconds: int = 900  # a slot this old whose execution is not running goes

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> AdmissionSettings:
        def number(name: str, default: float) -> float:
            value = environ.get(name, "").strip()
            try:
                return float(value) if value else default
            except ValueError as exc:
                raise ConfigurationError(f"{name} must be a number, not {value!r}") from exc

        defaults = Quotas()
        quotas = Quotas(
            detect_document_text=number("DETECT_DOCUMENT_TEXT_TPS", defaults.detect_document_text),
            analyze_document=number("ANALYZE_DOCUMENT_TPS", defaults.analyze_document),
            start_jobs=number("TEXTRACT_START_TPS", defaults.start_jobs),
            get_jobs=number("TEXTRACT_GET_TPS", defaults.get_jobs),
            comprehend_medical=number("COMPREHEND_MEDICAL_TPS", defaults.comprehend_medical),
            snomed_ct=number("SNOMEDCT_TPS", defaults.snomed_ct),
        )
        aws = AwsSettings.from_environ({"RESULTS_BUCKET": "-", "TABLE_NAME": "-", **environ})
        limit = in_flight_limit(
            quotas,
            analyze=bool(aws.textract_features),
            snomed=aws.medical.snomedct,
            override=int(number("MAX_IN_FLIGHT", 0)),
        )
        return cls(
            table_name=_required(environ, "ADMISSION_TABLE"),
            queue_url=_required(environ, "ADMISSION_QUEUE_URL"),
            state_machine_arn=_required(environ, "STATE_MACHINE_ARN"),
            limit=limit,
            defer_seconds=int(number("DEFER_SECONDS", 30)),
            defer_max_seconds=int(number("DEFER_MAX_SECONDS", 60)),
            reap_after_seconds=int(number("REAP_AFTER_SECONDS", 900)),
        )


def _required(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise ConfigurationError(f"the environment variable {name} is required")
    return value
