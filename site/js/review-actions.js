// What a reviewer does to a document: approve / flag, notes, corrections (entities,
// fields, table cells), exports, reprocessing and deletion. Each one calls the API,
// says what happened, and asks the document view to refresh.

import { confirmAction } from "./dialogs.js";
import { exportDocuments } from "./downloads.js";
import { editEntity } from "./entity-form.js";
import { editValue } from "./structure-form.js";
import { categoryLabel, reviewLabel } from "./labels.js";
import { announce, notify, notifyError } from "./notices.js";
import { analysedText } from "./offsets.js";

export class ReviewActions {
  /**
   * @param {object} options api; id; app (forget, the list); view() the current API
   *   DocumentView; refresh({entities}) reloads it; queued(updatedAt) marks a reprocess.
   */
  constructor({ api, id, app, view, refresh, queued }) {
    this.api = api;
    this.id = id;
    this.app = app;
    this.view = view;
    this.refresh = refresh;
    this.queued = queued;
  }

  path(suffix = "") {
    return `/api/documents/${encodeURIComponent(this.id)}${suffix}`;
  }

  async review(status) {
    try {
      const record = await this.api.post(this.path("/review"), { status });
      const label = reviewLabel(record.review.status);
      notify(`${label}: ${record.name}`, "success");
      announce(`Document ${label.toLowerCase()}`);
      await this.refresh();
    } catch (error) {
      notifyError(error);
    }
  }

  async addNote(text) {
    try {
      await this.api.post(this.path("/notes"), { text });
      announce("Note added");
      await this.refresh();
      return true;
    } catch (error) {
      notifyError(error);
      return false;
    }
  }

  async correct(entity) {
    const text = analysedText(this.view().document);
    const canReveal = this.app.may("reveal_phi");
    const request = await editEntity({ kind: "CORRECT", entity, text, canReveal });
    if (request) await this.send(request, `Corrected “${request.entity.text}”`);
  }

  /** Add an entity over the reviewer's selection ({begin, end} in the analysed text). */
  async add(range) {
    const draft = {
      begin: range.begin,
      end: range.end,
      category: "MEDICAL_CONDITION",
      type: "DX_NAME",
    };
    const text = analysedText(this.view().document);
    const canReveal = this.app.may("reveal_phi");
    const request = await editEntity({ kind: "ADD", entity: draft, text, canReveal });
    if (request) await this.send(request, `Added “${request.entity.text}”`);
  }

  async remove(entity) {
    const ok = await confirmAction({
      title: "Remove this entity?",
      text:
        `“${entity.text}” (${categoryLabel(entity.category)}) will be marked removed. ` +
        "The machine result is kept in the history.",
      confirmLabel: "Remove entity",
    });
    if (!ok) return;
    const request = { kind: "REMOVE", entity_id: entity.id, note: "" };
    await this.send(request, `Removed “${entity.text}”`);
  }

  /** Correct a form field's value or a table cell's text (kind FIELD or CELL). */
  async correctStructure({ kind, target, title, what, current }) {
    const canReveal = this.app.may("reveal_phi");
    const answer = await editValue({ title, what, current, canReveal });
    if (!answer) return;
    const request = { kind, target, value: answer.value, note: answer.note };
    await this.send(request, `Corrected ${what}: “${answer.value}”`);
  }

  async send(request, message) {
    try {
      await this.api.post(this.path("/corrections"), request);
      notify(message, "success");
      await this.refresh({ entities: true });
    } catch (error) {
      notifyError(error);
    }
  }

  async exportAs(format, includePhi) {
    try {
      const name = await exportDocuments(this.api, [this.id], format, includePhi);
      notify(`Exported ${name}${includePhi ? " with PHI (recorded)" : ""}`, "success");
      await this.refresh();
    } catch (error) {
      notifyError(error);
    }
  }

  async reprocess() {
    const ok = await confirmAction({
      title: "Reprocess this document?",
      text: "The engines read it again. Review corrections and the history are kept.",
      confirmLabel: "Reprocess",
    });
    if (!ok) return;
    try {
      const updatedAt = this.view().record.updated_at;
      await this.api.post(this.path("/reprocess"));
      this.queued(updatedAt);
      notify("Queued for processing again", "success");
      await this.refresh({ entities: true });
    } catch (error) {
      notifyError(error);
    }
  }

  async deleteDocument() {
    const name = this.view().record.name;
    const ok = await confirmAction({
      title: "Delete this document?",
      text: `“${name}”, its page images, results, corrections and history are deleted for good.`,
      confirmLabel: "Delete document",
    });
    if (!ok) return;
    try {
      await this.api.json("DELETE", this.path());
      notify(`Deleted ${name}`, "success");
      this.app.forget(this.id);
      window.location.hash = "#/";
    } catch (error) {
      notifyError(error);
    }
  }
}
