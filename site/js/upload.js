// Drag-and-drop (and file picker) upload with per-file progress; each uploaded file
// then follows its document's status until it is DONE or FAILED.

import { fill, h } from "./dom.js";
import { formatBytes } from "./labels.js";
import { announce } from "./notices.js";

const ACCEPT = "image/png,image/jpeg,image/tiff,application/pdf,.png,.jpg,.jpeg,.tif,.tiff,.pdf";

export class UploadPanel {
  constructor({ api, onUploaded }) {
    this.api = api;
    this.onUploaded = onUploaded;
    this.entries = new Map(); // document id -> entry element parts
    this.input = h("input", {
      type: "file",
      multiple: true,
      accept: ACCEPT,
      class: "visually-hidden",
      id: "file-input",
      tabindex: -1,
      "aria-hidden": "true",
    });
    this.input.addEventListener("change", () => {
      this.uploadAll([...this.input.files]);
      this.input.value = "";
    });
    const choose = h(
      "button",
      {
        type: "button",
        class: "btn btn-primary",
        id: "choose-files",
        onclick: () => this.input.click(),
      },
      "Choose files",
    );
    this.list = h("ul", { class: "upload-list", "aria-label": "Uploads" });
    this.zone = h(
      "div",
      { class: "dropzone", id: "dropzone" },
      h(
        "p",
        { class: "dropzone-text" },
        h("strong", {}, "Drop scans or photos here"),
        " (PNG, JPEG, TIFF, PDF) or ",
      ),
      choose,
      this.input,
    );
    this.element = h(
      "section",
      { class: "uploads", "aria-label": "Upload documents" },
      this.zone,
      this.list,
    );
    this.bindDrop();
  }

  bindDrop() {
    const hasFiles = (event) => [...(event.dataTransfer?.types || [])].includes("Files");
    let depth = 0;
    this.zone.addEventListener("dragenter", (event) => {
      if (!hasFiles(event)) return;
      depth += 1;
      this.zone.classList.add("is-over");
    });
    this.zone.addEventListener("dragleave", () => {
      depth = Math.max(depth - 1, 0);
      if (!depth) this.zone.classList.remove("is-over");
    });
    this.zone.addEventListener("dragover", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    });
    this.zone.addEventListener("drop", (event) => {
      event.preventDefault();
      depth = 0;
      this.zone.classList.remove("is-over");
      this.uploadAll([...(event.dataTransfer?.files || [])]);
    });
  }

  async uploadAll(files) {
    for (const file of files) await this.uploadOne(file);
  }

  entry(file) {
    const progress = h("progress", { max: 1, value: 0, "aria-label": `Upload of ${file.name}` });
    const status = h("span", { class: "upload-status" }, "Starting…");
    const item = h(
      "li",
      { class: "upload-item" },
      h("span", { class: "upload-name" }, file.name),
      h("span", { class: "muted" }, formatBytes(file.size)),
      progress,
      status,
    );
    this.list.prepend(item);
    return { item, progress, status };
  }

  async uploadOne(file) {
    const parts = this.entry(file);
    announce(`Uploading ${file.name}`);
    let lastQuarter = -1;
    try {
      const accepted = await this.api.upload(file, (fraction) => {
        parts.progress.value = fraction;
        parts.status.textContent = `${Math.round(fraction * 100)}%`;
        const quarter = Math.floor(fraction * 4);
        if (quarter !== lastQuarter && fraction < 1)
          announce(`${file.name}: ${Math.round(fraction * 100)}% uploaded`);
        lastQuarter = quarter;
      });
      this.accepted(file, parts, accepted);
    } catch (error) {
      parts.item.classList.add("is-failed");
      parts.status.textContent = `Failed: ${error.message}`;
      announce(`Upload of ${file.name} failed: ${error.message}`);
    }
  }

  accepted(file, parts, accepted) {
    const messages = {
      RECEIVED: "Uploaded; queued for processing",
      FAILED: `Refused: ${accepted.message}`,
      KNOWN: "Already uploaded (same file)",
    };
    parts.status.textContent = messages[accepted.status] || accepted.message || accepted.status;
    parts.item.classList.toggle("is-failed", accepted.status === "FAILED");
    announce(`${file.name}: ${parts.status.textContent}`);
    if (accepted.document_id) {
      parts.name = file.name;
      this.entries.set(accepted.document_id, parts);
    }
    this.onUploaded(accepted);
  }

  /** Follow uploaded documents' statuses from a fresh list page. */
  track(records) {
    for (const record of records) {
      const parts = this.entries.get(record.id);
      if (!parts) continue;
      const text = {
        QUEUED: "Waiting its turn",
        RECEIVED: "Waiting to be processed",
        PROCESSING: "Processing…",
        DONE: "Done",
        FAILED: `Failed: ${record.failure?.reason || "see the document"}`,
      }[record.status];
      if (parts.status.textContent === text) continue;
      fill(
        parts.status,
        record.status === "DONE"
          ? h("a", { href: `#/documents/${record.id}` }, "Done — open")
          : text,
      );
      announce(`${parts.name}: ${text}`);
      if (record.status === "DONE" || record.status === "FAILED") this.entries.delete(record.id);
    }
  }

  get waiting() {
    return this.entries.size > 0;
  }
}
