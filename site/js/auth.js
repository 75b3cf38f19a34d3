// Who the reviewer is: a pasted token locally, or Cognito's hosted UI (authorization
// code + PKCE) on AWS. Tokens live in sessionStorage only: closing the tab logs out.

const TOKEN_KEY = "meddoc.token";
const VERIFIER_KEY = "meddoc.pkce.verifier";
const STATE_KEY = "meddoc.pkce.state";
const RETURN_KEY = "meddoc.pkce.return";

function base64Url(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomString(length) {
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  return base64Url(bytes).slice(0, length);
}

async function challengeOf(verifier) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

function jwtClaims(token) {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(payload));
  } catch {
    return null;
  }
}

function cognitoOrigin(domain) {
  const trimmed = String(domain).replace(/\/+$/, "");
  return trimmed.startsWith("https://") ? trimmed : `https://${trimmed}`;
}

export class Session {
  constructor(config) {
    this.config = config;
    this.kind = config.auth || "token";
  }

  get needsLogin() {
    return this.kind !== "none";
  }

  token() {
    if (this.kind === "none") return null;
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token && this.kind === "cognito") {
      const claims = jwtClaims(token);
      if (!claims || (claims.exp && claims.exp * 1000 < Date.now() + 30_000)) return null;
    }
    return token;
  }

  get signedIn() {
    return !this.needsLogin || Boolean(this.token());
  }

  /** The name to show: the JWT's email or user name on AWS (locally there is one user). */
  get user() {
    const token = this.token();
    if (this.kind !== "cognito" || !token) return "";
    const claims = jwtClaims(token) || {};
    return claims.email || claims["cognito:username"] || "";
  }

  useToken(token) {
    sessionStorage.setItem(TOKEN_KEY, token.trim());
  }

  forget() {
    sessionStorage.removeItem(TOKEN_KEY);
  }

  logout() {
    this.forget();
    if (this.kind === "cognito") {
      const { domain, clientId, redirectUri } = this.config.cognito;
      const params = new URLSearchParams({ client_id: clientId, logout_uri: redirectUri });
      window.location.assign(`${cognitoOrigin(domain)}/logout?${params}`);
    }
  }

  /** Send the browser to the Cognito hosted UI. */
  async startCognitoLogin() {
    const { domain, clientId, redirectUri, scopes } = this.config.cognito;
    const verifier = randomString(64);
    const state = randomString(32);
    sessionStorage.setItem(VERIFIER_KEY, verifier);
    sessionStorage.setItem(STATE_KEY, state);
    sessionStorage.setItem(RETURN_KEY, window.location.hash || "#/");
    const params = new URLSearchParams({
      response_type: "code",
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: (scopes || ["openid", "email"]).join(" "),
      state,
      code_challenge_method: "S256",
      code_challenge: await challengeOf(verifier),
    });
    window.location.assign(`${cognitoOrigin(domain)}/oauth2/authorize?${params}`);
  }

  /** Finish a Cognito login when the hosted UI sent us back with ?code=&state=. Returns
   * true when a login was completed, false when there was nothing to finish. */
  async finishCognitoLogin() {
    const url = new URL(window.location.href);
    const code = url.searchParams.get("code");
    if (this.kind !== "cognito" || !code) return false;
    const expected = sessionStorage.getItem(STATE_KEY);
    const verifier = sessionStorage.getItem(VERIFIER_KEY);
    const back = sessionStorage.getItem(RETURN_KEY) || "#/";
    sessionStorage.removeItem(STATE_KEY);
    sessionStorage.removeItem(VERIFIER_KEY);
    sessionStorage.removeItem(RETURN_KEY);
    window.history.replaceState(null, "", `${url.pathname}${back}`);
    if (!expected || url.searchParams.get("state") !== expected || !verifier) {
      throw new Error("The sign-in answer did not match this browser tab; sign in again.");
    }
    const { domain, clientId, redirectUri } = this.config.cognito;
    const response = await fetch(`${cognitoOrigin(domain)}/oauth2/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        client_id: clientId,
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      }),
    });
    if (!response.ok) throw new Error("Sign-in failed; try again.");
    const tokens = await response.json();
    // The ID token carries the email the API records as the reviewer.
    this.useToken(tokens.id_token || tokens.access_token);
    return true;
  }
}
