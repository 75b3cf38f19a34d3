"""Who is calling. On AWS, API Gateway's authorizers (Cognito JWT, or the API-key
Lambda authorizer) have already checked the caller; the API reads who it is and
refuses a request that reached it unchecked. Locally, a random bearer token."""

from __future__ import annotations

import hmac
import secrets
from typing import Protocol

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from meddoc.api.service import Actor
from meddoc.errors import NotAuthenticated


class Authenticator(Protocol):
    def authenticate(self, event: APIGatewayProxyEventV2) -> Actor: ...


def new_token() -> str:
    return secrets.token_urlsafe(24)


class BearerToken:
    """Local mode: one token, printed at start-up, compared in constant time."""

    def __init__(self, token: str) -> None:
        self._token = token.encode()

    def authenticate(self, event: APIGatewayProxyEventV2) -> Actor:
        header = (event.headers or {}).get("authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), self._token):
            raise NotAuthenticated("a valid bearer token is required")
        return Actor("local")


class NoAuthentication:
    """Local mode with --no-auth (allowed on 127.0.0.1 only)."""

    def authenticate(self, event: APIGatewayProxyEventV2) -> Actor:
        return Actor("local")


class GatewayAuthorizer:
    """AWS: the identity API Gateway's authorizer established."""

    def authenticate(self, event: APIGatewayProxyEventV2) -> Actor:
        authorizer = event.request_context.authorizer
        claims = authorizer.jwt_claim if authorizer else None
        if claims:
            name = claims.get("email") or claims.get("cognito:username") or claims.get("sub")
            if name:
                return Actor(str(name))
        context = authorizer.get_lambda if authorizer else None
        if context and context.get("actor"):
            return Actor(str(context["actor"]))
        raise NotAuthenticated("the request carries no verified identity")
