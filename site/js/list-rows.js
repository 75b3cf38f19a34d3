// Rows and chips of the document list: status, review and document type chips, counts
// from the record's summary, the failure reason, and the quick filters by status.

import { h } from "./dom.js";
import { filtersToHash } from "./list-filters.js";
import { documentTypeLabel, formatDate, reviewLabel, STATUSES } from "./labels.js";

export const PENDING = new Set(["QUEUED", "RECEIVED", "PROCESSING"]);

export function statusChip(record) {
  return h("span", { class: ["chip", `chip-${record.status.toLowerCase()}`] }, record.status);
}

/** The kind of document (Summary.document_type); nothing until it is known. */
export function typeChip(summary) {
  const type = summary?.document_type;
  if (!type) return "";
  return h(
    "span",
    { class: "chip chip-type", dataset: { type }, title: "Document type" },
    documentTypeLabel(type),
  );
}

export function reviewChip(review) {
  const status = review?.status || "UNREVIEWED";
  return h("span", { class: ["chip", `review-${status.toLowerCase()}`] }, reviewLabel(status));
}

function count(value, label) {
  return h(
    "td",
    { class: "num" },
    h("span", { class: "visually-hidden" }, `${label}: `),
    String(value ?? "—"),
  );
}

/** Counts by status (from the health route), each a link that filters the list. */
export function statusCounts(byStatus, filters) {
  const total = Object.values(byStatus).reduce((sum, n) => sum + n, 0);
  const link = (status, label, n) =>
    h(
      "li",
      {},
      h(
        "a",
        {
          href: filtersToHash({ ...filters, status }),
          class: ["count-link", status && `count-${status.toLowerCase()}`],
          "aria-current": filters.status === status ? "true" : null,
        },
        label,
        " ",
        h("span", { class: "count-number" }, String(n)),
      ),
    );
  return [
    link("", "All", total),
    ...STATUSES.map((status) =>
      link(status, status.charAt(0) + status.slice(1).toLowerCase(), byStatus[status] || 0),
    ),
  ];
}

/** One document's row; `onToggle(checked)` follows its selection box. */
export function documentRow(record, selected, onToggle) {
  const summary = record.summary || {};
  const box = h("input", {
    type: "checkbox",
    checked: selected,
    "aria-label": `Select ${record.name}`,
    dataset: { id: record.id },
  });
  box.addEventListener("change", () => onToggle(box.checked));
  const failure =
    record.status === "FAILED" && record.failure
      ? h("div", { class: "failure" }, `Failed in ${record.failure.step}: ${record.failure.reason}`)
      : "";
  const language = summary.language
    ? h("span", { class: "lang-tag" }, summary.language.toUpperCase())
    : "";
  return h(
    "tr",
    { dataset: { id: record.id }, class: [PENDING.has(record.status) && "is-pending"] },
    h("td", { class: "check" }, box),
    h(
      "th",
      { scope: "row" },
      h("a", { href: `#/documents/${record.id}`, class: "doc-link" }, record.name),
      " ",
      language,
      " ",
      typeChip(record.summary),
      failure,
    ),
    h("td", {}, statusChip(record)),
    h("td", {}, reviewChip(record.review)),
    count(record.page_count, "Pages"),
    count(summary.medications, "Medications"),
    count(summary.conditions, "Conditions"),
    count(summary.phi, "PHI"),
    h(
      "td",
      { class: "nowrap" },
      h("time", { datetime: record.created_at }, formatDate(record.created_at)),
    ),
  );
}
