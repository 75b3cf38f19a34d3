// Exports (JSON, CSV of entities or of fields, FHIR) fetched with the bearer token and saved through blob: URLs.

import { h } from "./dom.js";

export const EXPORT_FORMATS = [
  ["json", "JSON"],
  ["csv", "CSV"],
  ["fields_csv", "Fields CSV"],
  ["fhir", "FHIR"],
];

const EXTENSIONS = { json: "json", csv: "csv", fields_csv: "fields.csv", fhir: "fhir.json" };

function save(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: filename, class: "visually-hidden" }, filename);
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by now; the URL can go soon after.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function suggestedName(format, ids) {
  const stem =
    ids.length === 1 ? `meddoc-${ids[0].slice(0, 12)}` : `meddoc-${ids.length}-documents`;
  return `${stem}.${EXTENSIONS[format]}`;
}

/** Export documents; `includePhi` asks for unmasked text (recorded in the audit trail). */
export async function exportDocuments(api, ids, format, includePhi = false) {
  const fallbackName = suggestedName(format, ids);
  const { blob } = await api.download("POST", "/api/exports", {
    body: { ids, format, include_phi: includePhi, include_patient: includePhi },
    fallbackName,
  });
  // The server names every export alike; the id and format make saved files tell apart.
  save(blob, fallbackName);
  return fallbackName;
}
