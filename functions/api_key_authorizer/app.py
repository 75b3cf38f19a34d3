"""API-key mode: API Gateway's Lambda authorizer (payload 2.0, simple responses). The
x-api-key header is compared with the key in Secrets Manager in constant time; the key
itself is never logged, only whether it was accepted."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from meddoc.aws.api_key import api_key_verifier
from meddoc.aws.instrumentation import count, instrumented, logger


@instrumented
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
    allowed = api_key_verifier().allows(headers.get("x-api-key"))
    logger.info("api key checked", extra={"allowed": allowed})
    count("ApiKeyAccepted" if allowed else "ApiKeyRefused")
    return {"isAuthorized": allowed, "context": {"actor": "api-key"} if allowed else {}}
