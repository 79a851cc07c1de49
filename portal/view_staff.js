// Staff: the dispute queue with SLA state, one dispute with its decision form, and a
// methodology draft's impact (grade migration matrix, delta histogram, top movers).
import {h, replace, table, fmtTime, fmtNum, words} from "./dom.js";
import {api, getKey, q} from "./api.js";
import {barHistogram} from "./charts.js";
import {staffDisclosureQueueSection} from "./view_disclosure.js";
import {t, tc} from "./i18n.js";

const AREA = "staff";
const DECIDABLE = ["in_review", "in_review_appeal"];
const TAKEABLE = ["open", "appealed"];

function needKey(ctx, title) {
  replace(ctx.main, h("h1", {}, title),
    h("p", {}, t("Rating staff review disputes within their SLA and preview methodology drafts.")),
    ctx.keyPanel(AREA, ctx.rerender));
}

export async function renderStaffHome(ctx) {
  const key = getKey(AREA);
  if (!key) return needKey(ctx, t("Staff"));
  const status = h("select", {id: "queue-status"},
    ["", "open", "in_review", "info_requested", "appealed", "in_review_appeal", "accepted", "rejected"]
      .map((v) => h("option", {value: v}, v ? words(v) : t("any state"))));
  const overdue = h("input", {type: "checkbox", id: "queue-overdue"});
  const holder = h("div", {id: "queue", "aria-live": "polite"});

  async function load() {
    ctx.showError(null);
    try {
      const list = await api(`/v1/staff/disputes${q({status: status.value, overdue: overdue.checked ? "true" : "", limit: 200})}`, {key});
      replace(holder, list.items.length === 0 ? h("p", {}, t("The queue is empty.")) :
        h("div", {class: "scroll"}, table(t("Dispute queue"), [t("dispute"), t("company"), t("kind"), t("reason"), t("state"), t("opened"), t("SLA"), t("assignee")],
          list.items.map((d) => [h("a", {href: `/portal/staff/disputes/${d.id}`}, `#${d.id}`), d.company, words(d.kind), words(d.reason),
            h("span", {class: `state state-${d.state}`}, words(d.state)), fmtTime(d.opened_at),
            h("span", {class: `sla sla-${d.sla}`}, words(d.sla)), d.assignee_key_id ? t("key {id}", {id: d.assignee_key_id}) : t("unassigned")]),
          {id: "queue-table"})));
    } catch (err) {
      ctx.showError(err);
    }
  }
  const filters = h("form", {class: "inline-form", "aria-label": t("Filter the queue")},
    h("label", {for: "queue-status"}, t("State")), status,
    h("label", {for: "queue-overdue", class: "check"}, overdue, t("overdue only")),
    h("button", {type: "submit"}, t("Show")));
  filters.addEventListener("submit", (ev) => {
    ev.preventDefault();
    load();
  });
  const version = h("input", {id: "draft-version", required: true, pattern: "[0-9]{4}\\.[0-9]{1,6}", placeholder: "2026.2"});
  const draftForm = h("form", {class: "inline-form", "aria-label": t("Open a methodology draft")},
    h("label", {for: "draft-version"}, t("Draft version")), version, h("button", {type: "submit"}, t("Show its impact")));
  draftForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    ctx.navigate(`/portal/staff/drafts/${version.value.trim()}`);
  });
  const disclosures = await staffDisclosureQueueSection(ctx, key);
  if (!ctx.current()) return;
  replace(ctx.main, h("h1", {}, t("Staff")),
    h("section", {"aria-labelledby": "queue-h"}, h("h2", {id: "queue-h"}, t("Dispute queue")), filters, holder),
    disclosures,
    h("section", {"aria-labelledby": "drafts-h"}, h("h2", {id: "drafts-h"}, t("Methodology drafts")),
      h("p", {}, t("Preview a draft's impact on every rating before it is published."), " ",
        h("a", {href: "/portal/staff/methodology"}, t("All drafts: their changes, preview and publication."))), draftForm),
    h("details", {}, h("summary", {}, t("API key")), ctx.keyPanel(AREA, ctx.rerender)));
  await load();
}

function actionForm(ctx, label, fields, button, run) {
  const form = h("form", {class: "stack", "aria-label": label}, fields, h("button", {type: "submit"}, button));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await run();
    } catch (err) {
      ctx.showError(err);
    }
  });
  return form;
}

export async function renderStaffDispute(ctx) {
  const key = getKey(AREA);
  if (!key) return needKey(ctx, t("Dispute"));
  const id = ctx.params[0];
  const [d, seen] = await Promise.all([api(`/v1/staff/disputes/${id}`, {key}),
    api(`/v1/staff/disputes/${id}/evidence`, {key})]);
  if (!ctx.current()) return;
  const after = (msg) => {
    ctx.say(msg);
    ctx.rerender();
  };
  const parts = [];
  if (TAKEABLE.includes(d.state)) {
    parts.push(actionForm(ctx, t("Take the dispute"), [h("p", {}, t("Take it to review it; the company sees that it is in review."))],
      t("Take it for review"), async () => {
        await api(`/v1/staff/disputes/${id}/assign`, {key, method: "POST", body: {}});
        after(t("Dispute #{id} is in review.", {id}));
      }));
  }
  if (DECIDABLE.includes(d.state)) {
    const accept = h("input", {type: "radio", name: "outcome", id: "outcome-accepted", value: "accepted", required: true});
    const reject = h("input", {type: "radio", name: "outcome", id: "outcome-rejected", value: "rejected"});
    const rationale = h("textarea", {id: "decision-rationale", rows: 4, maxlength: 4000, required: true});
    parts.push(actionForm(ctx, t("Decision"), [
      h("h2", {}, t("Decision")),
      h("fieldset", {}, h("legend", {}, t("Outcome")),
        h("label", {for: "outcome-accepted", class: "check"}, accept, t("Accept: correct the evidence and rescore at once")),
        h("label", {for: "outcome-rejected", class: "check"}, reject, t("Reject: the evidence stands (the company may appeal)"))),
      h("label", {for: "decision-rationale"}, t("Rationale (the company sees it)")), rationale],
    t("Record the decision"), async () => {
      const outcome = accept.checked ? "accepted" : reject.checked ? "rejected" : "";
      await api(`/v1/staff/disputes/${id}/decision`, {key, method: "POST", body: {outcome, rationale: rationale.value.trim()}});
      after(t("Dispute #{id} {outcome}.", {id, outcome: words(outcome)}));
    }));
    const ask = h("textarea", {id: "request-info", rows: 3, maxlength: 4000, required: true});
    parts.push(actionForm(ctx, t("Ask the company"), [h("label", {for: "request-info"}, t("Ask the company for more information")), ask],
      t("Request information"), async () => {
        await api(`/v1/staff/disputes/${id}/request-info`, {key, method: "POST", body: {body: ask.value.trim()}});
        after(t("Information requested."));
      }));
  }
  const note = h("textarea", {id: "staff-comment", rows: 3, maxlength: 4000, required: true});
  const internal = h("input", {type: "checkbox", id: "staff-internal"});
  parts.push(actionForm(ctx, t("Add a comment or an internal note"), [h("label", {for: "staff-comment"}, t("Comment")), note,
    h("label", {for: "staff-internal", class: "check"}, internal, t("internal note (only staff see it)"))],
  t("Add the comment"), async () => {
    await api(`/v1/staff/disputes/${id}/comments`, {key, method: "POST", body: {body: note.value.trim(), internal: internal.checked}});
    after(t("Comment added."));
  }));
  replace(ctx.main,
    h("p", {}, h("a", {href: "/portal/staff"}, t("← Queue"))),
    h("h1", {}, t("Dispute #{id}: {state}", {id: d.id, state: words(d.state)})),
    h("dl", {class: "facts"},
      h("dt", {}, t("Company")), h("dd", {}, d.company),
      h("dt", {}, t("Kind and reason")), h("dd", {}, `${words(d.kind)}${t(", ")}${words(d.reason)}`),
      h("dt", {}, t("Items")), h("dd", {}, (d.evidence_ids || []).map((e) => t("evidence #{id}", {id: e}))
        .concat((d.asset_ids || []).map((a) => t("asset #{id}", {id: a}))).join(t(", "))),
      h("dt", {}, t("SLA")), h("dd", {id: "sla-state"}, h("span", {class: `sla sla-${d.sla.state}`}, words(d.sla.state)),
        t(": first response due {first}, resolution due {resolution}", {first: fmtTime(d.sla.first_response_due), resolution: fmtTime(d.sla.resolution_due)}),
        d.sla.paused ? t(" (paused while waiting for the company)") : "", t(".")),
      h("dt", {}, t("Explanation")), h("dd", {}, d.explanation)),
    d.decision_rationale ? h("p", {}, h("strong", {}, t("Decision ({decision}): ", {decision: words(d.decision)})), d.decision_rationale) : null,
    disputedEvidence(seen),
    h("h2", {}, t("Thread")),
    h("ol", {class: "thread"}, d.thread.map((x) => h("li", {class: x.internal ? "internal" : null},
      h("span", {class: "who"}, `${fmtTime(x.at)} · ${words(x.role)}${x.actor_key_id ? ` (${t("key {id}", {id: x.actor_key_id})})` : ""} · ${words(x.event)}${x.internal ? t(" · internal") : ""}`),
      x.to_state && x.from_state !== x.to_state ? ` → ${words(x.to_state)}` : "", x.body ? h("p", {}, x.body) : null))),
    parts);
}

// What is disputed, as the company sees it, and what accepting would do.
function disputedEvidence(seen) {
  const e = seen.effect_of_accepting;
  const details = (x) => Object.entries(x.details || {}).map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`).join("; ");
  return h("section", {"aria-labelledby": "disputed-h"},
    h("h2", {id: "disputed-h"}, t("The disputed evidence")),
    e ? h("p", {id: "effect-of-accepting"}, t("Accepting would move the rating from "),
      h("strong", {}, e.score_now === null ? t("insufficient data") : `${fmtNum(e.score_now)} (${e.grade_now})`), t(" to "),
      h("strong", {}, e.score_if_accepted === null ? t("insufficient data") : `${fmtNum(e.score_if_accepted)} (${e.grade_if_accepted})`),
      e.change === null ? t(".") : t(": {change} points under methodology {version}.",
        {change: `${e.change > 0 ? "+" : ""}${fmtNum(e.change, 2)}`, version: e.methodology_version}))
      : h("p", {}, t("The company has no rating yet.")),
    seen.evidence.length === 0 ? h("p", {}, t("No evidence on the disputed items.")) :
      h("div", {class: "scroll"}, table(t("Disputed evidence"), [t("id"), t("check"), t("asset"), t("outcome"), t("details"), t("source"), t("seen"), t("status")],
        seen.evidence.map((x) => [`#${x.id}`, h("span", {}, tc("check", x.title) || x.check, h("br"), h("code", {}, x.check)),
          x.asset ? x.asset.value : "—", words(x.outcome), details(x), `${x.source} (${x.collector_version})`,
          `${fmtTime(x.first_seen)} – ${fmtTime(x.last_seen)}`, words(x.status)]), {id: "disputed-evidence"})));
}

function migrationMatrix(gm) {
  const label = (g) => (g === "insufficient_data" ? t("insufficient") : g);
  return h("div", {class: "scroll"}, h("table", {class: "matrix", id: "migration-matrix"},
    h("caption", {}, t("Grade migration: rows are the grade now, columns the grade under the draft ({up} up, {down} down, {same} the same)",
      {up: gm.upgrades, down: gm.downgrades, same: gm.same_grade})),
    h("thead", {}, h("tr", {}, h("td", {}), gm.grades.map((g) => h("th", {scope: "col"}, label(g))))),
    h("tbody", {}, gm.matrix.map((row, i) => h("tr", {}, h("th", {scope: "row"}, label(gm.grades[i])),
      row.map((n, j) => h("td", {class: n === 0 ? "zero" : i === j ? "same" : i < j ? "down" : "up"}, String(n))))))));
}

// A delta band's label, short enough to sit under its bar: "≤-20", "-9.9…-5", "0", "≥20".
function deltaLabel(b) {
  if (b.from <= -100) return `≤${Number(b.to)}`;
  if (b.to >= 100) return `≥${Number(b.from)}`;
  if (b.from === b.to) return String(Number(b.from));
  return `${Number(b.from)}…${Number(b.to)}`;
}

function moversTable(title, list) {
  return h("div", {class: "scroll"}, table(title, [t("company"), t("before"), t("after"), t("change")],
    list.map((m) => [m.slug, `${fmtNum(m.before_score)} (${m.before_grade})`, `${fmtNum(m.after_score)} (${m.after_grade})`,
      `${m.delta > 0 ? "+" : ""}${fmtNum(m.delta)}`])));
}

export async function renderDraftImpact(ctx) {
  const key = getKey(AREA);
  if (!key) return needKey(ctx, t("Draft impact"));
  const version = ctx.params[0];
  const preview = h("button", {type: "button"}, t("Compute the impact now (admin)"));
  preview.addEventListener("click", async () => {
    ctx.say(t("Rating every company under {version}…", {version}));
    try {
      await api(`/v1/staff/methodology/drafts/${version}/preview`, {key, method: "POST"});
      ctx.say(t("Impact of {version} computed.", {version}));
      ctx.rerender();
    } catch (err) {
      ctx.showError(err);
    }
  });
  const imp = await api(`/v1/staff/methodology/drafts/${version}/impact`, {key});
  if (!ctx.current()) return;
  const i = imp.impact;
  const d = i.delta;
  replace(ctx.main,
    h("p", {}, h("a", {href: "/portal/staff"}, t("← Staff"))),
    h("h1", {}, t("Impact of methodology draft {version}", {version})),
    h("p", {}, t("Against {baseline}, over {n} companies, computed {computed} as of {as_of}.", {baseline: imp.baseline_version,
      n: imp.companies, computed: fmtTime(imp.computed_at), as_of: fmtTime(imp.as_of)}),
    imp.current === false ? ` ${t("The draft was edited since: compute the impact again.")}` : ""),
    preview,
    h("section", {"aria-labelledby": "delta-h"}, h("h2", {id: "delta-h"}, t("Score changes")),
      h("p", {id: "delta-summary"}, t("{up} up, {down} down, {unchanged} unchanged; median {median}, mean {mean}, from {min} to {max} (10th–90th percentile {p10} to {p90}).",
        {up: d.up, down: d.down, unchanged: d.unchanged, median: fmtNum(d.median), mean: fmtNum(d.mean, 2), min: fmtNum(d.min),
          max: fmtNum(d.max), p10: fmtNum(d.p10), p90: fmtNum(d.p90)})),
      barHistogram(d.histogram.map((b) => ({label: deltaLabel(b), value: b.companies})), -1,
        t("Histogram of score changes under {version}: companies per band of points", {version}), t("companies per band of score change (points)"))),
    h("section", {"aria-labelledby": "matrix-h"}, h("h2", {id: "matrix-h"}, t("Grade migration")), migrationMatrix(i.grade_migration),
      h("p", {}, t("Insufficient data: {before} now, {after} under the draft ({lose} would lose their rating, {gain} would gain one).",
        {before: i.insufficient_data.before, after: i.insufficient_data.after, lose: i.insufficient_data.became_insufficient,
          gain: i.insufficient_data.became_rated}))),
    h("section", {"aria-labelledby": "movers-h"}, h("h2", {id: "movers-h"}, t("Top movers")),
      moversTable(t("Largest rises"), i.top_movers.up), moversTable(t("Largest falls"), i.top_movers.down)));
}
