// The portal's entry point: client-side routes under /portal, the status and alert
// regions, and the key form each signed-in area uses.
import {h, replace} from "./dom.js";
import {ApiError, getKey, setKey, forgetKey, describeError} from "./api.js";
import {t, LANGS, chooseLang, currentLang, useLang, saveLang} from "./i18n.js";
import {renderPublic} from "./view_public.js";
import {renderInvestorSearch, renderCompanyPage} from "./view_investor.js";
import {renderCompany} from "./view_company.js";
import {renderReport} from "./view_report.js";
import {renderStaffHome, renderStaffDispute, renderDraftImpact} from "./view_staff.js";
import {renderPublicCompany} from "./view_sharing.js";
import {renderMethodologyDrafts, renderMethodologyDraft} from "./view_methodology.js";

const main = document.getElementById("main");
const statusEl = document.getElementById("status");
const alertEl = document.getElementById("alert");

const ROUTES = [
  {re: /^\/(portal\/?)?$/, area: "public", title: () => t("Methodology and statistics"), view: renderPublic},
  {re: /^\/portal\/public\/([a-z0-9][a-z0-9-]*)$/, area: "public", title: () => t("Public page"), view: renderPublicCompany},
  {re: /^\/portal\/investor\/?$/, area: "investor", title: () => t("Investors"), view: renderInvestorSearch},
  {re: /^\/portal\/investor\/([a-z0-9][a-z0-9-]*)$/, area: "investor", title: () => t("Company"), view: renderCompanyPage},
  {re: /^\/portal\/company\/?$/, area: "company", title: () => t("Your company"), view: renderCompany},
  {re: /^\/portal\/company\/report$/, area: "company", title: () => t("Report"), view: renderReport},
  {re: /^\/portal\/staff\/?$/, area: "staff", title: () => t("Staff"), view: renderStaffHome},
  {re: /^\/portal\/staff\/disputes\/([1-9][0-9]*)$/, area: "staff", title: () => t("Dispute"), view: renderStaffDispute},
  {re: /^\/portal\/staff\/drafts\/([0-9]{4}\.[0-9]+)$/, area: "staff", title: () => t("Draft impact"), view: renderDraftImpact},
  {re: /^\/portal\/staff\/methodology\/?$/, area: "staff", title: () => t("Methodology drafts"), view: renderMethodologyDrafts},
  {re: /^\/portal\/staff\/methodology\/([0-9]{4}\.[0-9]+)$/, area: "staff", title: () => t("Methodology draft"), view: renderMethodologyDraft},
];

const KEY_HELP = {
  investor: () => t("Enter an investor, analyst or admin key. It is kept in this tab's session storage only, and goes when the tab closes."),
  company: () => t("Enter your company's key. It is kept in this tab's session storage only, and goes when the tab closes."),
  staff: () => t("Enter an analyst or admin key. It is kept in this tab's session storage only, and goes when the tab closes."),
};

let renderSeq = 0;

function say(message) {
  replace(statusEl, message || "");
}

function showError(err) {
  replace(alertEl, err ? describeError(err) : "");
}

function navigate(path) {
  if (path !== location.pathname) history.pushState(null, "", path);
  render();
}

// The key form of an area; onChange runs after saving or forgetting.
function keyPanel(area, onChange) {
  const id = `key-${area}`;
  const has = getKey(area) !== "";
  const input = h("input", {id, name: "key", type: "password", autocomplete: "off",
    spellcheck: "false", required: true, placeholder: "fr_…", "aria-describedby": `${id}-help`});
  const form = h("form", {class: "key-form", "aria-label": t("Sign in with an API key")},
    h("label", {for: id}, t("API key")),
    input,
    h("button", {type: "submit"}, has ? t("Use this key") : t("Sign in")),
    has ? h("button", {type: "button", class: "secondary", onclick: () => {
      forgetKey(area);
      say(t("The key was forgotten."));
      onChange();
    }}, t("Forget the key")) : null,
    h("p", {id: `${id}-help`, class: "help"}, KEY_HELP[area]()));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const key = input.value.trim();
    if (!/^fr_[A-Za-z0-9_-]+$/.test(key)) {
      replace(alertEl, t("That does not look like a fairrate key: keys start with fr_."));
      input.focus();
      return;
    }
    setKey(area, key);
    say(t("Key saved for this tab."));
    onChange();
  });
  return form;
}

async function render() {
  const seq = ++renderSeq;
  const path = location.pathname;
  showError(null);
  const route = ROUTES.find((r) => r.re.test(path));
  document.querySelectorAll("nav a[data-area]").forEach((a) => {
    if (route && a.dataset.area === route.area) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  });
  if (!route) {
    document.title = `${t("Not found")} · fairrate`;
    replace(main, h("h1", {}, t("Page not found")),
      h("p", {}, t("This page does not exist."), " ", h("a", {href: "/portal"}, t("Go to the methodology."))));
    return;
  }
  const params = path.match(route.re).slice(1);
  document.title = `${route.title()} · fairrate`;
  const ctx = {
    main, params, navigate, say, showError, keyPanel,
    current: () => seq === renderSeq,
    rerender: render,
  };
  replace(main, h("p", {class: "loading"}, t("Loading…")));
  try {
    await route.view(ctx);
  } catch (err) {
    if (seq !== renderSeq) return;
    // A key the server refuses (mistyped, revoked) is forgotten at once, and the key
    // form comes back under the error: the tab is never stuck with a bad key.
    const refusedKey = err instanceof ApiError && err.status === 401 && route.area !== "public" &&
      getKey(route.area) !== "";
    if (refusedKey) {
      forgetKey(route.area);
      say("");
    }
    showError(err);
    replace(main, h("h1", {}, route.title()), h("p", {class: "error-text"}, describeError(err)),
      refusedKey ? h("p", {}, t("The key was not accepted, so it was forgotten. Enter another.")) : null,
      route.area !== "public" ? keyPanel(route.area, render) : null);
  }
}

document.addEventListener("click", (ev) => {
  const a = ev.target.closest ? ev.target.closest("a[href]") : null;
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey ||
      ev.shiftKey || ev.altKey || a.target || a.hasAttribute("download")) return;
  if (a.getAttribute("href").startsWith("#")) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith("/portal") ||
      /\.[a-z]+$/.test(url.pathname)) return;
  ev.preventDefault();
  navigate(url.pathname);
  main.focus();
});

// The parts of index.html outside <main>, in the page's language.
function drawChrome() {
  document.querySelector("a.skip").textContent = t("Skip to the content");
  document.querySelector("header nav").setAttribute("aria-label", t("Portal sections"));
  const nav = {public: t("Methodology"), investor: t("Investors"), company: t("Companies"), staff: t("Staff")};
  document.querySelectorAll("nav a[data-area]").forEach((a) => {
    a.textContent = nav[a.dataset.area];
  });
  document.querySelector("label[for=lang-switch]").textContent = t("Language");
  langSwitch.value = currentLang();
  document.querySelector("footer p").textContent = t("fairrate rates security posture from evidence only. The methodology is public; every rated company can see and dispute the evidence behind its rating.");
}

// The switch in the header: the choice is saved for the next visits, and an explicit
// ?lang= in the address gives way to it.
const langSwitch = document.getElementById("lang-switch");
replace(langSwitch, LANGS.map(([code, name]) => h("option", {value: code, lang: code}, name)));
langSwitch.addEventListener("change", async () => {
  const code = langSwitch.value;
  saveLang(code);
  if (new URLSearchParams(location.search).has("lang")) history.replaceState(null, "", location.pathname);
  try {
    await useLang(code);
  } catch (err) {
    showError(err);
    return;
  }
  drawChrome();
  render();
});

async function start() {
  try {
    await useLang(chooseLang());
  } catch (err) {
    await useLang("en");
    drawChrome();
    await render();
    showError(err);
    return;
  }
  drawChrome();
  await render();
}

window.addEventListener("popstate", render);
start();
