"""Who may do what: the two roles' permissions, the roles each sign-in gives (Cognito
groups as API Gateway passes them, the API-key authorizer's context, local tokens),
and the API input limits that need no host."""

from __future__ import annotations

from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from meddoc.api.auth import BearerToken, GatewayAuthorizer, NoAuthentication, cognito_roles
from meddoc.api.input_limits import json_depth
from meddoc.api.roles import Actor, Permission, Role
from meddoc.errors import NotAuthenticated


def event(authorizer: dict[str, Any] | None = None, bearer: str = "") -> APIGatewayProxyEventV2:
    headers = {"authorization": f"Bearer {bearer}"} if bearer else {}
    context: dict[str, Any] = {"http": {"method": "GET", "path": "/api/health"}}
    if authorizer is not None:
        context["authorizer"] = authorizer
    return APIGatewayProxyEventV2({"headers": headers, "requestContext": context})


def test_a_reviewer_may_review_and_nothing_else_an_admin_may_do_everything() -> None:
    reviewer = Actor("r", frozenset({Role.REVIEWER}))
    admin = Actor("a", frozenset({Role.ADMIN}))
    assert reviewer.permissions == {Permission.REVIEW}
    assert admin.permissions == set(Permission)
    assert not Actor("nobody").permissions


@pytest.mark.parametrize(
    ("claim", "roles"),
    [
        ("[meddoc-admins]", {Role.ADMIN}),
        ("[meddoc-reviewers other-app]", {Role.REVIEWER}),
        ("[meddoc-admins meddoc-reviewers]", {Role.ADMIN, Role.REVIEWER}),
        (["meddoc-reviewers"], {Role.REVIEWER}),
        ('["meddoc-admins","x"]', {Role.ADMIN}),
        ("meddoc-reviewers,x", {Role.REVIEWER}),
        ("meddoc-admins", {Role.ADMIN}),
        ("[meddoc-admins-old]", set()),
        ("[]", set()),
        (None, set()),
    ],
)
def test_cognito_groups_give_roles_in_every_form_the_claim_arrives(
    claim: object, roles: set[Role]
) -> None:
    assert cognito_roles(claim) == roles


def test_the_gateway_reads_the_jwt_user_and_groups_and_the_api_key_name_and_role() -> None:
    claims = {"email": "ana@example.org", "cognito:groups": "[meddoc-reviewers]"}
    jwt = GatewayAuthorizer().authenticate(event({"jwt": {"claims": claims, "scopes": None}}))
    assert jwt == Actor("ana@example.org", frozenset({Role.REVIEWER}))
    no_group = {"jwt": {"claims": {"email": "bo@example.org"}, "scopes": None}}
    assert GatewayAuthorizer().authenticate(event(no_group)).roles == frozenset()
    key = {"lambda": {"actor": "ops", "role": "admin"}}
    assert GatewayAuthorizer().authenticate(event(key)) == Actor("ops", frozenset({Role.ADMIN}))
    with pytest.raises(NotAuthenticated):
        GatewayAuthorizer().authenticate(event({}))


class Directory:
    def __init__(self, tokens: dict[str, Actor]) -> None:
        self.tokens = tokens
        self.asked: list[str] = []

    def find(self, token: str) -> Actor | None:
        self.asked.append(token)
        return self.tokens.get(token)


def test_locally_the_printed_token_and_no_auth_are_admins_and_added_tokens_have_their_role() -> (
    None
):
    clerk = Actor("clerk", frozenset({Role.REVIEWER}))
    directory = Directory({"clerk-token": clerk})
    bearer = BearerToken("printed", directory)
    assert bearer.authenticate(event(bearer="printed")) == Actor("local", frozenset({Role.ADMIN}))
    assert bearer.authenticate(event(bearer="clerk-token")) == clerk
    assert directory.asked == ["clerk-token"]  # the printed token never leaves the server
    for wrong in ("", "printed ", "other"):
        with pytest.raises(NotAuthenticated):
            bearer.authenticate(event(bearer=wrong))
    assert NoAuthentication().authenticate(event()).may(Permission.REVEAL_PHI)


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        (b"{}", 1),
        (b'{"a": [1, {"b": 2}]}', 3),
        (b'"[[[["', 0),
        (b'{"a\\"[[": []}', 2),
        (b'{"a\\\\": [[]]}', 3),
        (b"not json [[", 2),
    ],
)
def test_json_depth_is_counted_without_parsing_and_ignores_brackets_in_strings(
    text: bytes, depth: int
) -> None:
    assert json_depth(text) == depth


def test_json_depth_counts_100000_levels_and_strings_that_never_end() -> None:
    assert json_depth(b"[" * 100_000 + b"]" * 100_000) == 100_000
    assert json_depth(b'{"a": "[[[' + b"\\" * 1000) == 4  # no closing quote: counted
