"""The review API behind API Gateway (HTTP API, payload 2.0): the same resolver as the
local server, behind the gateway's authorizer (Cognito JWT or the API-key Lambda). Logs
carry the method and status only: paths hold ids and query strings may hold PHI."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from meddoc.aws.api_wiring import api_app
from meddoc.aws.instrumentation import Metric, count, instrumented, logger


@instrumented
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response: dict[str, Any] = api_app().resolve(event, context)
    status = int(response.get("statusCode", 500))
    method = event.get("requestContext", {}).get("http", {}).get("method", "")
    logger.info("answered", extra={"method": method, "status": status})
    count(Metric(f"Api{status // 100}xx"))
    return response
