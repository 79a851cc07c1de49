// Small DOM helpers. Text from the API is always set as text (never as HTML), so no
// value the server returns can inject markup into the page.

import {t, tcode, fmtNumber, fmtDateTime, fmtDay} from "./i18n.js";

const SVG_NS = "http://www.w3.org/2000/svg";

function append(el, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    child.forEach((c) => append(el, c));
  } else if (child instanceof Node) {
    el.appendChild(child);
  } else {
    el.appendChild(document.createTextNode(String(child)));
  }
}

function setAttrs(el, attrs) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value);
    } else if (name === "dataset") {
      Object.assign(el.dataset, value);
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
}

// h("p", {class: "x"}, "text", child...): an HTML element.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

// s("rect", {x: 1}): an SVG element.
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function replace(el, ...children) {
  clear(el);
  append(el, children);
  return el;
}

// A date-time from the API ("2026-11-27T04:30:50Z") in the page's language, in UTC.
export function fmtTime(iso) {
  if (!iso) return "—";
  return fmtDateTime(iso);
}

export function fmtDate(iso) {
  if (!iso) return "—";
  return fmtDay(iso);
}

export function fmtNum(v, digits = 1) {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  return fmtNumber(v, digits);
}

export function fmtDuration(seconds) {
  if (seconds === null || seconds === undefined) return t("no data yet");
  const hours = seconds / 3600;
  if (hours < 48) return t("{n} hours", {n: fmtNum(hours)});
  return t("{n} days", {n: fmtNum(hours / 24)});
}

// "exposed_services" -> "exposed services" (or its translation: i18n.js tcode).
export function words(code) {
  return tcode(code);
}

// A table from column headings and rows of cells; caption for screen readers.
export function table(caption, headings, rows, attrs) {
  return h("table", attrs || {},
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, headings.map((t) => h("th", {scope: "col"}, t)))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((c) => h("td", {}, c))))));
}

// The grade as a badge; grade may be null (insufficient data).
export function gradeBadge(grade) {
  const g = grade || "none";
  return h("span", {class: `grade grade-${g.replace(/[^A-Za-z]/g, "")}`},
    grade ? t("Grade {grade}", {grade}) : t("No grade"));
}

// Save a Blob the page fetched itself (with the key in the request) as a file.
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = h("a", {href: url, download: filename});
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
