// The document text with entities highlighted by category, words clickable, and the
// reviewer's text selection turned into offsets for adding an entity.

import { fill, h } from "./dom.js";
import { categoryClass, categoryLabel, MEANING_TRAITS, meaningTraits } from "./labels.js";
import { analysedOnTranslation, MASK, pieces } from "./offsets.js";

function coveringEntities(entities, begin, end) {
  return entities
    .filter((e) => e.begin <= begin && end <= e.end)
    .sort((a, b) => a.end - a.begin - (b.end - b.begin));
}

function pieceElement(text, [begin, end], entities, words) {
  const covering = coveringEntities(entities, begin, end);
  const word = words.find((w) => w.begin <= begin && end <= w.end);
  const props = { class: ["seg"], dataset: { b: begin } };
  if (word) props.dataset.w = word.index;
  if (covering.length) {
    const entity = covering[0];
    props.class.push("ent", categoryClass(entity.category));
    for (const name of meaningTraits(entity)) props.class.push(MEANING_TRAITS[name].css);
    if (entity.review && entity.review !== "machine") props.class.push("is-reviewed");
    props.dataset.e = entity.id;
    props.dataset.es = covering.map((e) => e.id).join(" ");
    props.title = categoryLabel(entity.category);
  }
  return h("span", props, text.slice(begin, end));
}

function traitTags(entity) {
  return meaningTraits(entity).map((name) =>
    h("span", { class: ["trait-tag", MEANING_TRAITS[name].css] }, MEANING_TRAITS[name].label),
  );
}

/** The text drawn as pieces; `entities` and `words` carry begin/end into this text. */
function renderText(text, { entities = [], words = [], pageStarts = new Map() }) {
  const container = h("div", { class: "doc-text" });
  const ends = new Map();
  for (const entity of entities) {
    if (!meaningTraits(entity).length) continue;
    ends.set(entity.end, [...(ends.get(entity.end) || []), entity]);
  }
  for (const range of pieces(text.length, [...entities, ...words])) {
    if (pageStarts.has(range[0])) {
      container.append(h("span", { class: "page-mark" }, `Page ${pageStarts.get(range[0])}`));
    }
    container.append(pieceElement(text, range, entities, words));
    for (const entity of ends.get(range[1]) || []) container.append(...traitTags(entity));
    ends.delete(range[1]);
  }
  return container;
}

/** The offset into the text of a selection boundary (node, offset). */
function boundaryOffset(container, node, offset) {
  if (node.nodeType === Node.TEXT_NODE) {
    const piece = node.parentElement?.closest("[data-b]");
    return piece && container.contains(piece) ? Number(piece.dataset.b) + offset : null;
  }
  const children = [...node.childNodes];
  const after = children.slice(offset).find((c) => c.dataset?.b !== undefined);
  if (after) return Number(after.dataset.b);
  const before = children
    .slice(0, offset)
    .reverse()
    .find((c) => c.dataset?.b !== undefined);
  return before ? Number(before.dataset.b) + before.textContent.length : null;
}

export class TextPane {
  constructor({ onEntity, onWord, onSelection }) {
    this.onEntity = onEntity;
    this.onWord = onWord;
    this.onSelection = onSelection;
    this.element = h("div", { class: "text-columns" });
    this.analysed = null;
    this.text = "";
    this.element.addEventListener("click", (event) => this.clicked(event));
    this.selectionListener = () => this.selectionChanged();
    document.addEventListener("selectionchange", this.selectionListener);
  }

  destroy() {
    document.removeEventListener("selectionchange", this.selectionListener);
  }

  render(document, entities, words) {
    const pageStarts = new Map();
    if (document.pages.length > 1) {
      for (const page of document.pages) {
        const first = page.lines.find((line) => typeof line.begin === "number");
        if (first) pageStarts.set(first.begin, page.number);
      }
    }
    const placed = words.filter((w) => w.begin !== null);
    const language = document.language?.language?.code;
    const translation = document.translation;
    const onTranslation = analysedOnTranslation(document);
    const original = renderText(document.text, {
      entities: onTranslation ? [] : entities,
      words: placed,
      pageStarts,
    });
    const columns = [this.column("Original", language || translation?.source_language, original)];
    this.analysed = original;
    this.text = document.text;
    if (translation) {
      const translated = renderText(translation.text, { entities: onTranslation ? entities : [] });
      columns.push(this.column("Translation", translation.target_language, translated));
      if (onTranslation) {
        this.analysed = translated;
        this.text = translation.text;
      }
    }
    this.analysed.classList.add("is-analysed");
    this.analysed.setAttribute("aria-description", "Select text here to add an entity");
    this.element.classList.toggle("two", columns.length > 1);
    fill(this.element, columns);
  }

  column(title, language, body) {
    const heading = language ? `${title} (${language})` : title;
    if (language) body.setAttribute("lang", language);
    return h("div", { class: "text-column" }, h("h3", { class: "column-title" }, heading), body);
  }

  clicked(event) {
    if (!window.getSelection()?.isCollapsed) return; // a selection, not a click
    const piece = event.target.closest?.(".seg");
    if (!piece) return;
    if (piece.dataset.e !== undefined) this.onEntity(Number(piece.dataset.e));
    else if (piece.dataset.w !== undefined) this.onWord(Number(piece.dataset.w));
  }

  /** Mark the selected entity and words; returns the first marked piece. */
  highlight(entityId, wordIndexes) {
    for (const piece of this.element.querySelectorAll(".is-selected")) {
      piece.classList.remove("is-selected");
    }
    const marked = [];
    if (entityId !== null && entityId !== undefined) {
      marked.push(...this.element.querySelectorAll(`[data-es~="${Number(entityId)}"]`));
    }
    const wanted = new Set(wordIndexes);
    for (const piece of this.element.querySelectorAll("[data-w]")) {
      if (wanted.has(Number(piece.dataset.w))) marked.push(piece);
    }
    for (const piece of marked) piece.classList.add("is-selected");
    if (marked[0]) this.scrollTo(marked[0]);
    return marked[0] || null;
  }

  /** Bring a piece into sight inside the text's own scroll box, never moving the page. */
  scrollTo(piece) {
    const box = this.element.closest(".text-scroll");
    if (!box) return;
    const top = piece.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
    if (top < box.scrollTop + 24 || top > box.scrollTop + box.clientHeight - 48) {
      box.scrollTop = Math.max(top - box.clientHeight / 3, 0);
    }
  }

  /** The reviewer's selection in the analysed text: {begin, end, text} or null. */
  selection() {
    const selection = window.getSelection();
    if (!this.analysed || !selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    if (!this.analysed.contains(range.commonAncestorContainer)) return null;
    let begin = boundaryOffset(this.analysed, range.startContainer, range.startOffset);
    let end = boundaryOffset(this.analysed, range.endContainer, range.endOffset);
    if (begin === null || end === null || end <= begin) return null;
    // Selections by double-click or drag often take a space or line break along.
    while (begin < end && /\s/.test(this.text[begin])) begin += 1;
    while (end > begin && /\s/.test(this.text[end - 1])) end -= 1;
    if (end <= begin) return null;
    const text = this.text.slice(begin, end);
    return { begin, end, text, masked: text.includes(MASK) };
  }

  selectionChanged() {
    this.onSelection(this.selection());
  }
}
