// The portal's languages: every text the portal shows goes through t() (its own
// texts, msgid = the English text, {name} for a value), tc() (the methodology's factor
// names and check titles, by context) or tx() (fixed English texts the API sends).
// The Japanese texts come from GET /portal/i18n/ja, which the server compiles from
// po/portal-ja.po, po/ja.po and methodology/i18n/ja.po. English needs no catalogue.
//
// The language: ?lang= in the address, else the choice saved by the switch
// (localStorage: a preference, not a secret), else the first of the browser's
// languages (navigator.languages) that the portal speaks, else English.

export const LANGS = [["en", "English"], ["ja", "日本語"]];
const SAVED = "fairrate.lang";

let lang = "en";
let locale = "en";
let messages = {};
let contexts = {};

function speaks(code) {
  return LANGS.some(([c]) => c === code);
}

function savedLang() {
  try {
    return localStorage.getItem(SAVED) || "";
  } catch (e) {
    return "";
  }
}

// The language the page should use now (see above).
export function chooseLang() {
  const asked = new URLSearchParams(location.search).get("lang");
  if (speaks(asked)) return asked;
  const saved = savedLang();
  if (speaks(saved)) return saved;
  for (const tag of navigator.languages || [navigator.language || ""]) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (speaks(base)) return base;
  }
  return "en";
}

export function currentLang() {
  return lang;
}

// Load code's catalogue (once per page) and make it the page's language: <html lang>
// and the locale numbers and dates are formatted for (the browser's own variant of
// the language when it has one, such as en-GB).
export async function useLang(code) {
  if (code === "en") {
    messages = {};
    contexts = {};
  } else {
    const resp = await fetch(`/portal/i18n/${code}`, {cache: "default", credentials: "omit"});
    if (!resp.ok) throw new Error(`the ${code} catalogue is unavailable (HTTP ${resp.status})`);
    const cat = await resp.json();
    messages = cat.messages || {};
    contexts = cat.contexts || {};
  }
  lang = code;
  const variant = (navigator.languages || []).find((tag) => String(tag).toLowerCase().split("-")[0] === code);
  locale = variant || code;
  document.documentElement.lang = code;
}

// Remember the switch's choice for the next visits.
export function saveLang(code) {
  try {
    localStorage.setItem(SAVED, code);
  } catch (e) {
    // Private windows may refuse storage: the choice then lasts for this page only.
  }
}

function fill(text, vars) {
  if (!vars) return text;
  return text.replace(/\{([a-z_]+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

// t("Dispute #{id} filed.", {id: 7}): the portal's own text in the page's language.
export function t(msgid, vars) {
  return fill(messages[msgid] || msgid, vars);
}

// tc("factor", name), tc("check", title): a text of the methodology, translated by
// methodology/i18n/<lang>.po when it has it, else as the API gave it.
export function tc(ctxt, text) {
  if (text === null || text === undefined) return text;
  const c = contexts[ctxt];
  return (c && c[text]) || text;
}

// tx(text): a fixed English sentence of the API (a plan's rule, the recompute note)
// when the catalogue has it, else as the API gave it.
export function tx(text) {
  return (text && messages[text]) || text;
}

// A code of the API ("in_review", "not_our_asset", "high") in words: its catalogue
// entry (msgctxt "code") when there is one, else the code with spaces.
export function tcode(code) {
  if (code === null || code === undefined || code === "") return "—";
  const c = contexts.code;
  return (c && c[code]) || String(code).replace(/_/g, " ");
}

export function fmtNumber(v, digits) {
  return new Intl.NumberFormat(locale, {minimumFractionDigits: digits, maximumFractionDigits: digits})
    .format(Number(v));
}

// A date-time of the API (ISO 8601, UTC) in the page's locale, in UTC.
export function fmtDateTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(locale, {year: "numeric", month: "short", day: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC", timeZoneName: "short"}).format(d);
}

// A date of the API ("2026-11-27" or a date-time) in the page's locale.
export function fmtDay(iso) {
  const text = String(iso);
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(d.getTime())) return text;
  return new Intl.DateTimeFormat(locale, {year: "numeric", month: "short", day: "numeric", timeZone: "UTC"}).format(d);
}
