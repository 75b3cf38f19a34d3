"""API-key mode: the key a caller sends, checked against the one kept in AWS Secrets
Manager, in constant time. The secret is cached for a few minutes, so a rotated key is
in force everywhere within that time without a call per request."""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from collections.abc import Callable
from functools import cache
from typing import Any

from meddoc.aws.clients import client, service_errors
from meddoc.aws.settings import ApiKeySettings


class ApiKeyVerifier:
    def __init__(
        self,
        secret_arn: str,
        secrets: Any,
        cache_seconds: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.secret_arn = secret_arn
        self.secrets = secrets
        self.cache_seconds = cache_seconds
        self.clock = clock
        self._digest = b""
        self._fetched_at: float | None = None

    def allows(self, given: str | None) -> bool:
        if not given:
            return False
        expected = self._expected_digest()
        # Digests of equal length: the comparison takes the same time whatever the key's
        # length or content, and never fails on text that is not ASCII.
        offered = hashlib.sha256(given.encode("utf-8", "surrogatepass")).digest()
        return bool(expected) and hmac.compare_digest(offered, expected)

    def _expected_digest(self) -> bytes:
        now = self.clock()
        if self._fetched_at is None or now - self._fetched_at >= self.cache_seconds:
            with service_errors("AWS Secrets Manager"):
                secret = self.secrets.get_secret_value(SecretId=self.secret_arn)
            value = str(secret.get("SecretString") or "").strip()
            self._digest = hashlib.sha256(value.encode("utf-8")).digest() if value else b""
            self._fetched_at = now
        return self._digest


@cache
def api_key_verifier() -> ApiKeyVerifier:
    """The authorizer's composition root: one verifier per cold start (on first use)."""
    settings = ApiKeySettings.from_environ(os.environ)
    return ApiKeyVerifier(settings.secret_arn, client("secretsmanager"), settings.cache_seconds)
