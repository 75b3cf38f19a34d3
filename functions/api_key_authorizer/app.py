"""API-key mode: API Gateway's Lambda authorizer (payload 2.0, simple responses). The
x-api-key header is compared in constant time with the keys in Secrets Manager; the
context carries the key's name and role to the API. The key itself is never logged,
only whether it was accepted (and, if so, whose it is)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from meddoc.aws.api_key import api_key_verifier
from meddoc.aws.instrumentation import Metric, count, instrumented, logger


@instrumented
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
    identity = api_key_verifier().identify(headers.get("x-api-key"))
    allowed = identity is not None
    logger.info(
        "api key checked", extra={"allowed": allowed, "key_name": identity and identity.name}
    )
    count(Metric.API_KEY_ACCEPTED if allowed else Metric.API_KEY_REFUSED)
    if identity is None:
        return {"isAuthorized": False, "context": {}}
    return {
        "isAuthorized": True,
        "context": {"actor": identity.name, "role": identity.role.value},
    }
