// The review site's entry point: config, sign-in, who the user is and what they may do
// (GET /api/me), routes (#/ list, #/documents/<id>), and the keyboard shortcuts.

import { Api } from "./api.js";
import { Session } from "./auth.js";
import { anyDialogOpen, showHelp } from "./dialogs.js";
import { fill, h } from "./dom.js";
import { DocumentView } from "./document-view.js";
import { filtersFromParams, filtersToHash } from "./list-filters.js";
import { ListView } from "./list.js";
import { loginView } from "./login.js";
import { notifyError } from "./notices.js";

const TYPING = "input, textarea, select, [contenteditable=''], [contenteditable='true']";

class App {
  constructor(config, session) {
    this.config = config;
    this.session = session;
    this.main = document.getElementById("main");
    this.view = null;
    this.me = null; // {name, roles, permissions} from /api/me
    this.listIds = [];
    this.filters = filtersFromParams(new URLSearchParams());
    this.api = new Api(
      config.apiBase,
      () => session.token(),
      () => this.unauthorized(),
    );
  }

  start() {
    const logout = document.getElementById("logout-button");
    logout.hidden = !this.session.needsLogin;
    logout.addEventListener("click", () => {
      this.session.logout();
      this.showLogin("You are logged out.");
    });
    document.getElementById("help-button").addEventListener("click", showHelp);
    document.getElementById("mode-label").textContent =
      this.config.mode === "aws" ? "AWS" : "Local";
    window.addEventListener("hashchange", () => this.route(true));
    document.addEventListener("keydown", (event) => this.keyed(event));
    this.route(false);
  }

  /** Whether the signed-in user's roles permit it ("reveal_phi", "delete", ...). */
  may(permission) {
    return Boolean(this.me?.permissions?.includes(permission));
  }

  async identify() {
    try {
      this.me = await this.api.get("/api/me");
    } catch (error) {
      this.me = null;
      notifyError(error);
    }
  }

  route(navigated) {
    if (!this.session.signedIn) {
      this.showLogin();
      return;
    }
    if (!this.me) {
      this.identify().then(() => this.me && this.route(navigated));
      return;
    }
    if (!this.me.permissions.length) {
      this.showNoAccess();
      return;
    }
    const hash = window.location.hash || "#/";
    const match = /^#\/documents\/([0-9A-Za-z_-]+)/.exec(hash);
    this.view?.destroy();
    this.onLogin = false;
    document.body.classList.remove("signed-out");
    this.showUser();
    if (match) {
      this.view = new DocumentView({ api: this.api, app: this, id: match[1] });
      document.title = "Document · meddoc review";
      this.mount(this.view.element, navigated);
      this.view.load().then(() => this.titled(navigated));
      if (!this.listIds.length) this.loadNeighbours();
    } else {
      const query = hash.includes("?") ? hash.slice(hash.indexOf("?") + 1) : "";
      this.filters = filtersFromParams(new URLSearchParams(query));
      this.view = new ListView({ api: this.api, app: this, filters: this.filters });
      document.title = "Documents · meddoc review";
      this.mount(this.view.element, navigated && !this.searchNext);
      if (this.searchNext) this.view.focusSearch();
      this.searchNext = false;
      this.view.load();
    }
  }

  mount(element, navigated) {
    fill(this.main, element);
    if (navigated) this.titled(true);
  }

  /** Move focus to the new page's heading, as a page load would for screen readers. */
  titled(navigated) {
    const title = document.getElementById("page-title");
    if (!title) return;
    if (this.view instanceof DocumentView && this.view.view) {
      document.title = `${this.view.view.record.name} · meddoc review`;
    }
    if (navigated) {
      title.setAttribute("tabindex", "-1");
      title.focus({ preventScroll: false });
    }
  }

  showUser() {
    const roles = this.me.roles.join(", ");
    document.getElementById("user-label").textContent = this.me.name;
    const role = document.getElementById("role-label");
    role.textContent = roles;
    role.hidden = !roles;
    role.title = this.may("reveal_phi")
      ? "Admin: may reveal PHI, export it, delete and reprocess in bulk"
      : "Reviewer: PHI stays masked; an admin reveals, exports PHI and deletes";
  }

  /** Signed in, but in no meddoc role (a Cognito user in neither group). */
  showNoAccess() {
    this.view?.destroy();
    this.view = null;
    document.body.classList.remove("signed-out");
    document.getElementById("user-label").textContent = this.me.name;
    document.getElementById("role-label").hidden = true;
    document.title = "No access · meddoc review";
    const card = h(
      "section",
      { class: "login-card", "aria-labelledby": "page-title" },
      h("h1", { id: "page-title", tabindex: -1 }, "No access yet"),
      h(
        "p",
        { role: "alert" },
        `You are signed in as ${this.me.name}, but your account has no meddoc role. ` +
          "Ask an administrator to add you to the reviewers or admins group, then sign in again.",
      ),
    );
    fill(this.main, h("div", { class: "login-view" }, card));
  }

  showLogin(message) {
    this.view?.destroy();
    this.view = null;
    this.me = null;
    this.onLogin = true;
    document.body.classList.add("signed-out");
    document.title = "Sign in · meddoc review";
    document.getElementById("logout-button").hidden = true;
    fill(
      this.main,
      loginView({
        session: this.session,
        api: this.api,
        message,
        onSignedIn: (me) => {
          document.getElementById("logout-button").hidden = !this.session.needsLogin;
          this.me = me;
          this.route(true);
        },
      }),
    );
    document.getElementById("token")?.focus();
  }

  unauthorized() {
    if (this.onLogin) return; // the sign-in form reports it itself
    this.session.forget();
    this.me = null;
    this.showLogin("Your session has ended or the token is not valid. Sign in again.");
  }

  showList(filters) {
    const hash = filtersToHash(filters);
    if (window.location.hash === hash) this.route(false);
    else window.location.hash = hash;
  }

  // --- the list a document was opened from, for previous / next -----------------------

  rememberList(ids) {
    this.listIds = ids;
  }

  forget(id) {
    this.listIds = this.listIds.filter((other) => other !== id);
  }

  async loadNeighbours() {
    try {
      const result = await this.api.get("/api/documents", { limit: 100 });
      this.listIds = result.items.map((r) => r.id);
      if (this.view instanceof DocumentView && this.view.view) this.view.render();
    } catch (error) {
      notifyError(error);
    }
  }

  neighbours(id) {
    const at = this.listIds.indexOf(id);
    if (at < 0) return { previous: null, next: null, position: 0, total: this.listIds.length };
    return {
      previous: this.listIds[at - 1] || null,
      next: this.listIds[at + 1] || null,
      position: at + 1,
      total: this.listIds.length,
    };
  }

  step(id, step) {
    const around = this.neighbours(id);
    const target = step > 0 ? around.next : around.previous;
    if (target) window.location.hash = `#/documents/${target}`;
  }

  // --- keyboard shortcuts -------------------------------------------------------------

  keyed(event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest?.(TYPING) || anyDialogOpen() || this.onLogin) return;
    if (event.key === "?") {
      event.preventDefault();
      showHelp();
    } else if (event.key === "/") {
      event.preventDefault();
      this.focusSearch();
    } else if (this.view?.shortcut?.(event.key)) {
      event.preventDefault();
    }
  }

  focusSearch() {
    if (this.view instanceof ListView) {
      this.view.focusSearch();
      return;
    }
    this.searchNext = true;
    window.location.hash = filtersToHash(this.filters);
  }
}

async function boot() {
  let config;
  try {
    const response = await fetch("config.json", { cache: "no-store" });
    config = await response.json();
  } catch {
    fill(
      document.getElementById("main"),
      h(
        "p",
        { class: "boot-message", role: "alert" },
        "The site's configuration (config.json) could not be loaded.",
      ),
    );
    return;
  }
  const session = new Session(config);
  try {
    await session.finishCognitoLogin();
  } catch (error) {
    notifyError(error);
  }
  new App(config, session).start();
}

boot();
