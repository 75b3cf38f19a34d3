// Building the page from data without ever parsing HTML: every string becomes a text
// node or an attribute value, so OCR text and entity names are escaped by construction.

const PROPERTIES = new Set(["value", "checked", "selected", "disabled", "hidden", "indeterminate"]);
const FORBIDDEN = new Set(["style", "innerhtml", "outerhtml", "srcdoc"]);
const SVG_NS = "http://www.w3.org/2000/svg";

function applyProps(element, props) {
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (FORBIDDEN.has(name.toLowerCase())) throw new Error(`refusing to set ${name}`);
    if (name === "class") {
      const names = Array.isArray(value) ? value.filter(Boolean).join(" ") : value;
      element.setAttribute("class", names);
    } else if (name === "text") {
      element.textContent = String(value);
    } else if (name === "dataset") {
      for (const [key, data] of Object.entries(value)) element.dataset[key] = String(data);
    } else if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (PROPERTIES.has(name)) {
      element[name] = value;
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** An HTML element: h("button", {class: "btn", onclick: f}, "Approve"). */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  applyProps(element, props);
  append(element, children);
  return element;
}

/** An SVG element, same calling convention as h(). */
export function s(tag, props = {}, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  applyProps(element, props);
  append(element, children);
  return element;
}

/** Replace an element's children. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** A labelled form field: a <label> tied to the control by id. */
let fieldCounter = 0;
export function field(labelText, control, hint) {
  if (!control.id) control.id = `field-${++fieldCounter}`;
  const parts = [h("label", { for: control.id }, labelText), control];
  if (hint) {
    const hintId = `${control.id}-hint`;
    control.setAttribute("aria-describedby", hintId);
    parts.push(h("span", { class: "hint", id: hintId }, hint));
  }
  return h("div", { class: "field" }, parts);
}

/** A <select> with options given as [value, label] pairs. */
export function select(props, options, current = "") {
  const element = h("select", props);
  for (const [value, label] of options) {
    element.append(h("option", { value, selected: value === current }, label));
  }
  return element;
}

/** An arrow that decorates a label; screen readers skip it. */
export function arrow(direction) {
  return h("span", { class: "arrow", "aria-hidden": "true" }, direction < 0 ? "‹" : "›");
}

export function uniqueId(prefix) {
  return `${prefix}-${++fieldCounter}`;
}
