// The dialog to correct or add an entity: offsets into the analysed text (with a live
// preview of the words they cover), category, type, code and whether it is negated.

import { field, h, select } from "./dom.js";
import { CATEGORIES, CODE_SYSTEMS, ENTITY_TYPES } from "./labels.js";
import { MASK } from "./offsets.js";

function bestConcept(entity) {
  const concepts = [...(entity.concepts || [])].sort((a, b) => b.score - a.score);
  return concepts[0] || null;
}

function numberInput(id, value, max) {
  return h("input", {
    type: "number",
    id,
    min: 0,
    max,
    step: 1,
    value: String(value),
    required: true,
    class: "narrow",
  });
}

/**
 * Ask for an entity as it should be. `entity` is the one corrected (or a draft from the
 * text selection when adding); resolves to the API's CorrectionRequest fields or null.
 * `canReveal`: whether the user may reveal PHI (which masked text needs, to be corrected).
 */
export function editEntity({ kind, entity, text, canReveal = true }) {
  const concept = bestConcept(entity);
  const begin = numberInput("ef-begin", entity.begin, text.length);
  const end = numberInput("ef-end", entity.end, text.length);
  const preview = h("output", {
    class: "offset-preview",
    for: "ef-begin ef-end",
    "aria-live": "polite",
  });
  const problem = h("p", { class: "form-problem", role: "alert" });
  const category = select(
    { id: "ef-category", required: true },
    CATEGORIES.map(([c, l]) => [c, l]),
    entity.category || "MEDICAL_CONDITION",
  );
  const types = h("datalist", { id: "ef-types" });
  const type = h("input", {
    id: "ef-type",
    list: "ef-types",
    value: entity.type || "",
    required: true,
    autocomplete: "off",
  });
  const system = select(
    { id: "ef-system" },
    CODE_SYSTEMS.map((c) => [c, c]),
    concept?.system || "ICD-10-CM",
  );
  const code = h("input", {
    id: "ef-code",
    value: concept?.code || "",
    autocomplete: "off",
    class: "narrow",
    pattern: "[A-Za-z0-9.\\-]{0,20}",
  });
  const description = h("input", {
    id: "ef-description",
    value: concept?.description || "",
    autocomplete: "off",
  });
  const negated = h("input", {
    type: "checkbox",
    id: "ef-negated",
    checked: (entity.traits || []).some((t) => t.name === "NEGATION"),
  });
  const note = h("textarea", { id: "ef-note", rows: 2 });
  const submit = h(
    "button",
    { class: "btn btn-primary", value: "save" },
    kind === "ADD" ? "Add entity" : "Save correction",
  );

  const fillTypes = () => {
    types.replaceChildren(
      ...(ENTITY_TYPES[category.value] || []).map((t) => h("option", { value: t })),
    );
  };
  const update = () => {
    const from = Number(begin.value);
    const to = Number(end.value);
    const valid =
      Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from < to && to <= text.length;
    const chosen = valid ? text.slice(from, to) : "";
    preview.textContent = valid ? `“${chosen}”` : "—";
    let message = "";
    if (!valid) message = "The end must come after the start, inside the text.";
    else if (chosen.includes(MASK))
      message = canReveal
        ? "This text contains masked PHI: reveal PHI first to correct it."
        : "This text contains masked PHI: an admin, who may reveal it, can correct it.";
    problem.textContent = message;
    submit.disabled = Boolean(message);
  };
  category.addEventListener("change", () => {
    fillTypes();
    const known = ENTITY_TYPES[category.value] || [];
    if (known.length && !known.includes(type.value)) type.value = known[0];
  });
  begin.addEventListener("input", update);
  end.addEventListener("input", update);
  fillTypes();
  update();

  const title = kind === "ADD" ? "Add an entity" : "Correct an entity";
  const form = h(
    "form",
    { method: "dialog", class: "entity-form" },
    h("h2", { id: "ef-title" }, title),
    h(
      "fieldset",
      { class: "form-grid" },
      h("legend", {}, "Text"),
      field("Start offset", begin),
      field("End offset", end),
      h("div", { class: "field wide" }, h("span", { class: "label" }, "Covers"), preview),
      problem,
    ),
    h(
      "fieldset",
      { class: "form-grid" },
      h("legend", {}, "Meaning"),
      field("Category", category),
      field("Type", type, "e.g. DX_NAME, GENERIC_NAME, TEST_NAME"),
      types,
      h(
        "div",
        { class: "field check" },
        negated,
        h("label", { for: "ef-negated" }, "Negated (e.g. “denies fever”)"),
      ),
    ),
    h(
      "fieldset",
      { class: "form-grid" },
      h("legend", {}, "Code"),
      field("System", system),
      field("Code", code, "Leave empty for no code"),
      h(
        "div",
        { class: "field wide" },
        h("label", { for: "ef-description" }, "Description"),
        description,
      ),
    ),
    field("Note for the audit trail (optional)", note),
    h(
      "div",
      { class: "dialog-actions" },
      h("button", { class: "btn", value: "cancel", formnovalidate: true }, "Cancel"),
      submit,
    ),
  );
  const dialog = h("dialog", { class: "dialog dialog-wide", "aria-labelledby": "ef-title" }, form);
  document.body.append(dialog);

  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      const saved = dialog.returnValue === "save";
      dialog.remove();
      if (!saved) return resolve(null);
      const from = Number(begin.value);
      const to = Number(end.value);
      resolve({
        kind,
        entity_id: kind === "ADD" ? null : entity.id,
        note: note.value.trim(),
        entity: {
          text: text.slice(from, to),
          begin: from,
          end: to,
          category: category.value,
          type: type.value.trim().toUpperCase().replace(/\s+/g, "_"),
          code: code.value.trim(),
          code_system: system.value,
          code_description: description.value.trim(),
          negated: negated.checked,
        },
      });
    });
    dialog.showModal();
    (kind === "ADD" ? category : begin).focus();
  });
}
