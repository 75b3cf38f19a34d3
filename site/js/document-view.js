// One document for review: page image with word boxes, the text with entities, the
// fields and tables, the entity table, review actions and history. PHI is masked unless
// revealed on purpose, and a revealed view is dropped (re-masked) when the reviewer
// leaves it.

import { AuditPanel } from "./audit.js";
import { documentHead } from "./document-head.js";
import { documentDetails } from "./document-details.js";
import { fill, h } from "./dom.js";
import { EntityTable } from "./entity-table.js";
import { categoryClass, categoryLabel } from "./labels.js";
import { PENDING } from "./list-rows.js";
import { announce, notifyError } from "./notices.js";
import {
  analysedText,
  documentWords,
  entitiesAtWord,
  entityWords,
  structureWords,
} from "./offsets.js";
import { PageViewer } from "./page-viewer.js";
import { ReviewActions } from "./review-actions.js";
import { StructurePanel } from "./structure-panel.js";
import { TextPane } from "./text-pane.js";

const POLL_MS = 2500;

export class DocumentView {
  constructor({ api, app, id }) {
    this.api = api;
    this.app = app;
    this.id = id;
    this.pageNumber = 1;
    this.selection = null;
    this.images = new Map(); // image URL -> blob URL, fetched once per view
    this.alive = true;
    this.element = h(
      "article",
      { class: "doc-view", "aria-labelledby": "page-title" },
      h("p", { class: "boot-message" }, "Loading document…"),
    );
    this.viewer = new PageViewer({
      api: { imageUrl: (url) => this.image(url) },
      onWord: (index) => this.selectWord(index),
      onPage: (step) => this.showPage(this.pageNumber + step),
    });
    this.textPane = new TextPane({
      onEntity: (id) => this.selectEntity(id),
      onWord: (index) => this.selectWord(index),
      onSelection: (range) => this.selectionChanged(range),
    });
    this.table = new EntityTable({
      onSelect: (id) => this.selectEntity(id),
      onEdit: (entity) => this.actions.correct(entity),
      onRemove: (entity) => this.actions.remove(entity),
    });
    this.structure = new StructurePanel({
      select: ({ key, page, words }) =>
        this.mark({
          entityId: null,
          structureKey: key,
          words: structureWords(this.words, page, words),
        }),
      correct: (request) => this.actions.correctStructure(request),
    });
    this.audit = new AuditPanel({ onNote: (text) => this.actions.addNote(text) });
    this.actions = new ReviewActions({
      api,
      id,
      app,
      view: () => this.view,
      refresh: (options) => this.refresh(options),
      queued: (updatedAt) => {
        this.queuedAt = updatedAt;
      },
    });
  }

  destroy() {
    this.alive = false;
    window.clearTimeout(this.timer);
    this.textPane.destroy();
    for (const image of this.images.values()) image.revoke();
    this.images.clear();
    this.view = null; // drop any revealed PHI with the view
  }

  async image(url) {
    const wanted = this.view?.phi_revealed
      ? `${url}${url.includes("?") ? "&" : "?"}reveal=true`
      : url;
    if (!this.images.has(wanted)) this.images.set(wanted, await this.api.imageUrl(wanted));
    const image = this.images.get(wanted);
    return { url: image.url, revoke() {} }; // revoked with the view, not per page
  }

  forgetRevealedImages() {
    for (const [url, image] of this.images) {
      if (!url.includes("reveal=true")) continue;
      image.revoke();
      this.images.delete(url);
    }
  }

  async load(reveal = false) {
    window.clearTimeout(this.timer);
    const path = `/api/documents/${encodeURIComponent(this.id)}`;
    try {
      const view = reveal ? await this.api.post(`${path}/reveal`) : await this.api.get(path);
      if (!this.alive) return;
      const before = this.view?.record.status;
      if (before && before !== view.record.status) {
        announce(`${view.record.name} is now ${view.record.status}`);
      }
      this.view = view;
      if (!view.phi_revealed) this.forgetRevealedImages();
      this.render();
    } catch (error) {
      if (!this.alive) return;
      if (error.status === 403 && this.view) {
        // Not the user's to do (their role changed meanwhile): the masked view stays,
        // and shows the refused attempt in its history.
        notifyError(error);
        if (reveal) await this.load(false);
        return;
      }
      fill(
        this.element,
        h("h1", { id: "page-title" }, "Document not available"),
        h("p", {}, error.message),
        h("a", { href: "#/" }, "Back to the documents"),
      );
      notifyError(error);
    }
  }

  render() {
    const view = this.view;
    const record = view.record;
    this.words = documentWords(view.document);
    const may = (permission) => this.app.may(permission);
    const parts = [documentHead(view, this.app.neighbours(this.id), this.handlers(), may)];
    if (this.queuedAt && this.pending(record)) {
      parts.push(
        h(
          "div",
          { class: "queue-banner", role: "status" },
          "Queued for processing again; this page updates when it is done.",
        ),
      );
    }
    if (view.phi_revealed) {
      parts.push(
        h(
          "div",
          { class: "phi-banner", role: "status" },
          h("strong", {}, "PHI revealed (recorded in the audit trail)."),
          " Leaving this document masks it again.",
        ),
      );
    }
    const lower = [this.audit.element, documentDetails(view)];
    if (record.status === "DONE" && view.document) {
      parts.push(this.reviewLayout(lower));
    } else {
      parts.push(h("div", { class: "doc-lower" }, this.statusPanel(record), ...lower));
    }
    fill(this.element, parts);
    this.audit.render(view.audit, view.document ? analysedText(view.document) : "");
    if (record.status === "DONE" && view.document) {
      this.textPane.render(view.document, this.reviewedEntities(), this.words);
      this.structure.render(view);
      this.showPage(Math.min(this.pageNumber, view.pages.length || 1));
      this.restoreSelection();
    }
    if (this.pending(record)) this.timer = window.setTimeout(() => this.load(), POLL_MS);
  }

  /** Still to be (re)processed (reprocessing sets the record QUEUED at once). */
  pending(record) {
    if (PENDING.has(record.status)) return true;
    this.queuedAt = null;
    return false;
  }

  reviewedEntities() {
    this.table.render(this.view);
    return this.table.rows.filter((row) => row.review !== "removed");
  }

  /** The page image on the left (it stays in sight), everything about it on the right. */
  reviewLayout(lower) {
    this.addButton = h(
      "button",
      {
        type: "button",
        class: "btn btn-small",
        id: "add-entity",
        "aria-describedby": "add-hint",
        // Without a selection the dialog takes offsets typed in (keyboard users).
        onclick: () => this.actions.add(this.pendingRange || { begin: 0, end: 1 }),
      },
      "Add entity…",
    );
    const textPanel = h(
      "section",
      { class: "panel text-panel", "aria-labelledby": "text-title" },
      h(
        "div",
        { class: "panel-head" },
        h("h2", { id: "text-title" }, "Text"),
        h(
          "span",
          { class: "hint", id: "add-hint" },
          "Select words in the text, then add them as an entity",
        ),
        h("div", { class: "panel-tools" }, this.addButton),
      ),
      this.categoryLegend(),
      h(
        "div",
        { class: "text-scroll", tabindex: 0, role: "region", "aria-label": "Document text" },
        this.textPane.element,
      ),
    );
    return h(
      "div",
      { class: "review-layout" },
      h("div", { class: "review-image" }, this.viewer.element),
      h(
        "div",
        { class: "review-data" },
        textPanel,
        this.structure.element,
        this.table.element,
        ...lower,
      ),
    );
  }

  categoryLegend() {
    const used = new Set(this.view.entities.map((e) => e.category));
    return h(
      "ul",
      { class: "legend cat-legend", "aria-label": "Entity colours" },
      [...used].map((code) =>
        h("li", {}, h("span", { class: ["cat-chip", categoryClass(code)] }, categoryLabel(code))),
      ),
      h("li", {}, h("span", { class: "trait-tag is-negated" }, "negated"), " struck through"),
    );
  }

  statusPanel(record) {
    if (record.status === "FAILED") {
      const failure = record.failure || {};
      return h(
        "section",
        { class: "panel status-panel is-failed", "aria-labelledby": "status-title" },
        h("h2", { id: "status-title" }, "Processing failed"),
        h(
          "p",
          {},
          h("strong", {}, `Step ${failure.step || "unknown"}: `),
          failure.reason || "no reason was recorded",
        ),
        h("p", { class: "muted" }, "Reprocess it once the cause is fixed, or delete it."),
      );
    }
    return h(
      "section",
      { class: "panel status-panel", "aria-labelledby": "status-title" },
      h(
        "h2",
        { id: "status-title" },
        record.status === "PROCESSING" ? "Being processed" : "Waiting to be processed",
      ),
      h("p", { class: "muted" }, "This page updates by itself when processing is finished."),
    );
  }

  // --- pages and selection ----------------------------------------------------------

  async showPage(number) {
    const pages = this.view.pages;
    const link = pages.find((p) => p.number === number) || pages[0];
    if (!link) return;
    this.pageNumber = link.number;
    await this.viewer.show(
      link,
      pages.length,
      this.words.filter((w) => w.page === link.number),
    );
    if (this.selection) this.viewer.highlight(this.selection.words);
  }

  async selectEntity(id) {
    const entity = this.view.entities.find((e) => e.id === id);
    if (!entity) return;
    const words = entityWords(this.view.document, this.words, entity).map((w) => w.index);
    await this.mark({ entityId: id, words });
    announce(`${entity.text}: ${categoryLabel(entity.category)}`);
  }

  async selectWord(index) {
    const word = this.words[index];
    if (!word) return;
    const entities = entitiesAtWord(
      this.view.document,
      this.table.rows.filter((r) => r.review !== "removed"),
      word,
    );
    if (entities.length) {
      await this.selectEntity(entities[0].id);
      return;
    }
    await this.mark({ entityId: null, words: [index] });
  }

  async mark(selection) {
    this.selection = selection;
    const firstWord = this.words[selection.words[0]];
    if (firstWord && firstWord.page !== this.pageNumber) await this.showPage(firstWord.page);
    this.viewer.highlight(selection.words);
    this.textPane.highlight(selection.entityId, selection.words);
    this.table.highlight(selection.entityId);
    this.structure.highlight(selection.structureKey || null);
  }

  restoreSelection() {
    if (this.selection) this.mark(this.selection);
  }

  selectionChanged(range) {
    if (!this.addButton) return;
    this.pendingRange = range;
    this.addButton.textContent = range ? `Add entity: “${truncate(range.text)}”` : "Add entity…";
  }

  handlers() {
    return {
      review: (status) => this.actions.review(status),
      reveal: () => this.load(true),
      hide: () => this.load(false),
      exportAs: (format, phi) => this.actions.exportAs(format, phi),
      reprocess: () => this.actions.reprocess(),
      remove: () => this.actions.deleteDocument(),
      go: (step) => this.app.step(this.id, step),
    };
  }

  /** Keyboard shortcuts while this view is shown; true when the key was used. */
  shortcut(key) {
    const actions = {
      a: () => this.actions.review("APPROVED"),
      f: () => this.actions.review("FLAGGED"),
      j: () => this.app.step(this.id, 1),
      n: () => this.app.step(this.id, 1),
      k: () => this.app.step(this.id, -1),
      p: () => this.app.step(this.id, -1),
    };
    if (!(key in actions) || !this.view) return false;
    actions[key]();
    return true;
  }

  /** After a change: a fresh view. While PHI is revealed, only the record and history
   * are taken from a masked view (no new reveal is recorded) unless the entities changed. */
  async refresh({ entities = false } = {}) {
    const focusedId = document.activeElement?.id;
    if (this.view?.phi_revealed && !entities) {
      const masked = await this.api.get(`/api/documents/${encodeURIComponent(this.id)}`);
      if (!this.alive) return;
      this.view = { ...this.view, record: masked.record, audit: masked.audit };
      this.render();
    } else {
      await this.load(Boolean(this.view?.phi_revealed));
    }
    if (focusedId) document.getElementById(focusedId)?.focus();
  }
}

function truncate(text, length = 28) {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
