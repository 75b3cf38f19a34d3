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

const POLL_MS = 1500;
const POLL_LIMIT_MS = 40 * 60 * 1000; // beyond the server's own deadline for a job

function pause(ms) {
  return new Promise((resolve) => window.setTimeout(resolve, ms));
}

/** A big export is a job on the server (202): asked for until it is DONE, then its
 * file is fetched (the API's own route: with the token) or opened (a presigned link to
 * the results bucket: no token, and the browser saves it as the link says). */
async function finishJob(api, job, fallbackName, onProgress) {
  const started = Date.now();
  if (job.status === "RUNNING") onProgress?.(`Exporting ${job.documents} documents…`);
  while (job.status === "RUNNING") {
    if (Date.now() - started > POLL_LIMIT_MS) throw new Error("The export is taking too long.");
    await pause(POLL_MS);
    job = await api.get(`/api/exports/${job.id}`);
  }
  if (job.status !== "DONE") throw new Error(`The export failed: ${job.reason}.`);
  const apiOrigin = new URL(api.base || "/", window.location.href).origin;
  const link = new URL(job.download_url, `${apiOrigin}/`);
  if (link.origin === apiOrigin) {
    const { blob } = await api.download("GET", link.pathname, { fallbackName });
    save(blob, fallbackName);
  } else {
    const anchor = h("a", { href: link.href, class: "visually-hidden" }, fallbackName);
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
  }
}

/** Export documents; `includePhi` asks for unmasked text (recorded in the audit trail).
 * `onProgress` hears about a long export while it runs. */
export async function exportDocuments(api, ids, format, includePhi = false, onProgress = null) {
  const fallbackName = suggestedName(format, ids);
  const response = await api.send("POST", "/api/exports", {
    body: { ids, format, include_phi: includePhi, include_patient: includePhi },
  });
  if (response.status === 202) {
    await finishJob(api, await response.json(), fallbackName, onProgress);
    return fallbackName;
  }
  // The server names every export alike; the id and format make saved files tell apart.
  save(await response.blob(), fallbackName);
  return fallbackName;
}
