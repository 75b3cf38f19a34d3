// The list's search form; its values live in the address (#/?q=...) so that back,
// forward and bookmarks keep a search.

import { field, h, select } from "./dom.js";
import { CATEGORIES, DOCUMENT_TYPES, REVIEW_STATUSES, reviewLabel, STATUSES } from "./labels.js";

export const FILTER_NAMES = [
  "q",
  "status",
  "review",
  "type",
  "entity",
  "category",
  "code",
  "from",
  "to",
];

export function filtersFromParams(params) {
  const filters = {};
  for (const name of FILTER_NAMES) filters[name] = params.get(name) || "";
  return filters;
}

export function filtersToHash(filters) {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) if (filters[name]) params.set(name, filters[name]);
  const text = params.toString();
  return text ? `#/?${text}` : "#/";
}

function localDay(value, plusDays = 0) {
  const [year, month, day] = value.split("-").map(Number);
  return new Date(year, month - 1, day + plusDays).toISOString();
}

/** The API's query for these filters: dates are whole local days. */
export function readFilters(filters) {
  const query = {
    q: filters.q,
    status: filters.status,
    review: filters.review,
    document_type: filters.type,
    entity: filters.entity,
    category: filters.entity ? filters.category : "",
    code: filters.code,
  };
  if (filters.from) query.since = localDay(filters.from);
  if (filters.to) query.until = localDay(filters.to, 1);
  return query;
}

export function filterForm(filters, onChange) {
  const search = h("input", {
    type: "search",
    id: "search",
    name: "q",
    value: filters.q,
    placeholder: "Words in the text, e.g. metformin",
    maxlength: 200,
    "aria-keyshortcuts": "/",
  });
  const status = select(
    { id: "f-status", name: "status" },
    [["", "Any status"], ...STATUSES.map((s) => [s, s])],
    filters.status,
  );
  const review = select(
    { id: "f-review", name: "review" },
    [["", "Any review"], ...REVIEW_STATUSES.map((s) => [s, reviewLabel(s)])],
    filters.review,
  );
  const type = select(
    { id: "f-type", name: "type" },
    [["", "Any type"], ...DOCUMENT_TYPES],
    filters.type,
  );
  const entity = h("input", {
    id: "f-entity",
    name: "entity",
    value: filters.entity,
    maxlength: 200,
    placeholder: "e.g. hypertension",
  });
  const category = select(
    { id: "f-category", name: "category" },
    [["", "Any category"], ...CATEGORIES.map(([c, l]) => [c, l])],
    filters.category,
  );
  const code = h("input", {
    id: "f-code",
    name: "code",
    value: filters.code,
    maxlength: 20,
    placeholder: "e.g. I10",
  });
  const from = h("input", { type: "date", id: "f-from", name: "from", value: filters.from });
  const to = h("input", { type: "date", id: "f-to", name: "to", value: filters.to });
  const form = h(
    "form",
    { class: "filters", role: "search", "aria-label": "Search documents" },
    h(
      "div",
      { class: "filter-main" },
      field("Search", search),
      h("button", { type: "submit", class: "btn btn-primary" }, "Search"),
      h("button", { type: "reset", class: "btn" }, "Clear filters"),
    ),
    h(
      "div",
      { class: "filter-grid" },
      field("Status", status),
      field("Review", review),
      field("Document type", type),
      field("Entity", entity),
      field("Entity category", category),
      field("ICD-10 / RxNorm code", code),
      field("Received from", from),
      field("Received to", to),
    ),
  );
  const current = () =>
    Object.fromEntries(FILTER_NAMES.map((name) => [name, form.elements[name].value.trim()]));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    onChange(current());
  });
  form.addEventListener("reset", (event) => {
    event.preventDefault();
    onChange(Object.fromEntries(FILTER_NAMES.map((name) => [name, ""])));
  });
  for (const control of [status, review, type, category, from, to]) {
    control.addEventListener("change", () => onChange(current()));
  }
  return form;
}
