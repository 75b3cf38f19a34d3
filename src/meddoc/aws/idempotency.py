"""Idempotency for the costly steps: a retry of an invocation that already succeeded
(its answer lost to a timeout) returns the stored answer instead of paying again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent,
)

from meddoc.aws.settings import AwsSettings

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def once_per_attempt(settings: AwsSettings) -> Callable[[Handler], Handler]:
    """Key: the document and its attempt number (a reprocess is a new attempt)."""
    if not settings.idempotency_table:
        return lambda handler: handler
    persistence = DynamoDBPersistenceLayer(table_name=settings.idempotency_table)
    config = IdempotencyConfig(
        event_key_jmespath="[document_id, attempt]",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=6 * 3600,
    )
    decorator: Callable[[Handler], Handler] = idempotent(
        persistence_store=persistence, config=config
    )
    return decorator
