// A page image with zoom and pan, and the OCR's word boxes drawn over it: coloured by
// printed / handwriting, shaded by confidence, PHI blacked out, each one a keyboard stop.

import { arrow, fill, h, s } from "./dom.js";
import { formatScore } from "./labels.js";

const MIN_SCALE = 0.1;
const MAX_SCALE = 4;
const STEP = 1.25;
const DRAG_THRESHOLD = 4;
const LOW_CONFIDENCE = 0.8;

function wordLabel(word) {
  if (word.masked) return "masked PHI";
  const kind = word.handwriting ? "handwriting" : "printed";
  return `${word.text}, ${kind}, confidence ${formatScore(word.confidence)}`;
}

export class PageViewer {
  constructor({ api, onWord, onPage }) {
    this.api = api;
    this.onWord = onWord;
    this.onPage = onPage;
    this.scale = 1;
    this.size = { width: 1, height: 1 };
    this.image = null;
    this.rects = new Map();
    this.build();
  }

  build() {
    this.pageLabel = h("span", { class: "page-label", "aria-live": "polite" });
    this.previous = h(
      "button",
      {
        type: "button",
        class: "btn btn-small",
        onclick: () => this.onPage(-1),
        "aria-label": "Previous page",
      },
      arrow(-1),
      " Page",
    );
    this.next = h(
      "button",
      {
        type: "button",
        class: "btn btn-small",
        onclick: () => this.onPage(1),
        "aria-label": "Next page",
      },
      "Page ",
      arrow(1),
    );
    this.zoomLabel = h("output", { class: "zoom-label", "aria-live": "off" }, "100%");
    this.boxesToggle = h("input", { type: "checkbox", checked: true, id: "toggle-boxes" });
    this.boxesToggle.addEventListener("change", () =>
      this.element.classList.toggle("hide-boxes", !this.boxesToggle.checked),
    );
    const toolbar = h(
      "div",
      { class: "viewer-toolbar", role: "group", "aria-label": "Page image controls" },
      h("div", { class: "toolbar-group" }, this.previous, this.pageLabel, this.next),
      h(
        "div",
        { class: "toolbar-group" },
        h(
          "button",
          {
            type: "button",
            class: "btn btn-small",
            "aria-label": "Zoom out",
            onclick: () => this.zoomBy(1 / STEP),
          },
          "−",
        ),
        this.zoomLabel,
        h(
          "button",
          {
            type: "button",
            class: "btn btn-small",
            "aria-label": "Zoom in",
            onclick: () => this.zoomBy(STEP),
          },
          "+",
        ),
        h(
          "button",
          { type: "button", class: "btn btn-small", onclick: () => this.fitWidth() },
          "Fit width",
        ),
        h(
          "button",
          { type: "button", class: "btn btn-small", onclick: () => this.fitPage() },
          "Fit page",
        ),
      ),
      h("label", { class: "toggle", for: "toggle-boxes" }, this.boxesToggle, "Word boxes"),
    );
    this.stage = h("div", { class: "stage" });
    this.viewport = h(
      "div",
      {
        class: "viewport",
        role: "group",
        "aria-label": "Page image; drag to pan, Ctrl + wheel to zoom",
      },
      this.stage,
    );
    const legend = h(
      "ul",
      { class: "legend", "aria-label": "Word box legend" },
      h("li", {}, h("span", { class: "swatch swatch-printed", "aria-hidden": "true" }), "Printed"),
      h("li", {}, h("span", { class: "swatch swatch-hand", "aria-hidden": "true" }), "Handwriting"),
      h(
        "li",
        {},
        h("span", { class: "swatch swatch-low", "aria-hidden": "true" }),
        "Dashed, darker = lower confidence",
      ),
      h("li", {}, h("span", { class: "swatch swatch-phi", "aria-hidden": "true" }), "Masked PHI"),
    );
    this.element = h(
      "section",
      { class: "viewer", "aria-label": "Page image and word boxes" },
      toolbar,
      this.viewport,
      legend,
    );
    this.scrolled = { left: 0, top: 0 };
    this.viewport.addEventListener("scroll", () => {
      this.scrolled = { left: this.viewport.scrollLeft, top: this.viewport.scrollTop };
    });
    this.bindPointer();
  }

  destroy() {
    this.image?.revoke();
    this.image = null;
  }

  /** Show a page: `link` from the API's pages, `words` those of this page. */
  async show(link, pageCount, words) {
    const again = this.shown === link.number ? { scale: this.scale, ...this.scrolled } : null;
    this.shown = link.number;
    this.pageLabel.textContent = `Page ${link.number} of ${pageCount}`;
    this.previous.disabled = link.number <= 1;
    this.next.disabled = link.number >= pageCount;
    this.words = words;
    fill(this.stage, h("p", { class: "viewer-message" }, "Loading page image…"));
    const previous = this.image;
    try {
      this.image = await this.api.imageUrl(link.image_url);
    } catch (error) {
      fill(
        this.stage,
        h("p", { class: "viewer-message" }, `The page image could not be loaded: ${error.message}`),
      );
      return;
    } finally {
      previous?.revoke();
    }
    const img = h("img", {
      class: "page-image",
      alt: `Page ${link.number} of the document`,
      draggable: "false",
    });
    await new Promise((resolve) => {
      img.addEventListener("load", resolve, { once: true });
      img.addEventListener("error", resolve, { once: true });
      img.src = this.image.url;
    });
    this.size = {
      width: link.width || img.naturalWidth || 1,
      height: link.height || img.naturalHeight || 1,
    };
    fill(this.stage, img, this.overlay(words));
    if (again) {
      this.setScale(again.scale);
      this.viewport.scrollLeft = again.left;
      this.viewport.scrollTop = again.top;
    } else {
      this.fitWidth();
    }
  }

  overlay(words) {
    const { width, height } = this.size;
    this.rects = new Map();
    const group = s("g", {
      role: "group",
      "aria-label": "Words on this page; arrow keys move, Enter selects",
    });
    words.forEach((word, position) => {
      const box = word.box;
      const rect = s("rect", {
        x: box.left * width,
        y: box.top * height,
        width: Math.max(box.width * width, 1),
        height: Math.max(box.height * height, 1),
        class: [
          "word",
          word.handwriting ? "hand" : "printed",
          word.confidence < LOW_CONFIDENCE && "low",
          word.masked && "phi",
        ],
        "fill-opacity": word.masked ? 1 : (0.06 + (1 - word.confidence) * 0.6).toFixed(2),
        tabindex: position === 0 ? 0 : -1,
        role: "button",
        "aria-label": wordLabel(word),
        dataset: { w: word.index },
      });
      rect.append(s("title", {}, wordLabel(word)));
      this.rects.set(word.index, rect);
      group.append(rect);
    });
    const svg = s(
      "svg",
      { class: "overlay", viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: "none" },
      group,
    );
    svg.addEventListener("click", (event) => {
      const rect = event.target.closest?.("rect.word");
      if (rect) this.choose(rect);
    });
    svg.addEventListener("keydown", (event) => this.keyed(event));
    return svg;
  }

  choose(rect) {
    this.rove(rect);
    this.onWord(Number(rect.dataset.w));
  }

  rove(rect) {
    for (const other of this.rects.values()) other.setAttribute("tabindex", "-1");
    rect.setAttribute("tabindex", "0");
  }

  keyed(event) {
    const rect = event.target.closest?.("rect.word");
    if (!rect) return;
    const order = [...this.rects.values()];
    const at = order.indexOf(rect);
    const moves = {
      ArrowRight: 1,
      ArrowDown: 1,
      ArrowLeft: -1,
      ArrowUp: -1,
      Home: -at,
      End: order.length - 1 - at,
    };
    if (event.key in moves) {
      event.preventDefault();
      const target = order[Math.min(Math.max(at + moves[event.key], 0), order.length - 1)];
      this.rove(target);
      target.focus();
      this.reveal(target);
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      this.choose(rect);
    }
  }

  highlight(wordIndexes) {
    for (const rect of this.stage.querySelectorAll("rect.is-selected"))
      rect.classList.remove("is-selected");
    const marked = wordIndexes.map((i) => this.rects.get(i)).filter(Boolean);
    for (const rect of marked) rect.classList.add("is-selected");
    if (marked.length) this.reveal(marked[0]);
  }

  /** Scroll the viewport so a word box is in sight. */
  reveal(rect) {
    const x = Number(rect.getAttribute("x")) * this.scale;
    const y = Number(rect.getAttribute("y")) * this.scale;
    const { clientWidth, clientHeight, scrollLeft, scrollTop } = this.viewport;
    if (x < scrollLeft || x > scrollLeft + clientWidth - 40)
      this.viewport.scrollLeft = x - clientWidth / 3;
    if (y < scrollTop || y > scrollTop + clientHeight - 40)
      this.viewport.scrollTop = y - clientHeight / 3;
  }

  setScale(scale, anchor) {
    const { clientWidth, clientHeight } = this.viewport;
    const point = anchor || { x: clientWidth / 2, y: clientHeight / 2 };
    const contentX = (this.viewport.scrollLeft + point.x) / this.scale;
    const contentY = (this.viewport.scrollTop + point.y) / this.scale;
    this.scale = Math.min(Math.max(scale, MIN_SCALE), MAX_SCALE);
    this.stage.style.width = `${Math.round(this.size.width * this.scale)}px`;
    this.stage.style.height = `${Math.round(this.size.height * this.scale)}px`;
    this.viewport.scrollLeft = contentX * this.scale - point.x;
    this.viewport.scrollTop = contentY * this.scale - point.y;
    this.zoomLabel.textContent = `${Math.round(this.scale * 100)}%`;
  }

  zoomBy(factor, anchor) {
    this.setScale(this.scale * factor, anchor);
  }

  fitWidth() {
    this.setScale((this.viewport.clientWidth - 4) / this.size.width);
    this.viewport.scrollTop = 0;
  }

  fitPage() {
    const { clientWidth, clientHeight } = this.viewport;
    this.setScale(
      Math.min((clientWidth - 4) / this.size.width, (clientHeight - 4) / this.size.height),
    );
  }

  bindPointer() {
    let drag = null;
    let dragged = false;
    this.viewport.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      drag = {
        x: event.clientX,
        y: event.clientY,
        left: this.viewport.scrollLeft,
        top: this.viewport.scrollTop,
      };
      dragged = false;
    });
    this.viewport.addEventListener("pointermove", (event) => {
      if (!drag) return;
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (!dragged && Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
      if (!dragged) this.viewport.setPointerCapture(event.pointerId);
      dragged = true;
      this.viewport.classList.add("is-panning");
      this.viewport.scrollLeft = drag.left - dx;
      this.viewport.scrollTop = drag.top - dy;
    });
    const stop = () => {
      drag = null;
      this.viewport.classList.remove("is-panning");
    };
    this.viewport.addEventListener("pointerup", stop);
    this.viewport.addEventListener("pointercancel", stop);
    // A drag that ends over a word box must not select it.
    this.viewport.addEventListener(
      "click",
      (event) => {
        if (dragged) {
          event.stopPropagation();
          dragged = false;
        }
      },
      true,
    );
    this.viewport.addEventListener(
      "wheel",
      (event) => {
        if (!event.ctrlKey) return;
        event.preventDefault();
        const bounds = this.viewport.getBoundingClientRect();
        this.zoomBy(event.deltaY < 0 ? STEP : 1 / STEP, {
          x: event.clientX - bounds.left,
          y: event.clientY - bounds.top,
        });
      },
      { passive: false },
    );
  }
}
