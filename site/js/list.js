// The document list: search and filters, status chips, counts, cursor paging, selection
// for exports, uploads, and polling while anything is still being processed.

import { arrow, fill, h } from "./dom.js";
import { EXPORT_FORMATS, exportDocuments } from "./downloads.js";
import { filterForm, readFilters } from "./list-filters.js";
import { documentRow, PENDING, statusCounts } from "./list-rows.js";
import { announce, notify, notifyError } from "./notices.js";
import { UploadPanel } from "./upload.js";

const PAGE_SIZE = 25;
const POLL_MS = 2500;

export class ListView {
  constructor({ api, app, filters }) {
    this.api = api;
    this.app = app;
    this.filters = filters;
    this.cursors = [null]; // cursor of each page seen, for "previous"
    this.starts = [0]; // position of each page's first document
    this.page = 0;
    this.items = [];
    this.selected = new Set();
    this.statuses = new Map();
    this.timer = null;
    this.alive = true;
    this.build();
  }

  build() {
    this.form = filterForm(this.filters, (filters) => this.app.showList(filters));
    this.uploads = new UploadPanel({ api: this.api, onUploaded: () => this.refresh() });
    this.summary = h("p", { class: "muted list-summary", "aria-live": "polite" });
    this.counts = h("ul", { class: "status-counts", "aria-label": "Documents by status" });
    this.body = h("tbody");
    this.selectAll = h("input", {
      type: "checkbox",
      "aria-label": "Select every document on this page",
    });
    this.selectAll.addEventListener("change", () => this.toggleAll(this.selectAll.checked));
    this.selectedLabel = h("span", { class: "muted" }, "No documents selected");
    this.exportButtons = EXPORT_FORMATS.map(([format, label]) =>
      h(
        "button",
        {
          type: "button",
          class: "btn btn-small",
          disabled: true,
          onclick: () => this.exportSelected(format),
        },
        label,
      ),
    );
    this.previous = h(
      "button",
      {
        type: "button",
        class: "btn",
        onclick: () => this.go(-1),
        "aria-label": "Previous page of documents",
      },
      arrow(-1),
      " Previous",
    );
    this.next = h(
      "button",
      {
        type: "button",
        class: "btn",
        onclick: () => this.go(1),
        "aria-label": "Next page of documents",
      },
      "Next ",
      arrow(1),
    );
    this.pageLabel = h("span", { class: "muted" });
    const table = h(
      "table",
      { class: "data-table document-table" },
      h("caption", { class: "visually-hidden" }, "Documents, newest first"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col", class: "check" }, this.selectAll),
          [
            "Document",
            "Status",
            "Review",
            "Pages",
            "Medications",
            "Conditions",
            "PHI",
            "Received",
          ].map((name) =>
            h(
              "th",
              {
                scope: "col",
                class: ["Pages", "Medications", "Conditions", "PHI"].includes(name) ? "num" : null,
              },
              name,
            ),
          ),
        ),
      ),
      this.body,
    );
    this.element = h(
      "div",
      { class: "list-view" },
      h(
        "div",
        { class: "page-head" },
        h("h1", { id: "page-title" }, "Documents"),
        this.summary,
        this.counts,
      ),
      this.form,
      this.uploads.element,
      h(
        "div",
        { class: "bulk-bar", role: "region", "aria-label": "Selected documents" },
        this.selectedLabel,
        h("span", { class: "bulk-label", id: "bulk-export-label" }, "Export selected:"),
        h(
          "div",
          { class: "btn-group", role: "group", "aria-labelledby": "bulk-export-label" },
          this.exportButtons,
        ),
      ),
      h("div", { class: "table-wrap" }, table),
      h(
        "nav",
        { class: "pager", "aria-label": "Pages of documents" },
        this.previous,
        this.pageLabel,
        this.next,
      ),
    );
    this.element.addEventListener("click", (event) => this.rowClicked(event));
  }

  destroy() {
    this.alive = false;
    window.clearTimeout(this.timer);
  }

  /** j / k (or n / p) move through the rows; Enter on a row's link opens it. */
  shortcut(key) {
    const step = { j: 1, n: 1, k: -1, p: -1 }[key];
    if (!step) return false;
    const links = [...this.body.querySelectorAll("a.doc-link")];
    if (!links.length) return true;
    const at = links.indexOf(document.activeElement);
    const next =
      at < 0
        ? step > 0
          ? 0
          : links.length - 1
        : Math.min(Math.max(at + step, 0), links.length - 1);
    links[next].focus();
    return true;
  }

  focusSearch() {
    const search = this.form.querySelector("#search");
    search.focus();
    search.select();
  }

  async load() {
    await this.refresh();
  }

  async refresh() {
    window.clearTimeout(this.timer);
    // Only the newest request may draw: an older answer arriving late (a poll, or the
    // page before the user moved on) must not overwrite what the user asked for.
    const ticket = (this.ticket = (this.ticket || 0) + 1);
    const query = {
      ...readFilters(this.filters),
      limit: PAGE_SIZE,
      cursor: this.cursors[this.page],
    };
    try {
      const [result, health] = await Promise.all([
        this.api.get("/api/documents", query),
        this.api.get("/api/health").catch(() => null),
      ]);
      if (!this.alive || ticket !== this.ticket) return;
      if (health) this.renderCounts(health.documents || {});
      this.items = result.items;
      this.nextCursor = result.next_cursor;
      this.render();
      await this.followUploads();
    } catch (error) {
      if (!this.alive || ticket !== this.ticket) return;
      fill(
        this.body,
        h(
          "tr",
          {},
          h("td", { colspan: 9, class: "empty" }, `The list could not be loaded: ${error.message}`),
        ),
      );
      notifyError(error);
    }
    this.schedule();
  }

  schedule() {
    if (!this.alive) return;
    const pending = this.items.some((r) => PENDING.has(r.status)) || this.uploads.waiting;
    if (pending) this.timer = window.setTimeout(() => this.refresh(), POLL_MS);
  }

  /** Uploaded documents not on this page (filters, paging) are asked for one by one. */
  async followUploads() {
    this.uploads.track(this.items);
    for (const id of [...this.uploads.entries.keys()]) {
      if (this.items.some((r) => r.id === id)) continue;
      try {
        const view = await this.api.get(`/api/documents/${encodeURIComponent(id)}`);
        this.uploads.track([view.record]);
      } catch {
        // Not visible yet; the next poll asks again.
      }
    }
  }

  render() {
    this.app.rememberList(this.items.map((r) => r.id));
    for (const record of this.items) {
      const before = this.statuses.get(record.id);
      if (before && before !== record.status) announce(`${record.name} is now ${record.status}`);
      this.statuses.set(record.id, record.status);
    }
    const first = this.starts[this.page] + 1;
    this.summary.textContent = this.items.length
      ? `Showing ${first}–${first + this.items.length - 1}${this.nextCursor ? "" : " (end of list)"}`
      : "No documents match.";
    this.pageLabel.textContent = `Page ${this.page + 1}`;
    this.previous.disabled = this.page === 0;
    this.next.disabled = !this.nextCursor;
    if (!this.items.length) {
      fill(
        this.body,
        h("tr", {}, h("td", { colspan: 9, class: "empty" }, "No documents match these filters.")),
      );
    } else {
      fill(
        this.body,
        this.items.map((record) => this.row(record)),
      );
    }
    this.updateSelection();
  }

  renderCounts(byStatus) {
    fill(this.counts, statusCounts(byStatus, this.filters));
  }

  row(record) {
    return documentRow(record, this.selected.has(record.id), (checked) => {
      if (checked) this.selected.add(record.id);
      else this.selected.delete(record.id);
      this.updateSelection();
    });
  }

  rowClicked(event) {
    const row = event.target.closest("tbody tr[data-id]");
    if (!row || event.target.closest("a, button, input, label, summary")) return;
    if (window.getSelection()?.toString()) return;
    window.location.hash = `#/documents/${row.dataset.id}`;
  }

  toggleAll(checked) {
    for (const record of this.items) {
      if (checked) this.selected.add(record.id);
      else this.selected.delete(record.id);
    }
    for (const box of this.body.querySelectorAll("input[type=checkbox]")) box.checked = checked;
    this.updateSelection();
  }

  updateSelection() {
    const n = this.selected.size;
    this.selectedLabel.textContent = n ? `${n} selected` : "No documents selected";
    for (const button of this.exportButtons) button.disabled = n === 0;
    const onPage = this.items.filter((r) => this.selected.has(r.id)).length;
    this.selectAll.checked = onPage > 0 && onPage === this.items.length;
    this.selectAll.indeterminate = onPage > 0 && onPage < this.items.length;
  }

  async exportSelected(format) {
    const ids = [...this.selected];
    try {
      const name = await exportDocuments(this.api, ids, format, false, (text) => notify(text));
      notify(`Exported ${ids.length} document${ids.length > 1 ? "s" : ""} as ${name}`);
    } catch (error) {
      notifyError(error);
    }
  }

  go(step) {
    if (step > 0 && this.nextCursor) {
      this.cursors[this.page + 1] = this.nextCursor;
      this.starts[this.page + 1] = this.starts[this.page] + this.items.length;
      this.page += 1;
    } else if (step < 0 && this.page > 0) {
      this.page -= 1;
    } else {
      return;
    }
    this.refresh().then(() =>
      this.element.querySelector("#page-title")?.scrollIntoView({ block: "start" }),
    );
  }
}
