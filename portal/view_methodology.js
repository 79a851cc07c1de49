// Staff methodology work: the list of drafts with their preview state and the form to
// create one (admin); one draft with its diff against the version in force (weights,
// severities, grade thresholds, checks added, removed and changed), a "Compute
// preview" button, and the form to publish it with notice (admin).
import {h, replace, table, fmtTime} from "./dom.js";
import {api, getKey, ApiError} from "./api.js";
import {t} from "./i18n.js";

const AREA = "staff";

function needKey(ctx, title) {
  replace(ctx.main, h("h1", {}, title),
    h("p", {}, t("Analysts list the methodology drafts and read their impact; admins also read each draft's changes, create, preview and publish them.")),
    ctx.keyPanel(AREA, ctx.rerender));
}

function draftLink(version) {
  return h("a", {href: `/portal/staff/methodology/${version}`}, version);
}

// invalid_methodology answers list each problem with its JSON path.
function problemList(err) {
  if (!(err instanceof ApiError) || !Array.isArray(err.details)) return "";
  return h("ul", {id: "draft-problems"}, err.details.map((d) => h("li", {}, h("code", {}, d.path), `: ${d.message}`)));
}

function createForm(ctx, key) {
  const version = h("input", {id: "new-draft-version", required: true, pattern: "[0-9]{4}\\.[0-9]{1,6}", placeholder: "2026.4"});
  const text = h("textarea", {id: "new-draft-definition", rows: 14, required: true, spellcheck: "false",
    "aria-describedby": "new-draft-help"});
  const problems = h("div", {"aria-live": "polite"});
  const start = h("button", {type: "button", class: "secondary", onclick: async () => {
    try {
      const m = await api("/v1/methodology");
      const doc = await api(`/v1/methodology/versions/${encodeURIComponent(m.in_force.version)}`);
      text.value = JSON.stringify(doc.definition, null, 1);
      ctx.say(t("The definition of {version} is in the form: change its version and what the draft changes.", {version: m.in_force.version}));
    } catch (err) {
      ctx.showError(err);
    }
  }}, t("Start from the version in force"));
  const form = h("form", {class: "stack", "aria-label": t("Create a methodology draft")},
    h("label", {for: "new-draft-version"}, t("Version")), version,
    h("label", {for: "new-draft-definition"}, t("Definition (JSON)")), text,
    h("p", {id: "new-draft-help", class: "help"}, t("The whole methodology definition, as `fairrate methodology create` reads it; its version is set from the field above.")),
    start, problems, h("button", {type: "submit"}, t("Create the draft")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    replace(problems, "");
    let def;
    try {
      def = JSON.parse(text.value);
    } catch (e) {
      ctx.showError(null);
      replace(problems, h("p", {class: "error-text"}, t("The definition is not JSON: {why}", {why: e.message})));
      return;
    }
    def.version = version.value.trim();
    try {
      await api("/v1/staff/methodology/drafts", {key, method: "POST", body: def});
      ctx.say(t("Draft {version} created.", {version: def.version}));
      ctx.navigate(`/portal/staff/methodology/${def.version}`);
    } catch (err) {
      ctx.showError(err);
      replace(problems, problemList(err));
    }
  });
  return form;
}

export async function renderMethodologyDrafts(ctx) {
  const key = getKey(AREA);
  if (!key) return needKey(ctx, t("Methodology drafts"));
  const list = await api("/v1/staff/methodology/drafts", {key});
  if (!ctx.current()) return;
  replace(ctx.main,
    h("p", {}, h("a", {href: "/portal/staff"}, t("← Staff"))),
    h("h1", {}, t("Methodology drafts")),
    list.items.length === 0 ? h("p", {}, t("There is no draft.")) :
      h("div", {class: "scroll"}, table(t("Methodology drafts"), [t("version"), t("title"), t("created"), t("impact")],
        list.items.map((d) => [draftLink(d.version), d.title || "—", fmtTime(d.created_at),
          d.previewed ? h("a", {href: `/portal/staff/drafts/${d.version}`}, t("previewed: read the impact")) : t("not previewed")]),
        {id: "drafts-table"})),
    h("section", {"aria-labelledby": "new-draft-h"}, h("h2", {id: "new-draft-h"}, t("New draft (admin)")), createForm(ctx, key)),
    h("details", {}, h("summary", {}, t("API key")), ctx.keyPanel(AREA, ctx.rerender)));
}

// What kind of change a diff path is, for the counts above the table. Paths name
// factors and checks by code ("factors.tls.weight", "checks.tls.expired.severity"),
// and check codes hold one dot.
function changeKind(c) {
  const parts = c.path.split(".");
  if (parts[0] === "factors" && parts[2] === "weight") return t("weights");
  if (parts[0] === "factors") return t("other factor changes");
  if (parts[0] === "checks" && parts.length === 3) {
    return c.change === "added" ? t("checks added") : c.change === "removed" ? t("checks removed") : t("checks changed");
  }
  if (parts[0] === "checks" && parts[3] === "severity") return t("severities");
  if (parts[0] === "checks") return t("other check changes");
  if (parts[0] === "grades") return t("grade thresholds");
  return t("other");
}

const CHANGE_WORDS = {added: () => t("added"), removed: () => t("removed"), changed: () => t("changed")};

function valueText(v) {
  if (v === null || v === undefined) return "—";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

function diffSection(d) {
  if (!d.diff) return h("p", {}, t("No version is in force to compare with."));
  const changes = d.diff.changes;
  const counts = {};
  changes.forEach((c) => { counts[changeKind(c)] = (counts[changeKind(c)] || 0) + 1; });
  const summary = Object.keys(counts).sort().map((k) => `${k}: ${counts[k]}`).join(t("; "));
  return h("section", {"aria-labelledby": "diff-h"},
    h("h2", {id: "diff-h"}, t("Changes against {version}", {version: d.diff.against})),
    h("p", {id: "diff-summary"}, changes.length === 0 ? t("No change from {version} but the version and dates.", {version: d.diff.against}) :
      t("{n} changes ({summary}).", {n: changes.length, summary})),
    changes.length === 0 ? null : h("div", {class: "scroll"}, table(t("Changes from {from} to {to}", {from: d.diff.against, to: d.version}),
      [t("where"), t("change"), t("in force"), t("draft")],
      changes.map((c) => [h("code", {}, c.path), CHANGE_WORDS[c.change] ? CHANGE_WORDS[c.change]() : c.change,
        valueText(c.old), valueText(c.new)]), {id: "diff-table"})));
}

function previewSection(ctx, key, d) {
  const p = d.preview;
  const button = h("button", {type: "button"}, p ? t("Compute the preview again") : t("Compute preview"));
  button.addEventListener("click", async () => {
    button.disabled = true;
    ctx.say(t("Rating every company under {version}…", {version: d.version}));
    try {
      await api(`/v1/staff/methodology/drafts/${d.version}/preview`, {key, method: "POST"});
      ctx.say(t("Impact of {version} computed.", {version: d.version}));
      ctx.rerender();
    } catch (err) {
      button.disabled = false;
      ctx.showError(err);
    }
  });
  const state = !p ? t("Not previewed yet: compute the preview before publishing.") :
    p.current ? t("Previewed on {companies} companies against {version}, {when}.", {companies: p.companies, version: p.baseline_version, when: fmtTime(p.computed_at)}) :
      t("The draft changed since its preview of {when}: compute it again before publishing.", {when: fmtTime(p.computed_at)});
  return h("section", {"aria-labelledby": "preview-h"}, h("h2", {id: "preview-h"}, t("Impact preview")),
    h("p", {id: "preview-state"}, state),
    p && p.current ? null : button,
    p ? h("p", {}, h("a", {href: `/portal/staff/drafts/${d.version}`}, t("Read the impact of {version}", {version: d.version}))) : null);
}

function publishForm(ctx, key, d) {
  const date = h("input", {id: "publish-date", type: "date", required: true});
  const reason = h("textarea", {id: "publish-reason", rows: 3, "aria-describedby": "publish-help"});
  const form = h("form", {class: "stack", "aria-label": t("Publish {version}", {version: d.version})},
    h("label", {for: "publish-date"}, t("Takes effect on (UTC)")), date,
    h("label", {for: "publish-reason"}, t("Reason for short notice")), reason,
    h("p", {id: "publish-help", class: "help"}, t("Companies get the configured notice period; a shorter one needs a written reason, which is published.")),
    h("button", {type: "submit"}, t("Publish {version}", {version: d.version})));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = {effective_at: `${date.value}T00:00:00Z`};
    if (reason.value.trim()) body.reason = reason.value.trim();
    try {
      const r = await api(`/v1/staff/methodology/drafts/${d.version}/publish`, {key, method: "POST", body});
      ctx.say(t("Methodology {version} published: it takes effect on {day}, with {days} days' notice.", {version: r.version, day: r.effective_at.slice(0, 10), days: r.notice_days}));
      ctx.navigate("/portal/staff/methodology");
    } catch (err) {
      ctx.showError(err);
    }
  });
  return h("section", {"aria-labelledby": "publish-h"}, h("h2", {id: "publish-h"}, t("Publish (admin)")), form);
}

export async function renderMethodologyDraft(ctx) {
  const key = getKey(AREA);
  if (!key) return needKey(ctx, t("Methodology draft"));
  const version = ctx.params[0];
  const d = await api(`/v1/staff/methodology/drafts/${version}`, {key});
  if (!ctx.current()) return;
  replace(ctx.main,
    h("p", {}, h("a", {href: "/portal/staff/methodology"}, t("← Methodology drafts"))),
    h("h1", {}, t("Methodology draft {version}", {version: d.version})),
    h("p", {}, d.definition.title ? `${d.definition.title}. ` : "", t("Created {when}; definition SHA-256", {when: fmtTime(d.created_at)}), " ",
      h("code", {}, d.definition_sha256.slice(0, 16)), "…"),
    diffSection(d), previewSection(ctx, key, d), publishForm(ctx, key, d),
    h("details", {}, h("summary", {}, t("API key")), ctx.keyPanel(AREA, ctx.rerender)));
}
