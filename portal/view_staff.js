// Staff: the dispute queue with SLA state, one dispute with its decision form, and a
// methodology draft's impact (grade migration matrix, delta histogram, top movers).
import {h, replace, table, fmtTime, fmtNum, words} from "./dom.js";
import {api, getKey, q} from "./api.js";
import {barHistogram} from "./charts.js";
import {staffDisclosureQueueSection} from "./view_disclosure.js";

const AREA = "staff";
const DECIDABLE = ["in_review", "in_review_appeal"];
const TAKEABLE = ["open", "appealed"];

function needKey(ctx, title) {
  replace(ctx.main, h("h1", {}, title),
    h("p", {}, "Rating staff review disputes within their SLA and preview methodology drafts."),
    ctx.keyPanel(AREA, ctx.rerender));
}

export async function renderStaffHome(ctx) {
  const key = getKey(AREA);
  if (!key) return needKey(ctx, "Staff");
  const status = h("select", {id: "queue-status"},
    ["", "open", "in_review", "info_requested", "appealed", "in_review_appeal", "accepted", "rejected"]
      .map((v) => h("option", {value: v}, v ? words(v) : "any state")));
  const overdue = h("input", {type: "checkbox", id: "queue-overdue"});
  const holder = h("div", {id: "queue", "aria-live": "polite"});

  async function load() {
    ctx.showError(null);
    try {
      const list = await api(`/v1/staff/disputes${q({status: status.value, overdue: overdue.checked ? "true" : "", limit: 200})}`, {key});
      replace(holder, list.items.length === 0 ? h("p", {}, "The queue is empty.") :
        h("div", {class: "scroll"}, table("Dispute queue", ["dispute", "company", "kind", "reason", "state", "opened", "SLA", "assignee"],
          list.items.map((d) => [h("a", {href: `/portal/staff/disputes/${d.id}`}, `#${d.id}`), d.company, d.kind, words(d.reason),
            h("span", {class: `state state-${d.state}`}, words(d.state)), fmtTime(d.opened_at),
            h("span", {class: `sla sla-${d.sla}`}, words(d.sla)), d.assignee_key_id ? `key ${d.assignee_key_id}` : "unassigned"]),
          {id: "queue-table"})));
    } catch (err) {
      ctx.showError(err);
    }
  }
  const filters = h("form", {class: "inline-form", "aria-label": "Filter the queue"},
    h("label", {for: "queue-status"}, "State"), status,
    h("label", {for: "queue-overdue", class: "check"}, overdue, "overdue only"),
    h("button", {type: "submit"}, "Show"));
  filters.addEventListener("submit", (ev) => {
    ev.preventDefault();
    load();
  });
  const version = h("input", {id: "draft-version", required: true, pattern: "[0-9]{4}\\.[0-9]{1,6}", placeholder: "2026.2"});
  const draftForm = h("form", {class: "inline-form", "aria-label": "Open a methodology draft"},
    h("label", {for: "draft-version"}, "Draft version"), version, h("button", {type: "submit"}, "Show its impact"));
  draftForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    ctx.navigate(`/portal/staff/drafts/${version.value.trim()}`);
  });
  const disclosures = await staffDisclosureQueueSection(ctx, key);
  if (!ctx.current()) return;
  replace(ctx.main, h("h1", {}, "Staff"),
    h("section", {"aria-labelledby": "queue-h"}, h("h2", {id: "queue-h"}, "Dispute queue"), filters, holder),
    disclosures,
    h("section", {"aria-labelledby": "drafts-h"}, h("h2", {id: "drafts-h"}, "Methodology drafts"),
      h("p", {}, "Preview a draft's impact on every rating before it is published. ",
        h("a", {href: "/portal/staff/methodology"}, "All drafts: their changes, preview and publication.")), draftForm),
    h("details", {}, h("summary", {}, "API key"), ctx.keyPanel(AREA, ctx.rerender)));
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
  if (!key) return needKey(ctx, "Dispute");
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
    parts.push(actionForm(ctx, "Take the dispute", [h("p", {}, "Take it to review it; the company sees that it is in review.")],
      "Take it for review", async () => {
        await api(`/v1/staff/disputes/${id}/assign`, {key, method: "POST", body: {}});
        after(`Dispute #${id} is in review.`);
      }));
  }
  if (DECIDABLE.includes(d.state)) {
    const accept = h("input", {type: "radio", name: "outcome", id: "outcome-accepted", value: "accepted", required: true});
    const reject = h("input", {type: "radio", name: "outcome", id: "outcome-rejected", value: "rejected"});
    const rationale = h("textarea", {id: "decision-rationale", rows: 4, maxlength: 4000, required: true});
    parts.push(actionForm(ctx, "Decision", [
      h("h2", {}, "Decision"),
      h("fieldset", {}, h("legend", {}, "Outcome"),
        h("label", {for: "outcome-accepted", class: "check"}, accept, "Accept: correct the evidence and rescore at once"),
        h("label", {for: "outcome-rejected", class: "check"}, reject, "Reject: the evidence stands (the company may appeal)")),
      h("label", {for: "decision-rationale"}, "Rationale (the company sees it)"), rationale],
    "Record the decision", async () => {
      const outcome = accept.checked ? "accepted" : reject.checked ? "rejected" : "";
      await api(`/v1/staff/disputes/${id}/decision`, {key, method: "POST", body: {outcome, rationale: rationale.value.trim()}});
      after(`Dispute #${id} ${outcome}.`);
    }));
    const ask = h("textarea", {id: "request-info", rows: 3, maxlength: 4000, required: true});
    parts.push(actionForm(ctx, "Ask the company", [h("label", {for: "request-info"}, "Ask the company for more information"), ask],
      "Request information", async () => {
        await api(`/v1/staff/disputes/${id}/request-info`, {key, method: "POST", body: {body: ask.value.trim()}});
        after("Information requested.");
      }));
  }
  const note = h("textarea", {id: "staff-comment", rows: 3, maxlength: 4000, required: true});
  const internal = h("input", {type: "checkbox", id: "staff-internal"});
  parts.push(actionForm(ctx, "Add a comment or an internal note", [h("label", {for: "staff-comment"}, "Comment"), note,
    h("label", {for: "staff-internal", class: "check"}, internal, "internal note (only staff see it)")],
  "Add the comment", async () => {
    await api(`/v1/staff/disputes/${id}/comments`, {key, method: "POST", body: {body: note.value.trim(), internal: internal.checked}});
    after("Comment added.");
  }));
  replace(ctx.main,
    h("p", {}, h("a", {href: "/portal/staff"}, "← Queue")),
    h("h1", {}, `Dispute #${d.id}: ${words(d.state)}`),
    h("dl", {class: "facts"},
      h("dt", {}, "Company"), h("dd", {}, d.company),
      h("dt", {}, "Kind and reason"), h("dd", {}, `${d.kind}, ${words(d.reason)}`),
      h("dt", {}, "Items"), h("dd", {}, (d.evidence_ids || []).map((e) => `evidence #${e}`).concat((d.asset_ids || []).map((a) => `asset #${a}`)).join(", ")),
      h("dt", {}, "SLA"), h("dd", {id: "sla-state"}, h("span", {class: `sla sla-${d.sla.state}`}, words(d.sla.state)),
        `: first response due ${fmtTime(d.sla.first_response_due)}, resolution due ${fmtTime(d.sla.resolution_due)}${d.sla.paused ? " (paused while waiting for the company)" : ""}.`),
      h("dt", {}, "Explanation"), h("dd", {}, d.explanation)),
    d.decision_rationale ? h("p", {}, h("strong", {}, `Decision (${d.decision}): `), d.decision_rationale) : null,
    disputedEvidence(seen),
    h("h2", {}, "Thread"),
    h("ol", {class: "thread"}, d.thread.map((t) => h("li", {class: t.internal ? "internal" : null},
      h("span", {class: "who"}, `${fmtTime(t.at)} · ${t.role}${t.actor_key_id ? ` (key ${t.actor_key_id})` : ""} · ${words(t.event)}${t.internal ? " · internal" : ""}`),
      t.to_state && t.from_state !== t.to_state ? ` → ${words(t.to_state)}` : "", t.body ? h("p", {}, t.body) : null))),
    parts);
}

// What is disputed, as the company sees it, and what accepting would do.
function disputedEvidence(seen) {
  const e = seen.effect_of_accepting;
  const details = (x) => Object.entries(x.details || {}).map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`).join("; ");
  return h("section", {"aria-labelledby": "disputed-h"},
    h("h2", {id: "disputed-h"}, "The disputed evidence"),
    e ? h("p", {id: "effect-of-accepting"}, "Accepting would move the rating from ",
      h("strong", {}, e.score_now === null ? "insufficient data" : `${fmtNum(e.score_now)} (${e.grade_now})`), " to ",
      h("strong", {}, e.score_if_accepted === null ? "insufficient data" : `${fmtNum(e.score_if_accepted)} (${e.grade_if_accepted})`),
      e.change === null ? "." : `: ${e.change > 0 ? "+" : ""}${fmtNum(e.change, 2)} points under methodology ${e.methodology_version}.`)
      : h("p", {}, "The company has no rating yet."),
    seen.evidence.length === 0 ? h("p", {}, "No evidence on the disputed items.") :
      h("div", {class: "scroll"}, table("Disputed evidence", ["id", "check", "asset", "outcome", "details", "source", "seen", "status"],
        seen.evidence.map((x) => [`#${x.id}`, h("span", {}, x.title || x.check, h("br"), h("code", {}, x.check)),
          x.asset ? x.asset.value : "—", x.outcome, details(x), `${x.source} (${x.collector_version})`,
          `${fmtTime(x.first_seen)} – ${fmtTime(x.last_seen)}`, x.status]), {id: "disputed-evidence"})));
}

function migrationMatrix(gm) {
  const label = (g) => (g === "insufficient_data" ? "insufficient" : g);
  return h("div", {class: "scroll"}, h("table", {class: "matrix", id: "migration-matrix"},
    h("caption", {}, `Grade migration: rows are the grade now, columns the grade under the draft (${gm.upgrades} up, ${gm.downgrades} down, ${gm.same_grade} the same)`),
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
  return h("div", {class: "scroll"}, table(title, ["company", "before", "after", "change"],
    list.map((m) => [m.slug, `${fmtNum(m.before_score)} (${m.before_grade})`, `${fmtNum(m.after_score)} (${m.after_grade})`,
      `${m.delta > 0 ? "+" : ""}${fmtNum(m.delta)}`])));
}

export async function renderDraftImpact(ctx) {
  const key = getKey(AREA);
  if (!key) return needKey(ctx, "Draft impact");
  const version = ctx.params[0];
  const preview = h("button", {type: "button"}, "Compute the impact now (admin)");
  preview.addEventListener("click", async () => {
    ctx.say(`Rating every company under ${version}…`);
    try {
      await api(`/v1/staff/methodology/drafts/${version}/preview`, {key, method: "POST"});
      ctx.say(`Impact of ${version} computed.`);
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
    h("p", {}, h("a", {href: "/portal/staff"}, "← Staff")),
    h("h1", {}, `Impact of methodology draft ${version}`),
    h("p", {}, `Against ${imp.baseline_version}, over ${imp.companies} companies, computed ${fmtTime(imp.computed_at)} as of ${fmtTime(imp.as_of)}.`,
      imp.current === false ? " The draft was edited since: compute the impact again." : ""),
    preview,
    h("section", {"aria-labelledby": "delta-h"}, h("h2", {id: "delta-h"}, "Score changes"),
      h("p", {id: "delta-summary"}, `${d.up} up, ${d.down} down, ${d.unchanged} unchanged; median ${fmtNum(d.median)}, mean ${fmtNum(d.mean, 2)}, from ${fmtNum(d.min)} to ${fmtNum(d.max)} (10th–90th percentile ${fmtNum(d.p10)} to ${fmtNum(d.p90)}).`),
      barHistogram(d.histogram.map((b) => ({label: deltaLabel(b), value: b.companies})), -1,
        `Histogram of score changes under ${version}: companies per band of points`, "companies per band of score change (points)")),
    h("section", {"aria-labelledby": "matrix-h"}, h("h2", {id: "matrix-h"}, "Grade migration"), migrationMatrix(i.grade_migration),
      h("p", {}, `Insufficient data: ${i.insufficient_data.before} now, ${i.insufficient_data.after} under the draft (${i.insufficient_data.became_insufficient} would lose their rating, ${i.insufficient_data.became_rated} would gain one).`)),
    h("section", {"aria-labelledby": "movers-h"}, h("h2", {id: "movers-h"}, "Top movers"),
      moversTable("Largest rises", i.top_movers.up), moversTable("Largest falls", i.top_movers.down)));
}
