"""What every Lambda handler wears: powertools' structured logger (request id, cold
start; never the event, which may carry PHI), X-Ray tracing without the response, and
metrics flushed at the end of each invocation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

logger = Logger()
tracer = Tracer()
metrics = Metrics()

Handler = Callable[[dict[str, Any], Any], Any]


def instrumented(handler: Handler) -> Handler:
    decorated: Handler = logger.inject_lambda_context(
        tracer.capture_lambda_handler(capture_response=False)(metrics.log_metrics(handler))
    )
    return decorated


def count(name: str, value: float = 1) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
