// The sign-in screen: a pasted access token locally, the Cognito hosted UI on AWS.

import { field, h } from "./dom.js";

export function loginView({ session, api, message, onSignedIn }) {
  const problem = h("p", { class: "form-problem", role: "alert" }, message || "");
  const card = h("section", { class: "login-card", "aria-labelledby": "page-title" });
  card.append(h("h1", { id: "page-title", tabindex: -1 }, "Sign in to meddoc review"));

  if (session.kind === "cognito") {
    const button = h(
      "button",
      { type: "button", class: "btn btn-primary btn-wide", id: "cognito-login" },
      "Sign in with your organisation account",
    );
    button.addEventListener("click", () => {
      button.disabled = true;
      session.startCognitoLogin().catch((error) => {
        button.disabled = false;
        problem.textContent = error.message;
      });
    });
    card.append(
      h("p", { class: "muted" }, "You will be sent to the sign-in page and brought back here."),
      problem,
      button,
    );
    return h("div", { class: "login-view" }, card);
  }

  const token = h("input", {
    type: "password",
    id: "token",
    name: "token",
    required: true,
    autocomplete: "off",
    spellcheck: "false",
  });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-wide" }, "Sign in");
  const form = h(
    "form",
    { class: "login-form" },
    field(
      "Access token",
      token,
      "Printed in the terminal by “meddoc serve” (or “make run”). It is kept only in this browser tab.",
    ),
    problem,
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = token.value.trim();
    if (!value) return;
    submit.disabled = true;
    problem.textContent = "";
    session.useToken(value);
    try {
      onSignedIn(await api.get("/api/me"));
    } catch (error) {
      session.forget();
      problem.textContent =
        error.status === 401
          ? "That token was not accepted. Check it and try again."
          : error.message;
      submit.disabled = false;
      token.focus();
      token.select();
    }
  });
  card.append(form);
  return h("div", { class: "login-view" }, card);
}
