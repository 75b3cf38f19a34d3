// The review history (who, when, what, before and after) and the note form.

import { field, fill, h } from "./dom.js";
import { actionLabel, categoryLabel, formatDate, reviewLabel } from "./labels.js";

/** One side of a change, in words. Entity texts are read from the (masked) analysed
 * text at the entity's offsets, so the history never shows more PHI than the page. */
function describe(state, text) {
  if (!state) return "";
  if (state.status) return reviewLabel(state.status);
  if (typeof state.target === "string") {
    // A field or cell (FIELD / CELL): the value is masked by the server like the page.
    return `${state.label || state.target}: “${state.value ?? ""}”`;
  }
  if (typeof state.begin === "number") {
    const words = text.slice(state.begin, state.end) || state.text || "";
    const concept = (state.concepts || [])[0];
    const code = concept ? ` · ${concept.system} ${concept.code}` : "";
    return `“${words}” · ${categoryLabel(state.category)} · ${String(state.type || "").toLowerCase()}${code}`;
  }
  return "";
}

function change(event, text) {
  const before = describe(event.before, text);
  const after = describe(event.after, text);
  if (!before && !after) return null;
  return h(
    "p",
    { class: "audit-change" },
    before
      ? h("span", { class: "before" }, h("span", { class: "visually-hidden" }, "Before: "), before)
      : "",
    before && after ? h("span", { class: "arrow", "aria-hidden": "true" }, " → ") : "",
    after
      ? h("span", { class: "after" }, h("span", { class: "visually-hidden" }, "After: "), after)
      : "",
  );
}

export class AuditPanel {
  constructor({ onNote }) {
    this.onNote = onNote;
    this.list = h("ol", { class: "audit-list", reversed: true });
    this.noteInput = h("textarea", { id: "note-text", rows: 3, maxlength: 2000 });
    const form = h(
      "form",
      { class: "note-form" },
      field("Add a note", this.noteInput, "Notes are kept in the audit trail."),
      h("button", { class: "btn btn-primary", type: "submit" }, "Add note"),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = this.noteInput.value.trim();
      if (!text) {
        this.noteInput.focus();
        return;
      }
      if (await this.onNote(text)) this.noteInput.value = "";
    });
    this.element = h(
      "section",
      { class: "panel audit", "aria-labelledby": "audit-title" },
      h("div", { class: "panel-head" }, h("h2", { id: "audit-title" }, "Notes and history")),
      form,
      this.list,
    );
  }

  render(events, text) {
    const newest = [...events].sort((a, b) => String(b.at).localeCompare(String(a.at)));
    if (!newest.length) {
      fill(this.list, h("li", { class: "empty" }, "No review activity yet."));
      return;
    }
    fill(
      this.list,
      newest.map((event) =>
        h(
          "li",
          { class: ["audit-item", `audit-${event.action.toLowerCase()}`] },
          h(
            "div",
            { class: "audit-head" },
            h("strong", {}, actionLabel(event.action)),
            h(
              "span",
              { class: "muted" },
              " by ",
              event.actor,
              " · ",
              h("time", { datetime: event.at }, formatDate(event.at)),
            ),
          ),
          change(event, text),
          event.note ? h("p", { class: "audit-note" }, event.note) : "",
        ),
      ),
    );
  }
}
