"""boto3 clients with one retry policy, and the translation of service errors into
meddoc's typed errors (which the workflow's Retry and Catch match by name)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ReadTimeoutError,
)
from botocore.exceptions import (
    ConnectionError as BotoConnectionError,
)

from meddoc.errors import ServiceRejected, ServiceThrottled, ServiceUnavailable

# The SDK retries briefly in-process ("standard" mode, with jitter); longer waits are
# the workflow's job (ASL Retry with backoff), so a throttled Lambda does not idle.
SDK_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 3},
    connect_timeout=5,
    read_timeout=60,
)

THROTTLING_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "ProvisionedThroughputExceededException",
        "LimitExceededException",
        "TooManyRequestsException",
        "TooManyRequests",
        "RequestLimitExceeded",
        "SlowDown",
    }
)
UNAVAILABLE_CODES = frozenset(
    {
        "InternalServerError",
        "InternalServerException",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "InternalError",
    }
)


# Told the service's name each time it throttles a call beyond the SDK's own retries
# (instrumentation counts them as metrics; nothing here depends on powertools).
_throttle_observers: list[Callable[[str], None]] = []


def observe_throttles(observer: Callable[[str], None]) -> None:
    _throttle_observers.append(observer)


@cache
def client(service: str) -> Any:
    """One client per service per process (Lambda reuses it across invocations)."""
    return boto3.client(service, config=SDK_CONFIG)


@cache
def resource(service: str) -> Any:
    return boto3.resource(service, config=SDK_CONFIG)


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


@contextmanager
def service_errors(service: str) -> Iterator[None]:
    """Raise ServiceThrottled / ServiceUnavailable / ServiceRejected for service errors.
    Messages name the service and error code only; a service's own message may quote
    the request (document text), so it is not carried."""
    try:
        yield
    except ClientError as exc:
        code = error_code(exc)
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
        if code in THROTTLING_CODES or status == 429:
            for observer in _throttle_observers:
                observer(service)
            raise ServiceThrottled(f"{service} is throttling requests ({code})") from exc
        if code in UNAVAILABLE_CODES or status >= 500:
            raise ServiceUnavailable(f"{service} is unavailable ({code})") from exc
        raise ServiceRejected(f"{service} refused the request ({code})") from exc
    except (BotoConnectionError, ReadTimeoutError) as exc:
        raise ServiceUnavailable(f"{service} could not be reached") from exc
    except BotoCoreError as exc:
        raise ServiceUnavailable(f"{service} call failed ({type(exc).__name__})") from exc
