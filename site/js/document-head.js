// The document view's head: name, status and review chips, previous/next document, and
// the action bar (review, PHI, exports, reprocess, delete). Actions the user's role does
// not permit (revealing or exporting PHI, deleting) are left out.

import { arrow, h } from "./dom.js";
import { EXPORT_FORMATS } from "./downloads.js";
import { formatScore } from "./labels.js";
import { PENDING, reviewChip, statusChip, typeChip } from "./list-rows.js";

function facts(record) {
  const summary = record.summary;
  const items = [`${record.page_count} page${record.page_count === 1 ? "" : "s"}`];
  if (summary) {
    if (summary.language)
      items.push(`language ${summary.language}${summary.translated ? " (translated)" : ""}`);
    items.push(`${summary.words} words`);
    if (summary.handwriting_words) items.push(`${summary.handwriting_words} handwritten`);
    items.push(`mean confidence ${formatScore(summary.mean_confidence)}`);
  }
  return items.join(" · ");
}

/**
 * @param {object} view the API's DocumentView
 * @param {object} neighbours {previous, next, position, total}
 * @param {object} on handlers: review(status), reveal(), hide(), exportAs(format, phi),
 *   reprocess(), remove(), go(step)
 * @param {(permission: string) => boolean} may what the signed-in user may do
 */
export function documentHead(view, neighbours, on, may) {
  const record = view.record;
  const done = record.status === "DONE";
  const pending = PENDING.has(record.status);
  const review = record.review?.status || "UNREVIEWED";
  const button = (label, handler, props = {}) =>
    h("button", { type: "button", class: "btn", onclick: handler, ...props }, label);

  const nav = h(
    "nav",
    { class: "doc-nav", "aria-label": "Documents in the list" },
    button([arrow(-1), " Previous"], () => on.go(-1), {
      disabled: !neighbours.previous,
      "aria-keyshortcuts": "k p",
      id: "prev-doc",
      "aria-label": "Previous document",
    }),
    h(
      "span",
      { class: "muted" },
      neighbours.position ? `${neighbours.position} of ${neighbours.total}` : "",
    ),
    button(["Next ", arrow(1)], () => on.go(1), {
      disabled: !neighbours.next,
      "aria-keyshortcuts": "j n",
      id: "next-doc",
      "aria-label": "Next document",
    }),
  );

  const reviewGroup = h(
    "div",
    { class: "btn-group", role: "group", "aria-label": "Review" },
    button("Approve", () => on.review("APPROVED"), {
      class: ["btn", "btn-approve", review === "APPROVED" && "is-active"],
      disabled: !done,
      "aria-pressed": String(review === "APPROVED"),
      "aria-keyshortcuts": "a",
      id: "approve",
    }),
    button("Flag", () => on.review("FLAGGED"), {
      class: ["btn", "btn-flag", review === "FLAGGED" && "is-active"],
      "aria-pressed": String(review === "FLAGGED"),
      "aria-keyshortcuts": "f",
      id: "flag",
    }),
    button("Unreview", () => on.review("UNREVIEWED"), {
      disabled: review === "UNREVIEWED",
      id: "unreview",
    }),
  );

  let phi = null;
  if (view.phi_revealed) {
    phi = button("Hide PHI", on.hide, { id: "hide-phi" });
  } else if (may("reveal_phi")) {
    phi = button("Reveal PHI", on.reveal, {
      id: "reveal-phi",
      disabled: !done,
      class: "btn btn-warn",
    });
  }

  const includePhi = h("input", { type: "checkbox", id: "export-phi" });
  const exports = h(
    "div",
    { class: "btn-group", role: "group", "aria-labelledby": "export-label" },
    h("span", { class: "bulk-label", id: "export-label" }, "Export"),
    EXPORT_FORMATS.map(([format, label]) =>
      button(label, () => on.exportAs(format, includePhi.checked), {
        class: "btn btn-small",
        id: `export-${format}`,
      }),
    ),
    may("export_phi") &&
      h("label", { class: "toggle small", for: "export-phi" }, includePhi, "with PHI"),
  );

  const more = h(
    "div",
    { class: "btn-group", role: "group", "aria-label": "Processing" },
    button("Reprocess", on.reprocess, { disabled: pending, id: "reprocess" }),
    may("delete") && button("Delete", on.remove, { class: "btn btn-danger", id: "delete" }),
  );

  return h(
    "header",
    { class: "doc-head" },
    h(
      "div",
      { class: "doc-title-row" },
      h(
        "a",
        { href: "#/", class: "back-link", "aria-label": "Back to documents" },
        arrow(-1),
        " Documents",
      ),
      h("h1", { id: "page-title", class: "doc-title" }, record.name),
      statusChip(record),
      reviewChip(record.review),
      typeChip(record.summary),
      nav,
    ),
    h("p", { class: "muted doc-facts" }, facts(record)),
    h(
      "div",
      { class: "action-bar", role: "group", "aria-label": "Document actions" },
      reviewGroup,
      phi,
      exports,
      more,
    ),
  );
}
