// A company's own view: its rating with the explanation and remediation plan, the
// projected rating under an upcoming methodology, its evidence with filters, the
// dispute form on selected evidence and its dispute threads.
import {h, replace, table, fmtDate, fmtTime, fmtNum, words, gradeBadge} from "./dom.js";
import {api, getKey, q} from "./api.js";
import {companyDisclosuresSection} from "./view_disclosure.js";

const AREA = "company";
const REASONS = [
  ["false_positive", "The finding is wrong (false positive)"],
  ["not_our_asset", "The asset is not ours"],
  ["remediated", "We have fixed it"],
  ["compensating_control", "A compensating control covers it"],
  ["other", "Other"],
];
const OPEN_STATES = ["open", "in_review", "info_requested", "appealed", "in_review_appeal"];

function ratingSection(r) {
  const factors = Object.entries(r.factors);
  return h("section", {"aria-labelledby": "rating-h"},
    h("h2", {id: "rating-h"}, "Your rating"),
    r.status === "rated"
      ? h("p", {class: "score", id: "my-score"}, h("span", {class: "big"}, fmtNum(r.score)), " ", gradeBadge(r.grade))
      : h("p", {class: "score", id: "my-score"}, `Insufficient data: ${r.insufficient_reason}`),
    h("p", {}, `Confidence ${r.confidence}; methodology ${r.methodology_version}; as of ${fmtTime(r.as_of)}; `,
      `last change: ${words(r.reason)}; ${r.evidence_used} evidence items used, ${r.evidence_ignored} ignored.`),
    r.disputed ? h("p", {class: "disputed-note"}, h("strong", {}, "Disputed: "), "evidence behind this rating is under dispute.") : null,
    r.matches_stored_rating === false ? h("p", {class: "help"}, "Your evidence changed since this rating was computed; the plan below follows the current evidence.") : null,
    h("h3", {}, "Explanation"),
    h("div", {class: "scroll"}, table("Factor by factor",
      ["factor", "score", "weight share", "contribution", "findings (cost in points)"],
      factors.map(([, f]) => [f.name, f.has_data ? fmtNum(f.score) : "no data",
        f.weight_share !== undefined ? `${fmtNum(100 * f.weight_share)} %` : "bonus",
        f.contribution !== undefined ? fmtNum(f.contribution, 2) : "—",
        (f.findings || []).length === 0 ? "none" : h("ul", {class: "plain"}, f.findings.map((x) =>
          h("li", {}, `${words(x.check)} (#${x.evidence_id}, ${x.severity}): −${fmtNum(x.cost, 2)}${x.disputed ? " ⚑ disputed" : ""}`)))]))),
    h("h3", {}, "Remediation plan"),
    r.remediation.length === 0 ? h("p", {}, "Nothing to fix: no finding costs points.") :
      h("ol", {id: "remediation"}, r.remediation.map((x) =>
        h("li", {}, `${x.title} (evidence #${x.evidence_id}): +${fmtNum(x.gain)} points`))),
    h("details", {}, h("summary", {}, "Recompute it yourself"),
      h("p", {}, r.recompute),
      h("p", {}, "Inputs digest: ", h("code", {class: "digest"}, r.inputs_digest))));
}

function projectionSection(p) {
  if (!p) return null;
  const proj = p.projection;
  return h("section", {"aria-labelledby": "projection-h"},
    h("h2", {id: "projection-h"}, `Projected rating under ${p.version}`),
    h("p", {id: "projection"}, `From ${fmtDate(p.effective_at)}, methodology ${p.version} replaces ${p.in_force_version}. `,
      `From the same evidence, your rating would be `,
      proj.status === "rated" ? h("strong", {}, `${fmtNum(proj.score)} (${proj.grade})`) : h("strong", {}, "insufficient data"),
      p.score_change === null || p.score_change === undefined ? "." : `, a change of ${p.score_change > 0 ? "+" : ""}${fmtNum(p.score_change)} points.`),
    proj.remediation && proj.remediation.length ? h("p", {}, `Under it, the most valuable fix would be: ${proj.remediation[0].title} (+${fmtNum(proj.remediation[0].gain)}).`) : null);
}

// The evidence table with its filters and the dispute form for the selected rows.
function evidenceSection(ctx, key, factors) {
  const status = h("select", {id: "ev-status", name: "status"},
    ["", "active", "disputed", "corrected", "expired"].map((v) => h("option", {value: v}, v || "any status")));
  const factor = h("select", {id: "ev-factor", name: "factor"}, h("option", {value: ""}, "any factor"),
    factors.map(([code, f]) => h("option", {value: code}, f.name)));
  const outcome = h("select", {id: "ev-outcome", name: "outcome"},
    [["fail", "findings only"], ["", "all outcomes"], ["pass", "passed checks"], ["info", "information"]]
      .map(([v, t]) => h("option", {value: v}, t)));
  const body = h("tbody");
  const summary = h("p", {id: "ev-summary", "aria-live": "polite"});
  const more = h("button", {type: "button", class: "secondary", hidden: true}, "Show more");
  const selected = new Map();
  let rows = [];
  let cursor = null;

  const reason = h("select", {id: "dispute-reason", name: "reason"}, REASONS.map(([v, t]) => h("option", {value: v}, t)));
  const explanation = h("textarea", {id: "dispute-explanation", name: "explanation", rows: 4, maxlength: 4000, required: true});
  const chosen = h("p", {id: "dispute-chosen"}, "No evidence selected: tick the rows to dispute.");
  const submit = h("button", {type: "submit", disabled: true}, "File the dispute");
  const disputeForm = h("form", {id: "dispute-form", "aria-labelledby": "dispute-h"},
    h("h3", {id: "dispute-h"}, "Dispute the selected evidence"), chosen,
    h("label", {for: "dispute-reason"}, "Reason"), reason,
    h("label", {for: "dispute-explanation"}, "Explanation (what is wrong, and how staff can check it)"), explanation,
    submit);

  function updateChosen() {
    const ids = [...selected.keys()];
    submit.disabled = ids.length === 0;
    replace(chosen, ids.length === 0 ? "No evidence selected: tick the rows to dispute."
      : `Selected: ${ids.map((id) => `#${id} ${selected.get(id)}`).join("; ")}.`);
  }

  function row(e) {
    const disputable = e.status === "active";
    const box = h("input", {type: "checkbox", id: `ev-${e.id}`, disabled: !disputable,
      "aria-label": `Select evidence ${e.id}: ${e.title || e.check}`});
    box.checked = selected.has(e.id);
    box.addEventListener("change", () => {
      if (box.checked) selected.set(e.id, e.title || e.check);
      else selected.delete(e.id);
      updateChosen();
    });
    const details = Object.entries(e.details || {}).map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`).join("; ");
    return h("tr", {"data-evidence": String(e.id)},
      h("td", {}, box), h("td", {}, `#${e.id}`),
      h("td", {}, e.title || e.check, h("br"), h("code", {}, e.check)),
      h("td", {}, e.factor ? words(e.factor) : "—"), h("td", {}, e.severity || "—"), h("td", {}, e.outcome),
      h("td", {}, e.asset ? e.asset.value : "—"), h("td", {class: "details"}, details),
      h("td", {}, `${e.source} (${e.collector_version})`),
      h("td", {}, `${fmtDate(e.first_seen)} – ${fmtDate(e.last_seen)}`),
      h("td", {}, h("span", {class: `status status-${e.status}`}, e.status), e.status_reason ? h("br") : null, e.status_reason || ""));
  }

  async function load(next) {
    ctx.showError(null);
    try {
      const page = await api(`/v1/me/evidence${q({status: status.value, factor: factor.value, limit: 200, cursor: next})}`, {key});
      const want = outcome.value;
      const got = page.items.filter((e) => !want || e.outcome === want);
      rows = next ? rows.concat(got) : got;
      cursor = page.next_cursor;
      replace(body, rows.map(row));
      more.hidden = !cursor;
      replace(summary, `${rows.length} evidence items shown${cursor ? "; more are available" : ""}.`);
    } catch (err) {
      ctx.showError(err);
    }
  }
  more.addEventListener("click", () => load(cursor));
  const filters = h("form", {class: "inline-form", "aria-label": "Filter the evidence"},
    h("label", {for: "ev-status"}, "Status"), status, h("label", {for: "ev-factor"}, "Factor"), factor,
    h("label", {for: "ev-outcome"}, "Outcome"), outcome, h("button", {type: "submit"}, "Filter"));
  filters.addEventListener("submit", (ev) => {
    ev.preventDefault();
    load(null);
  });
  disputeForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const text = explanation.value.trim();
    if (!text) {
      ctx.showError(null);
      replace(document.getElementById("alert"), "Write an explanation: staff need it to decide.");
      explanation.focus();
      return;
    }
    try {
      const d = await api("/v1/me/disputes", {key, method: "POST",
        body: {kind: "evidence", reason: reason.value, explanation: text, evidence_ids: [...selected.keys()]}});
      ctx.say(`Dispute #${d.id} filed; staff will answer by ${fmtTime(d.sla.first_response_due)}.`);
      ctx.rerender();
    } catch (err) {
      ctx.showError(err);
    }
  });
  const sec = h("section", {"aria-labelledby": "evidence-h"},
    h("h2", {id: "evidence-h"}, "Evidence"),
    h("p", {}, "Every item that affects your rating, with where it came from. Tick active items to dispute them."),
    filters, summary,
    h("div", {class: "scroll"}, h("table", {id: "evidence-table"}, h("caption", {}, "Your evidence"),
      h("thead", {}, h("tr", {}, ["select", "id", "check", "factor", "severity", "outcome", "asset", "details", "source", "seen", "status"]
        .map((t) => h("th", {scope: "col"}, t)))), body)),
    more, disputeForm);
  return {sec, load};
}

function threadList(d) {
  return h("ol", {class: "thread"}, d.thread.map((t) => h("li", {},
    h("span", {class: "who"}, `${fmtTime(t.at)} · ${t.role} · ${words(t.event)}`),
    t.to_state && t.from_state !== t.to_state ? ` → ${words(t.to_state)}` : "",
    t.body ? h("p", {}, t.body) : null)));
}

async function disputeDetail(ctx, key, id, holder) {
  const d = await api(`/v1/me/disputes/${id}`, {key});
  const comment = h("textarea", {id: `comment-${id}`, rows: 3, maxlength: 4000, required: true});
  const form = h("form", {class: "stack", "aria-label": `Comment on dispute ${id}`},
    h("label", {for: `comment-${id}`}, d.state === "info_requested" ? "Send the information requested" : "Add a comment"),
    comment, h("button", {type: "submit"}, "Send"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api(`/v1/me/disputes/${id}/comments`, {key, method: "POST", body: {body: comment.value.trim()}});
      ctx.say("Comment sent.");
      await disputeDetail(ctx, key, id, holder);
    } catch (err) {
      ctx.showError(err);
    }
  });
  let appeal = null;
  if (d.state === "rejected") {
    const why = h("textarea", {id: `appeal-${id}`, rows: 3, maxlength: 4000, required: true});
    appeal = h("form", {class: "stack", "aria-label": `Appeal dispute ${id}`},
      h("label", {for: `appeal-${id}`}, "Appeal to a second reviewer: why the decision is wrong"), why,
      h("button", {type: "submit"}, "Appeal"));
    appeal.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        await api(`/v1/me/disputes/${id}/appeal`, {key, method: "POST", body: {reason: why.value.trim()}});
        ctx.say("Appeal filed.");
        ctx.rerender();
      } catch (err) {
        ctx.showError(err);
      }
    });
  }
  replace(holder, h("h3", {}, `Dispute #${d.id}: ${words(d.state)}`),
    h("p", {}, `${words(d.reason)} on evidence ${(d.evidence_ids || []).map((e) => `#${e}`).join(", ") || (d.asset_ids || []).map((a) => `asset #${a}`).join(", ")}. `,
      `SLA ${words(d.sla.state)}: first response due ${fmtTime(d.sla.first_response_due)}, resolution due ${fmtTime(d.sla.resolution_due)}.`),
    h("p", {}, d.explanation),
    d.decision_rationale ? h("p", {}, h("strong", {}, `Decision (${d.decision}): `), d.decision_rationale) : null,
    threadList(d), OPEN_STATES.includes(d.state) ? form : null, appeal);
}

async function disputesSection(ctx, key) {
  const list = await api(`/v1/me/disputes${q({limit: 100})}`, {key});
  const holder = h("div", {id: "dispute-detail"});
  return h("section", {"aria-labelledby": "disputes-h"},
    h("h2", {id: "disputes-h"}, "Your disputes"),
    list.items.length === 0 ? h("p", {}, "No dispute yet.") :
      h("div", {class: "scroll"}, table("Your disputes", ["dispute", "reason", "state", "opened", "SLA"],
        list.items.map((d) => [
          h("button", {type: "button", class: "linklike", onclick: () =>
            disputeDetail(ctx, key, d.id, holder).catch((err) => ctx.showError(err))}, `#${d.id} (${d.items} items)`),
          words(d.reason), h("span", {class: `state state-${d.state}`}, words(d.state)), fmtTime(d.opened_at),
          h("span", {class: `sla sla-${d.sla}`}, words(d.sla))]), {id: "my-disputes"})),
    holder);
}

export async function renderCompany(ctx) {
  const key = getKey(AREA);
  if (!key) {
    replace(ctx.main, h("h1", {}, "Your company"),
      h("p", {}, "Every rated company gets free access to its rating, its evidence and the dispute process. Sign in with your company key (from staff, or by claiming your profile through domain control)."),
      ctx.keyPanel(AREA, ctx.rerender));
    return;
  }
  const [me, rating, current] = await Promise.all([api("/v1/me", {key}), api("/v1/me/rating", {key}), api("/v1/methodology")]);
  const projection = current.upcoming ? await api("/v1/me/projection", {key}) : null;
  const disputes = await disputesSection(ctx, key);
  const disclosures = await companyDisclosuresSection(ctx, key);
  if (!ctx.current()) return;
  const ev = evidenceSection(ctx, key, Object.entries(rating.factors));
  replace(ctx.main, h("h1", {}, me.company.name),
    h("p", {}, `${words(me.company.sector)} · ${me.company.size_band} · ${me.company.country} · profile ${me.company.visibility}`),
    ratingSection(rating), projectionSection(projection), ev.sec, disputes, disclosures,
    h("details", {}, h("summary", {}, "API key"), ctx.keyPanel(AREA, ctx.rerender)));
  await ev.load(null);
}
