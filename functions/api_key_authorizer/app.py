"""API-key mode: API Gateway's Lambda authorizer (payload 2.0, simple responses). The
x-api-key header is compared with the key in Secrets Manager in constant time; the key
itself is never logged, only whether it was accepted."""

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from meddoc.aws.api_key import api_key_verifier

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
    allowed = api_key_verifier().allows(headers.get("x-api-key"))
    logger.info("api key checked", extra={"allowed": allowed})
    metrics.add_metric(
        name="ApiKeyAccepted" if allowed else "ApiKeyRefused", unit=MetricUnit.Count, value=1
    )
    return {"isAuthorized": allowed, "context": {"actor": "api-key"} if allowed else {}}
