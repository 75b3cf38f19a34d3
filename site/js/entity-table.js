// The entity table: the reviewed entities with their attributes, codes and scores, and
// what review did to each (machine, corrected, added; removed ones stay visible).

import { fill, h, select } from "./dom.js";
import {
  CATEGORIES,
  categoryClass,
  categoryLabel,
  formatScore,
  MEANING_TRAITS,
  meaningTraits,
  readingLabel,
  sectionLabel,
  traitLabel,
  typeLabel,
} from "./labels.js";

export const ADDED_IDS_FROM = 100000;

/** The reviewed entities, each with `review`: machine | corrected | added | removed,
 * and `reading`: what the entity is read as in its section ({read_as, section}). */
export function entityRows(view) {
  const readings = new Map((view.readings || []).map((r) => [r.entity_id, r]));
  const machine = view.document?.medical?.entities || [];
  const corrected = new Set(
    (view.corrections || []).filter((c) => c.kind === "CORRECT").map((c) => c.entity_id),
  );
  const present = new Set(view.entities.map((e) => e.id));
  const rows = view.entities.map((entity) => {
    let review = "machine";
    if (entity.id >= ADDED_IDS_FROM) review = "added";
    else if (corrected.has(entity.id)) review = "corrected";
    return { ...entity, review, reading: readings.get(entity.id) };
  });
  for (const entity of machine) {
    if (!present.has(entity.id)) rows.push({ ...entity, review: "removed" });
  }
  return rows.sort((a, b) => a.begin - b.begin || a.end - b.end || a.id - b.id);
}

function traitBadges(entity) {
  return (entity.traits || []).map((trait) => {
    const meaning = MEANING_TRAITS[trait.name];
    return h(
      "span",
      {
        class: ["badge", meaning ? `badge-meaning ${meaning.css}` : "badge-plain"],
        title: `score ${formatScore(trait.score)}`,
      },
      traitLabel(trait.name),
    );
  });
}

function attributeList(entity) {
  if (!entity.attributes?.length) return "";
  return h(
    "ul",
    { class: "attr-list" },
    entity.attributes.map((a) =>
      h("li", {}, h("span", { class: "attr-type" }, typeLabel(a.type)), " ", a.text),
    ),
  );
}

function conceptLine(concept) {
  return [
    h("span", { class: "code" }, concept.code),
    " ",
    h("span", { class: "code-desc" }, concept.description),
    " ",
    h("span", { class: "score" }, formatScore(concept.score)),
  ];
}

function codeCell(entity) {
  const bySystem = new Map();
  for (const concept of entity.concepts || []) {
    bySystem.set(concept.system, [...(bySystem.get(concept.system) || []), concept]);
  }
  const blocks = [];
  for (const [system, concepts] of bySystem) {
    concepts.sort((a, b) => b.score - a.score);
    const [best, ...rest] = concepts;
    const block = h(
      "div",
      { class: "code-block" },
      h("span", { class: "code-system" }, system),
      " ",
      conceptLine(best),
    );
    if (rest.length) {
      block.append(
        h(
          "details",
          { class: "more-codes" },
          h("summary", {}, `${rest.length} more`),
          h(
            "ul",
            {},
            rest.map((c) => h("li", {}, conceptLine(c))),
          ),
        ),
      );
    }
    blocks.push(block);
  }
  return blocks.length ? blocks : h("span", { class: "muted" }, "—");
}

/** "Read as Allergy (Allergies)": how the exports use the entity where it sits. */
function readingLine(reading) {
  if (!reading) return "";
  const where = reading.section === "OTHER" ? "" : ` (${sectionLabel(reading.section)})`;
  return h(
    "div",
    { class: "entity-reading", title: "How the FHIR, JSON and CSV exports read it" },
    "Read as ",
    h("strong", {}, readingLabel(reading.read_as)),
    where,
  );
}

const REVIEW_TAGS = {
  machine: ["Machine", "tag-machine"],
  corrected: ["Corrected", "tag-corrected"],
  added: ["Added", "tag-added"],
  removed: ["Removed", "tag-removed"],
};

export class EntityTable {
  constructor({ onSelect, onEdit, onRemove }) {
    this.onSelect = onSelect;
    this.onEdit = onEdit;
    this.onRemove = onRemove;
    this.filter = "";
    this.rows = [];
    this.categoryFilter = select({ id: "entity-filter", class: "compact" }, [
      ["", "All categories"],
      ...CATEGORIES.map(([code, label]) => [code, label]),
    ]);
    this.categoryFilter.addEventListener("change", () => {
      this.filter = this.categoryFilter.value;
      this.renderBody();
    });
    this.count = h("span", { class: "muted count", "aria-live": "polite" });
    this.body = h("tbody");
    this.notes = h("p", { class: "coding-notes" });
    this.element = h(
      "section",
      { class: "panel entities", "aria-labelledby": "entities-title" },
      h(
        "div",
        { class: "panel-head" },
        h("h2", { id: "entities-title" }, "Entities"),
        this.count,
        h(
          "div",
          { class: "panel-tools" },
          h("label", { for: "entity-filter", class: "inline-label" }, "Show"),
          this.categoryFilter,
        ),
      ),
      this.notes,
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "data-table entity-table" },
          h(
            "caption",
            { class: "visually-hidden" },
            "Medical entities found in the document, as reviewed",
          ),
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ["Entity", "Details", "Codes", "Review", "Actions"].map((name) =>
                h("th", { scope: "col" }, name),
              ),
            ),
          ),
          this.body,
        ),
      ),
    );
  }

  render(view) {
    this.rows = entityRows(view);
    const coding = view.document?.medical?.coding || [];
    fill(
      this.notes,
      coding.map((c) =>
        h(
          "span",
          { class: "coding-note" },
          h("strong", {}, c.system),
          ": ",
          c.note || c.state.toLowerCase(),
        ),
      ),
    );
    this.renderBody();
  }

  renderBody() {
    const shown = this.rows.filter((row) => !this.filter || row.category === this.filter);
    const live = shown.filter((row) => row.review !== "removed").length;
    this.count.textContent = `${live} shown${shown.length > live ? `, ${shown.length - live} removed` : ""}`;
    if (!shown.length) {
      fill(this.body, h("tr", {}, h("td", { colspan: 5, class: "empty" }, "No entities.")));
      return;
    }
    fill(
      this.body,
      shown.map((row) => this.row(row)),
    );
  }

  row(entity) {
    const removed = entity.review === "removed";
    const meaning = meaningTraits(entity).map((name) => MEANING_TRAITS[name].css);
    const [tag, tagClass] = REVIEW_TAGS[entity.review];
    const name = h(
      "button",
      {
        type: "button",
        class: ["entity-link", categoryClass(entity.category), ...meaning],
        disabled: removed,
        "aria-label": `Show ${entity.text} in the text and on the page`,
        onclick: () => this.onSelect(entity.id),
      },
      entity.text,
    );
    const actions = removed
      ? ""
      : h(
          "div",
          { class: "row-actions" },
          h(
            "button",
            {
              type: "button",
              class: "btn btn-small",
              onclick: () => this.onEdit(entity),
              "aria-label": `Correct ${entity.text}`,
            },
            "Correct",
          ),
          h(
            "button",
            {
              type: "button",
              class: "btn btn-small btn-quiet-danger",
              onclick: () => this.onRemove(entity),
              "aria-label": `Remove ${entity.text}`,
            },
            "Remove",
          ),
        );
    return h(
      "tr",
      { class: [removed && "is-removed"], dataset: { e: entity.id } },
      h(
        "th",
        { scope: "row" },
        name,
        h(
          "div",
          { class: "entity-kind" },
          h(
            "span",
            { class: ["cat-chip", categoryClass(entity.category)] },
            categoryLabel(entity.category),
          ),
          " ",
          h("span", { class: "entity-type" }, typeLabel(entity.type)),
        ),
        readingLine(entity.reading),
      ),
      h("td", {}, traitBadges(entity), attributeList(entity)),
      h("td", { class: "codes" }, codeCell(entity)),
      h(
        "td",
        {},
        h("span", { class: ["tag", tagClass] }, tag),
        h(
          "div",
          { class: "score" },
          h("span", { class: "visually-hidden" }, "score "),
          formatScore(entity.score),
        ),
      ),
      h("td", {}, actions),
    );
  }

  highlight(entityId) {
    for (const row of this.body.querySelectorAll("tr.is-selected")) {
      row.classList.remove("is-selected");
      row.removeAttribute("aria-current");
    }
    const row =
      entityId === null ? null : this.body.querySelector(`tr[data-e="${Number(entityId)}"]`);
    if (row) {
      row.classList.add("is-selected");
      row.setAttribute("aria-current", "true");
    }
    return row;
  }
}
