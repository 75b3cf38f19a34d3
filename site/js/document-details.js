// What the engines did with the document (versions, language, notes) and the PHI they
// found (masked unless revealed), for reviewers who need to know why a result looks odd.

import { h } from "./dom.js";
import { formatDate, formatScore, typeLabel } from "./labels.js";

function definition(term, value) {
  if (value === undefined || value === null || value === "") return [];
  return [h("dt", {}, term), h("dd", {}, value)];
}

function phiTable(phi) {
  if (!phi.length) return h("p", { class: "muted" }, "No PHI was detected.");
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "data-table compact-table phi-table" },
      h("caption", { class: "visually-hidden" }, "Protected health information found"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["Type", "Text", "Score"].map((name) => h("th", { scope: "col" }, name)),
        ),
      ),
      h(
        "tbody",
        {},
        phi.map((entity) =>
          h(
            "tr",
            {},
            h("td", {}, typeLabel(entity.type)),
            h("td", { class: "phi-text" }, entity.text),
            h("td", { class: "num" }, formatScore(entity.score)),
          ),
        ),
      ),
    ),
  );
}

export function documentDetails(view) {
  const record = view.record;
  const document = view.document;
  const language = document?.language;
  const medical = document?.medical;
  const notes = [language?.note, medical?.note].filter(Boolean).join(" ");
  const engines = (document?.engines?.length ? document.engines : record.engines) || [];
  const phi = [
    ...(medical?.phi || []),
    ...(language?.pii || []).map((p) => ({ ...p, type: p.type })),
  ];
  return h(
    "section",
    { class: "panel details", "aria-labelledby": "details-title" },
    h("div", { class: "panel-head" }, h("h2", { id: "details-title" }, "Processing details")),
    h(
      "dl",
      { class: "facts" },
      definition("Received", formatDate(record.created_at)),
      definition("Updated", formatDate(record.updated_at)),
      definition(
        "File",
        [record.content_type, `${record.size.toLocaleString()} bytes`].filter(Boolean).join(", "),
      ),
      definition("Attempts", String(record.attempts)),
      definition(
        "Language",
        language ? `${language.language.code} (${formatScore(language.language.score)})` : "",
      ),
      definition("Sentiment", language?.sentiment?.label?.toLowerCase()),
      definition("Analysed text", medical ? medical.text_source : ""),
      definition("Notes", notes),
      definition("Document id", h("code", { class: "doc-id" }, record.id)),
    ),
    h(
      "details",
      { class: "engines" },
      h("summary", {}, `Engines (${engines.length})`),
      h(
        "ul",
        {},
        engines.map((e) => h("li", {}, h("strong", {}, e.name), " ", e.version)),
      ),
    ),
    h(
      "details",
      { class: "phi-list", open: false },
      h(
        "summary",
        {},
        // The count the server keeps (meddoc.privacy: every analysis, each PHI once).
        `Detected PHI (${record.summary?.phi ?? phi.length})`,
      ),
      phiTable(phi),
    ),
  );
}
