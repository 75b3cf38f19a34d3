"""The review API behind API Gateway (HTTP API, payload 2.0): the same resolver as the
local server, behind the gateway's authorizer (Cognito JWT or the API-key Lambda). Logs
carry the method and status only: paths hold ids and query strings may hold PHI."""

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from meddoc.aws.api_wiring import api_app

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response: dict[str, Any] = api_app().resolve(event, context)
    status = int(response.get("statusCode", 500))
    method = event.get("requestContext", {}).get("http", {}).get("method", "")
    logger.info("answered", extra={"method": method, "status": status})
    metrics.add_metric(name=f"Api{status // 100}xx", unit=MetricUnit.Count, value=1)
    return response
