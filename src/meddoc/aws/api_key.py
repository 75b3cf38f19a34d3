"""API-key mode: the key a caller sends, checked in constant time against the keys kept
in one AWS Secrets Manager secret, each with a name (the audit trail's actor) and a
role. The secret is either JSON,

  {"keys": [{"name": "records-office", "role": "reviewer", "key": "<40+ random chars>"},
            {"name": "ops", "role": "admin", "key": "..."}]}

or, as before named keys existed, the bare key: one admin key named "api-key". The
secret is cached for a few minutes, so a rotated key is in force everywhere within that
time without a call per request."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from meddoc.api.roles import Role, role_named
from meddoc.aws.clients import client, service_errors
from meddoc.aws.settings import ApiKeySettings
from meddoc.errors import ConfigurationError

log = logging.getLogger(__name__)
LEGACY_NAME = "api-key"  # the bare-key secret's one key
MIN_KEY_CHARS = 20  # a named key shorter than this is a configuration mistake
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


@dataclass(frozen=True, slots=True)
class ApiKeyIdentity:
    name: str
    role: Role


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def keys_of(secret: str) -> list[tuple[bytes, ApiKeyIdentity]]:
    """The keys a secret holds, as (SHA-256 of the key, who it is); ConfigurationError
    (quoting nothing of the secret) when it is JSON of another shape."""
    value = secret.strip()
    if not value:
        return []
    if not value.startswith("{"):
        return [(_digest(value), ApiKeyIdentity(LEGACY_NAME, Role.ADMIN))]
    problem = ConfigurationError(
        'the API key secret must be {"keys": [{"name", "role", "key"}, ...]} with unique'
        f" names and keys, roles reviewer or admin, keys of {MIN_KEY_CHARS}+ characters"
    )
    try:
        entries = json.loads(value)["keys"]
        keys = [_entry(entry) for entry in entries]
    except (ValueError, KeyError, TypeError) as exc:
        raise problem from exc
    names = {identity.name for _, identity in keys}
    digests = {digest for digest, _ in keys}
    if len(names) != len(keys) or len(digests) != len(keys):
        raise problem
    return keys


def _entry(entry: Any) -> tuple[bytes, ApiKeyIdentity]:
    name, role, key = str(entry["name"]), role_named(str(entry["role"])), entry["key"]
    if not NAME.fullmatch(name) or role is None:
        raise ValueError("a key's name or role")
    if not isinstance(key, str) or len(key) < MIN_KEY_CHARS:
        raise ValueError("a key too short")
    return _digest(key), ApiKeyIdentity(name, role)


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
        self._keys: list[tuple[bytes, ApiKeyIdentity]] = []
        self._fetched_at: float | None = None

    def identify(self, given: str | None) -> ApiKeyIdentity | None:
        """Who the key belongs to, or None. Every key is compared (digests of equal
        length: the time taken says nothing of which key, or how much of it, matched)."""
        if not given:
            return None
        offered = _digest(given)
        found: ApiKeyIdentity | None = None
        for expected, identity in self._current_keys():
            if hmac.compare_digest(offered, expected):
                found = identity
        return found

    def allows(self, given: str | None) -> bool:
        return self.identify(given) is not None

    def _current_keys(self) -> list[tuple[bytes, ApiKeyIdentity]]:
        now = self.clock()
        if self._fetched_at is None or now - self._fetched_at >= self.cache_seconds:
            with service_errors("AWS Secrets Manager"):
                secret = self.secrets.get_secret_value(SecretId=self.secret_arn)
            try:
                self._keys = keys_of(str(secret.get("SecretString") or ""))
            except ConfigurationError as exc:
                log.error("%s; no key is accepted until it is fixed", exc)
                self._keys = []
            self._fetched_at = now
        return self._keys


@cache
def api_key_verifier() -> ApiKeyVerifier:
    """The authorizer's composition root: one verifier per cold start (on first use)."""
    settings = ApiKeySettings.from_environ(os.environ)
    return ApiKeyVerifier(settings.secret_arn, client("secretsmanager"), settings.cache_seconds)
