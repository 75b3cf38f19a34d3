// The dialog to correct a form field's value or a table cell's text as read on the page.
// Small on purpose: its Save button is in sight on a 1280x720 screen.

import { field, h } from "./dom.js";
import { MASK } from "./offsets.js";

/**
 * Ask for the value as it should read. `what` names the field or cell ("Smoker:",
 * "Value, row 2"); `current` is the value as shown (masked PHI cannot be corrected
 * without revealing it). Resolves to {value, note} or null.
 */
export function editValue({ title, what, current, canReveal = true }) {
  const masked = current.includes(MASK);
  const value = h("input", {
    id: "sf-value",
    value: masked ? "" : current,
    autocomplete: "off",
    maxlength: 2000,
    class: "wide-input",
  });
  const note = h("textarea", { id: "sf-note", rows: 2, maxlength: 2000 });
  const problem = h("p", { class: "form-problem", role: "alert" });
  if (masked) {
    problem.textContent = canReveal
      ? "This value contains masked PHI: reveal PHI first to correct it."
      : "This value contains masked PHI: an admin, who may reveal it, can correct it.";
  }
  const submit = h(
    "button",
    { class: "btn btn-primary", value: "save", id: "sf-save", disabled: masked },
    "Save correction",
  );
  const form = h(
    "form",
    { method: "dialog", class: "structure-form" },
    h("h2", { id: "sf-title" }, title),
    h("p", { class: "muted" }, "As read: ", h("q", { class: "as-read" }, current || "(empty)")),
    field(`New value of ${what}`, value),
    problem,
    field("Note for the audit trail (optional)", note),
    h(
      "div",
      { class: "dialog-actions" },
      // Not a submit button: Enter in the value field saves (the form's only submitter).
      h(
        "button",
        { type: "button", class: "btn", onclick: () => dialog.close("cancel") },
        "Cancel",
      ),
      submit,
    ),
  );
  const dialog = h(
    "dialog",
    { class: "dialog structure-dialog", "aria-labelledby": "sf-title" },
    form,
  );
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      const saved = dialog.returnValue === "save";
      dialog.remove();
      resolve(saved ? { value: value.value.trim(), note: note.value.trim() } : null);
    });
    dialog.showModal();
    value.focus();
    value.select();
  });
}
