// Fields and tables read on the pages, as reviewed (corrections applied): fields as a
// list (label, value, checkbox state), tables as tables with their header rows. Each
// field and cell shows its words on the page image; each can be corrected.

import { fill, h } from "./dom.js";
import { sectionLabel, selectionLabel } from "./labels.js";

/** The page a field or table id names: "p2.f3" -> 2. */
export function pageOf(id) {
  const match = /^p(\d+)\./.exec(id || "");
  return match ? Number(match[1]) : 1;
}

function cellTarget(table, cell) {
  return `${table.id}/r${cell.row}c${cell.column}`;
}

function headerText(table, column) {
  const header = table.cells.find(
    (c) => c.header && c.row === 1 && c.column <= column && column < c.column + c.column_span,
  );
  return header?.text || `column ${column}`;
}

function covering(table, row, column) {
  return table.cells.find(
    (c) =>
      c.row <= row &&
      row < c.row + c.row_span &&
      c.column <= column &&
      column < c.column + c.column_span,
  );
}

function headerRows(table) {
  let count = 0;
  while (count < table.rows && table.cells.some((c) => c.row === count + 1 && c.header)) {
    count += 1;
  }
  return count;
}

export class StructurePanel {
  /**
   * @param {object} on select({key, page, words}) shows a field's or cell's words;
   *   correct({kind, target, title, what, current}) asks for a correction.
   */
  constructor({ select, correct }) {
    this.on = { select, correct };
    this.selectedKey = null;
    this.selectedCells = new Map(); // table id -> the cell chosen in it
    this.body = h("div", { class: "structure-body" });
    this.summary = h("span", { class: "muted", id: "structure-summary" });
    this.element = h(
      "section",
      { class: "panel structure-panel", "aria-labelledby": "structure-title" },
      h(
        "div",
        { class: "panel-head" },
        h("h2", { id: "structure-title" }, "Fields and tables"),
        this.summary,
      ),
      this.body,
    );
  }

  render(view) {
    this.view = view;
    const fields = view.fields || [];
    const tables = view.tables || [];
    this.corrected = new Set(view.corrected || []);
    this.summary.textContent = `${fields.length} field${fields.length === 1 ? "" : "s"}, ${
      tables.length
    } table${tables.length === 1 ? "" : "s"}`;
    const parts = [this.sectionList(view.sections || [])];
    if (!fields.length && !tables.length) {
      parts.push(h("p", { class: "muted" }, "No form fields or tables were read here."));
      fill(this.body, parts);
      return;
    }
    if (fields.length) parts.push(this.fieldList(fields));
    for (const table of tables) parts.push(this.tableBlock(table));
    fill(this.body, parts);
    this.highlight(this.selectedKey);
  }

  /** The sections the document was read in, in text order (runs of one kind, such as
   * a form's patient fields, once), each as understood and, when it differs, as titled
   * on the page ("Allergies “Alergias”"). */
  sectionList(sections) {
    const runs = [];
    for (const s of sections) {
      const last = runs[runs.length - 1];
      if (last && last.kind === s.kind) last.titles.push(s.title);
      else runs.push({ kind: s.kind, titles: [s.title] });
    }
    if (!runs.length) return "";
    return h(
      "div",
      { class: "section-list" },
      h("h3", { class: "section-list-title" }, "Sections"),
      h(
        "ol",
        { "aria-label": "Sections of the document" },
        runs.map((run) => {
          const kind = sectionLabel(run.kind);
          const [title] = run.titles;
          const shown = run.titles.length === 1 && title && title.toLowerCase() !== kind.toLowerCase();
          return h(
            "li",
            { class: "section-item", dataset: { kind: run.kind } },
            h("span", { class: "section-kind" }, kind),
            shown ? h("span", { class: "muted" }, ` “${title}”`) : "",
          );
        }),
      ),
    );
  }

  fieldList(fields) {
    const several = (this.view.pages || []).length > 1;
    return h(
      "ul",
      { class: "field-list", "aria-label": "Form fields" },
      fields.map((f) => {
        const label = f.key.text || "(no label)";
        const state = selectionLabel(f.selection);
        const corrected = this.corrected.has(f.id);
        return h(
          "li",
          { class: "field-item", dataset: { key: f.id } },
          h(
            "button",
            {
              type: "button",
              class: "field-show",
              "aria-label": `Show ${label} on the page`,
              onclick: () => this.choose(f.id, pageOf(f.id), [...f.key.words, ...f.value.words]),
            },
            h("span", { class: "field-label" }, label),
            " ",
            h("span", { class: "field-value" }, f.value.text || "—"),
          ),
          state
            ? h(
                "span",
                { class: ["check-state", f.selection === "SELECTED" && "is-ticked"] },
                h("span", { "aria-hidden": "true" }, f.selection === "SELECTED" ? "☑ " : "☐ "),
                state,
              )
            : "",
          several ? h("span", { class: "muted" }, ` p. ${pageOf(f.id)}`) : "",
          corrected ? h("span", { class: "tag tag-corrected" }, "Corrected") : "",
          h(
            "button",
            {
              type: "button",
              class: "btn btn-small",
              id: `correct-${f.id}`,
              "aria-label": `Correct ${label}`,
              onclick: () =>
                this.on.correct({
                  kind: "FIELD",
                  target: f.id,
                  title: "Correct a field",
                  what: label,
                  current: f.value.text,
                }),
            },
            "Correct…",
          ),
        );
      }),
    );
  }

  tableBlock(table) {
    const page = pageOf(table.id);
    const number = table.id.split(".t")[1];
    const caption = table.title || `Table ${number} on page ${page}`;
    const headers = headerRows(table);
    const rows = [];
    for (let row = 1; row <= table.rows; row += 1) {
      const cells = [];
      for (let column = 1; column <= table.columns; column += 1) {
        const cell = covering(table, row, column);
        if (cell && (cell.row !== row || cell.column !== column)) continue; // spanned
        cells.push(this.cellElement(table, cell, row, column, row <= headers));
      }
      rows.push(h("tr", {}, cells));
    }
    const chosen = this.chosenCell(table);
    const correct = h(
      "button",
      {
        type: "button",
        class: "btn btn-small",
        id: `correct-${table.id}`,
        disabled: !chosen,
        onclick: () => this.correctCell(table),
      },
      chosen ? `Correct “${chosen.text || "—"}”…` : "Correct the chosen cell…",
    );
    return h(
      "div",
      { class: "structure-table-block" },
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "data-table structure-table", dataset: { key: table.id } },
          h("caption", {}, caption),
          h("thead", {}, rows.slice(0, headers)),
          h("tbody", {}, rows.slice(headers)),
        ),
      ),
      h(
        "div",
        { class: "table-tools" },
        h("span", { class: "hint" }, "Choose a cell to see it on the page, then correct it."),
        correct,
      ),
    );
  }

  cellElement(table, cell, row, column, header) {
    const tag = header ? "th" : "td";
    const props = header ? { scope: "col" } : {};
    if (!cell) return h(tag, props, "");
    const target = cellTarget(table, cell);
    const text = cell.text || "—";
    const place = header ? `header, column ${column}` : `${headerText(table, column)}, row ${row}`;
    return h(
      tag,
      {
        ...props,
        colspan: cell.column_span > 1 ? cell.column_span : null,
        rowspan: cell.row_span > 1 ? cell.row_span : null,
        class: [this.corrected.has(target) && "is-corrected"],
        dataset: { key: target },
      },
      h(
        "button",
        {
          type: "button",
          class: "cell-button",
          "aria-label": `${place}: ${text}${this.corrected.has(target) ? " (corrected)" : ""}`,
          onclick: () => {
            this.selectedCells.set(table.id, { ...cell, target, place });
            this.choose(target, pageOf(table.id), cell.words);
            const button = document.getElementById(`correct-${table.id}`);
            if (button) {
              button.disabled = false;
              button.textContent = `Correct “${text}”…`;
            }
          },
        },
        text,
      ),
    );
  }

  /** The cell chosen in a table, with its text as now reviewed (null: none). */
  chosenCell(table) {
    const chosen = this.selectedCells.get(table.id);
    const now = chosen && table.cells.find((c) => cellTarget(table, c) === chosen.target);
    if (!now) {
      this.selectedCells.delete(table.id);
      return null;
    }
    const fresh = { ...chosen, text: now.text };
    this.selectedCells.set(table.id, fresh);
    return fresh;
  }

  correctCell(table) {
    const cell = this.selectedCells.get(table.id);
    if (!cell) return;
    this.on.correct({
      kind: "CELL",
      target: cell.target,
      title: "Correct a table cell",
      what: cell.place,
      current: cell.text,
    });
  }

  choose(key, page, words) {
    this.selectedKey = key;
    this.on.select({ key, page, words });
  }

  /** Mark the chosen field or cell (null: none). */
  highlight(key) {
    this.selectedKey = key;
    for (const item of this.body.querySelectorAll(".is-selected")) {
      item.classList.remove("is-selected");
    }
    if (!key) return;
    for (const item of this.body.querySelectorAll("[data-key]")) {
      if (item.dataset.key === key) item.classList.add("is-selected");
    }
  }
}
