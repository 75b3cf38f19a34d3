"""The AWS sign-in: Cognito's hosted UI with the authorization code and PKCE (S256).
Cognito is played by request interception: its authorize page sends the browser back
with a code, its token endpoint answers with an ID token. The site must send a
verifier matching its challenge, keep the token in sessionStorage only, and use it as
the bearer of every API call (swapped here for the local server's token)."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import Server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

DOMAIN = "auth.meddoc.test"
CLIENT_ID = "meddoc-site-client"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def id_token() -> str:
    header = b64url(json.dumps({"alg": "RS256", "kid": "test"}).encode())
    claims = {
        "email": "reviewer@example.test",
        "cognito:groups": ["meddoc-reviewers"],
        "aud": CLIENT_ID,
        "exp": int(time.time()) + 3600,
    }
    return f"{header}.{b64url(json.dumps(claims).encode())}.{b64url(b'signature')}"


def test_given_cognito_config_when_signing_in_then_pkce_code_flow_gives_the_bearer_token(
    page: Any, server: Server
) -> None:
    site = server.url.rstrip("/")
    token = id_token()
    seen: dict[str, Any] = {"bearers": set()}

    def config(route: Any) -> None:
        cognito = {"domain": DOMAIN, "clientId": CLIENT_ID, "redirectUri": f"{site}/"}
        route.fulfill(json={"mode": "aws", "apiBase": "", "auth": "cognito", "cognito": cognito})

    def site_page(route: Any) -> None:
        # CloudFront's policy must let the site reach the Cognito domain for the token.
        response = route.fetch()
        headers = dict(response.headers)
        policy = headers["content-security-policy"]
        headers["content-security-policy"] = policy.replace(
            "connect-src 'self'", f"connect-src 'self' https://{DOMAIN}"
        )
        route.fulfill(response=response, headers=headers)

    def authorize(route: Any) -> None:
        query = parse_qs(urlsplit(route.request.url).query)
        seen["authorize"] = query
        back = f"{site}/?code=the-code&state={query['state'][0]}"
        # A new navigation (not a redirect), so the site's own page handler sees it.
        refresh = f'<meta http-equiv="refresh" content="0;url={back}">'
        route.fulfill(content_type="text/html", body=refresh)

    def token_endpoint(route: Any) -> None:
        seen["token_request"] = parse_qs(route.request.post_data)
        route.fulfill(
            json={"id_token": token, "access_token": "access", "token_type": "Bearer"},
            headers={"Access-Control-Allow-Origin": site},
        )

    def api(route: Any) -> None:
        seen["bearers"].add(route.request.headers.get("authorization"))
        if route.request.url.endswith("/api/me"):
            # What the API Lambda answers for this ID token (its email, its group's role).
            me = {
                "name": "reviewer@example.test",
                "roles": ["reviewer"],
                "permissions": ["review"],
            }
            route.fulfill(json=me)
            return
        headers = {**route.request.headers, "authorization": f"Bearer {server.token}"}
        route.continue_(headers=headers)

    page.route(f"{site}/config.json", config)
    page.route(lambda url: url.startswith(site) and urlsplit(url).path == "/", site_page)
    page.route(f"https://{DOMAIN}/oauth2/authorize*", authorize)
    page.route(f"https://{DOMAIN}/oauth2/token", token_endpoint)
    page.route(f"{site}/api/**", api)

    page.goto(server.url)
    page.get_by_role("button", name="Sign in with your organisation account").click()
    page.wait_for_selector("table.document-table tbody tr[data-id]")

    authorize_query = seen["authorize"]
    assert authorize_query["response_type"] == ["code"]
    assert authorize_query["client_id"] == [CLIENT_ID]
    assert authorize_query["redirect_uri"] == [f"{site}/"]
    assert authorize_query["code_challenge_method"] == ["S256"]
    exchange = seen["token_request"]
    assert exchange["grant_type"] == ["authorization_code"]
    assert exchange["code"] == ["the-code"]
    verifier = exchange["code_verifier"][0]
    assert len(verifier) >= 43
    challenge = b64url(hashlib.sha256(verifier.encode()).digest())
    assert authorize_query["code_challenge"] == [challenge]

    assert seen["bearers"] == {f"Bearer {token}"}
    assert page.locator("#user-label").inner_text() == "reviewer@example.test"
    assert page.locator("#role-label").text_content() == "reviewer"
    assert "code=" not in page.url
    assert page.evaluate("sessionStorage.getItem('meddoc.token')") == token
    assert page.evaluate("sessionStorage.getItem('meddoc.pkce.verifier')") is None
    assert page.evaluate("localStorage.length") == 0

    page.route(f"https://{DOMAIN}/logout*", lambda route: route.fulfill(body="signed out"))
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"https://{DOMAIN}/logout*")
    logout = parse_qs(urlsplit(page.url).query)
    assert logout == {"client_id": [CLIENT_ID], "logout_uri": [f"{site}/"]}
