// Messages for people: short-lived toasts, and announcements for screen readers.

import { h } from "./dom.js";

const TOAST_MS = 6000;

/** Say something to screen-reader users without moving focus. */
export function announce(message) {
  const announcer = document.getElementById("announcer");
  // Clearing first makes a repeated message be read again.
  announcer.textContent = "";
  window.setTimeout(() => {
    announcer.textContent = message;
  }, 50);
}

/** Show a toast; errors stay until dismissed. */
export function notify(message, kind = "info") {
  const region = document.getElementById("toasts");
  const close = h("button", { type: "button", class: "toast-close", "aria-label": "Dismiss" }, "×");
  const toast = h(
    "div",
    { class: ["toast", `toast-${kind}`], role: kind === "error" ? "alert" : null },
    h("span", { class: "toast-text" }, message),
    close,
  );
  close.addEventListener("click", () => toast.remove());
  region.append(toast);
  if (kind !== "error") window.setTimeout(() => toast.remove(), TOAST_MS);
  return toast;
}

export function notifyError(error) {
  if (error && error.status === 401) return; // the login screen says it
  if (error && error.status === 403) {
    // What the user's role does not permit (the API says which role it needs).
    notify(`Not allowed: ${error.message}. Ask an admin if you need this.`, "error");
    return;
  }
  notify(error?.message || String(error), "error");
}
