"""Who is calling, and with which roles. On AWS, API Gateway's authorizers (Cognito JWT,
or the API-key Lambda authorizer) have already checked the caller; the API reads who it
is and refuses a request that reached it unchecked. Locally, bearer tokens: the one
printed at start-up (an admin) and those added with `meddoc token add`."""

from __future__ import annotations

import hmac
import re
import secrets
from typing import Protocol

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from meddoc.api.roles import COGNITO_GROUPS, Actor, Role, admin, role_named
from meddoc.errors import NotAuthenticated

LOCAL_ADMIN = "local"
_GROUP_SEPARATORS = re.compile(r"[\s,\"']+")


class Authenticator(Protocol):
    def authenticate(self, event: APIGatewayProxyEventV2) -> Actor: ...


class TokenDirectory(Protocol):
    """Local mode's added tokens (stored as hashes): the actor a token stands for."""

    def find(self, token: str) -> Actor | None: ...


def new_token() -> str:
    return secrets.token_urlsafe(24)


class BearerToken:
    """Local mode: the token printed at start-up (an admin, compared in constant time),
    then the tokens of the directory, if any."""

    def __init__(self, token: str, directory: TokenDirectory | None = None) -> None:
        self._token = token.encode()
        self._directory = directory

    def authenticate(self, event: APIGatewayProxyEventV2) -> Actor:
        header = (event.headers or {}).get("authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() == "bearer" and given:
            if hmac.compare_digest(given.encode("utf-8", "surrogatepass"), self._token):
                return admin(LOCAL_ADMIN)
            found = self._directory.find(given) if self._directory else None
            if found is not None:
                return found
        raise NotAuthenticated("a valid bearer token is required")


class NoAuthentication:
    """Local mode with --no-auth (allowed on 127.0.0.1 only): the one local user, an
    admin, as anyone who can reach the machine's loopback could read its data anyway."""

    def authenticate(self, event: APIGatewayProxyEventV2) -> Actor:
        return admin(LOCAL_ADMIN)


class GatewayAuthorizer:
    """AWS: the identity API Gateway's authorizer established. Cognito: the user's
    email and the roles of their groups (COGNITO_GROUPS); the API-key authorizer: the
    key's name and role from its context."""

    def authenticate(self, event: APIGatewayProxyEventV2) -> Actor:
        authorizer = event.request_context.authorizer
        claims = authorizer.jwt_claim if authorizer else None
        if claims:
            name = claims.get("email") or claims.get("cognito:username") or claims.get("sub")
            if name:
                return Actor.with_roles(str(name), cognito_roles(claims.get("cognito:groups")))
        context = authorizer.get_lambda if authorizer else None
        if context and context.get("actor"):
            role = role_named(str(context.get("role") or ""))
            return Actor.with_roles(str(context["actor"]), [role] if role else [])
        raise NotAuthenticated("the request carries no verified identity")


def cognito_roles(claim: object) -> set[Role]:
    """Roles of the groups in a `cognito:groups` claim. API Gateway's JWT authorizer
    hands array claims to the Lambda as one string, "[meddoc-admins other-group]"; a
    list (or a comma-separated string) is read too. Group names hold no spaces."""
    if isinstance(claim, list | tuple):
        groups = [str(group) for group in claim]
    else:
        text = str(claim or "").strip()
        if text.startswith("[") and text.endswith("]"):
            text = text[1:-1]
        groups = _GROUP_SEPARATORS.split(text)
    return {COGNITO_GROUPS[group] for group in groups if group in COGNITO_GROUPS}
