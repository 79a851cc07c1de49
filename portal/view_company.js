// A company's own view: its rating with the explanation and remediation plan, the
// projected rating under an upcoming methodology, its evidence with filters, the
// dispute form on selected evidence and its dispute threads.
import {h, replace, table, fmtDate, fmtTime, fmtNum, words, gradeBadge, saveBlob} from "./dom.js";
import {api, apiBlob, getKey, q} from "./api.js";
import {historyChart, barHistogram, planChart} from "./charts.js";
import {companyDisclosuresSection} from "./view_disclosure.js";
import {companySharingSection, companyProfileSection} from "./view_sharing.js";

const AREA = "company";
const REASONS = [
  ["false_positive", "The finding is wrong (false positive)"],
  ["not_our_asset", "The asset is not ours"],
  ["remediated", "We have fixed it"],
  ["compensating_control", "A compensating control covers it"],
  ["other", "Other"],
];
const OPEN_STATES = ["open", "in_review", "info_requested", "appealed", "in_review_appeal"];
const WITHDRAWABLE = ["open", "in_review", "info_requested"];

function ratingSection(r, titles) {
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
          h("li", {}, `${titles[x.check] || x.check} `, h("code", {}, x.check),
            ` (#${x.evidence_id}, ${x.severity}): −${fmtNum(x.cost, 2)}${x.disputed ? " ⚑ disputed" : ""}`)))]))),
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

// Its own history and its place among its peers: what investors see of it.
function historySection(name, hist, peers, versions) {
  const dist = peers.sector_distribution;
  const bin = peers.score === null ? -1 : Math.min(9, Math.floor(peers.score / 10));
  return h("section", {"aria-labelledby": "my-history-h"},
    h("h2", {id: "my-history-h"}, "Your history and your peers"),
    historyChart(hist.items.slice().reverse(), versions.items, `Score history of ${name}, with corrections and methodology changes marked`),
    h("p", {id: "my-place"}, peers.in_sector.percentile === null ? "Not ranked (not rated)." :
      `Percentile ${fmtNum(peers.in_sector.percentile)} among ${peers.in_sector.companies_rated} public rated companies in your sector; `,
      peers.in_size_band.percentile === null ? "" :
        `percentile ${fmtNum(peers.in_size_band.percentile)} among ${peers.in_size_band.companies_rated} of your size. `,
      `Sector median ${fmtNum(dist.median_score)}.`),
    barHistogram(dist.histogram.map((b) => ({label: `${b.from}–${b.to}`, value: b.companies})), bin,
      `Scores in ${words(dist.sector)}: companies per 10-point band; your band is highlighted`, "companies per score band"));
}

// The plan to a grade: the fixes in order, with the score after each (a staircase).
function planSection(ctx, key, grades) {
  const target = h("select", {id: "plan-target", name: "target"},
    grades.map((g) => h("option", {value: g}, `grade ${g}`)), h("option", {value: "100"}, "100 points"));
  const out = h("div", {id: "plan-out"});
  const show = async () => {
    const plan = await api(`/v1/me/plan${q({target: target.value})}`, {key});
    if (plan.status === "insufficient_data") {
      replace(out, h("p", {}, "No plan until there is enough evidence for a rating."));
      return;
    }
    replace(out,
      h("p", {id: "plan-summary"}, plan.steps.length === 0 ? `Already there: ${fmtNum(plan.start.score)} (${plan.start.grade}).` :
        `${plan.steps.length} steps take you from ${fmtNum(plan.start.score)} (${plan.start.grade}) to ${fmtNum(plan.end.score)} (${plan.end.grade})` +
        (plan.status === "reached" ? "." : ", short of the target: fixing every finding does not reach it.")),
      planChart(plan, `Plan to ${plan.target.grade ? `grade ${plan.target.grade}` : fmtNum(plan.target.score)}: score after each step`),
      h("ol", {id: "plan-steps"}, plan.steps.map((st) => h("li", {},
        `${st.fixes.length > 1 ? `Fix these ${st.fixes.length} together` : "Fix"}: `,
        st.fixes.map((f) => `${f.title} (#${f.evidence_id})`).join("; "),
        ` → +${fmtNum(st.gain, 2)}, ${fmtNum(st.score_after)} (${st.grade_after})`,
        st.together ? h("p", {class: "help"}, st.explanation) : null))),
      h("p", {class: "help"}, plan.rule));
  };
  const form = h("form", {class: "inline", onsubmit: (e) => {
    e.preventDefault();
    show().catch((err) => ctx.showError(err));
  }}, h("label", {for: "plan-target"}, "Target "), target, " ", h("button", {type: "submit"}, "Show the plan"));
  return h("section", {"aria-labelledby": "plan-h"},
    h("h2", {id: "plan-h"}, "Plan to a grade"),
    h("p", {}, "The shortest sequence of fixes the engine finds to your target, rescored after each fix. Fixes that only help together are one step."),
    form, out);
}

// The one-page report for the board, as PDF, in Japanese or English.
function reportSection(ctx, key) {
  const lang = h("select", {id: "report-lang", name: "lang"},
    h("option", {value: "en"}, "English"), h("option", {value: "ja"}, "日本語"));
  if ((navigator.language || "").toLowerCase().startsWith("ja")) lang.value = "ja";
  const download = async () => {
    const blob = await apiBlob(`/v1/me/report.pdf${q({lang: lang.value})}`, {key});
    saveBlob(blob, "fairrate-report.pdf");
    ctx.say(`Report downloaded (${Math.round(blob.size / 1024)} kB).`);
  };
  return h("section", {"aria-labelledby": "report-h"},
    h("h2", {id: "report-h"}, "Report for your board"),
    h("p", {}, "One page: grade and score, twelve months of trend, factors, your place among peers, governance disclosures, the top five actions, and the digest that makes it checkable."),
    h("form", {class: "inline", onsubmit: (e) => {
      e.preventDefault();
      download().catch((err) => ctx.showError(err));
    }}, h("label", {for: "report-lang"}, "Language "), lang, " ", h("button", {type: "submit"}, "Download the report (PDF)")),
    h("p", {}, h("a", {href: "/portal/company/report", id: "report-page-link"}, "Open the printable report page")));
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
  const group = h("input", {type: "checkbox", id: "ev-group"});
  const exportButton = h("button", {type: "button", class: "secondary", id: "ev-export"}, "Export CSV");
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
    // data-label names each cell, for the stacked layout of narrow screens.
    const td = (label, ...c) => h("td", {"data-label": label}, ...c);
    return h("tr", {"data-evidence": String(e.id)},
      td("select", box), td("id", `#${e.id}`),
      td("check", e.title || e.check, h("br"), h("code", {}, e.check)),
      td("factor", e.factor ? words(e.factor) : "—"), td("severity", e.severity || "—"), td("outcome", e.outcome),
      td("asset", e.asset ? e.asset.value : "—"), h("td", {class: "details", "data-label": "details"}, details),
      td("source", `${e.source} (${e.collector_version})`),
      td("seen", `${fmtDate(e.first_seen)} – ${fmtDate(e.last_seen)}`),
      td("status", h("span", {class: `ev-status ev-status-${e.status}`}, e.status), e.status_reason ? h("br") : null, e.status_reason || ""));
  }

  // Rows grouped under a heading row per asset (company-level facts first), or in id
  // order.
  function render() {
    if (!group.checked) return rows.map(row);
    const byAsset = new Map();
    for (const e of rows) {
      const k = e.asset ? e.asset.value : "";
      if (!byAsset.has(k)) byAsset.set(k, []);
      byAsset.get(k).push(e);
    }
    return [...byAsset.keys()].sort().flatMap((k) => [
      h("tr", {class: "group"}, h("th", {colspan: 11, scope: "rowgroup"},
        `${k || "Company-level facts"} · ${byAsset.get(k).length} item${byAsset.get(k).length === 1 ? "" : "s"}`)),
      ...byAsset.get(k).map(row)]);
  }

  async function load(next) {
    ctx.showError(null);
    try {
      const page = await api(`/v1/me/evidence${q({status: status.value, factor: factor.value,
        outcome: outcome.value, limit: 200, cursor: next})}`, {key});
      rows = next ? rows.concat(page.items) : page.items;
      cursor = page.next_cursor;
      replace(body, render());
      more.hidden = !cursor;
      replace(summary, `${rows.length} evidence items shown${cursor ? "; more are available" : ""}.`);
    } catch (err) {
      ctx.showError(err);
    }
  }
  more.addEventListener("click", () => load(cursor));
  group.addEventListener("change", () => replace(body, render()));
  // The CSV export of what the filters select (all of it, not only the rows shown).
  exportButton.addEventListener("click", async () => {
    try {
      saveBlob(await apiBlob(`/v1/me/evidence${q({status: status.value, factor: factor.value,
        outcome: outcome.value, format: "csv"})}`, {key}), "fairrate-evidence.csv");
      ctx.say("Evidence exported as CSV.");
    } catch (err) {
      ctx.showError(err);
    }
  });
  const filters = h("form", {class: "inline-form", "aria-label": "Filter the evidence"},
    h("label", {for: "ev-status"}, "Status"), status, h("label", {for: "ev-factor"}, "Factor"), factor,
    h("label", {for: "ev-outcome"}, "Outcome"), outcome, h("button", {type: "submit"}, "Filter"),
    h("label", {for: "ev-group", class: "check"}, group, "group by asset"), exportButton);
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
      await disputeDetail(ctx, key, id, holder);
      ctx.say("Comment sent.");
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
  let withdraw = null;
  if (WITHDRAWABLE.includes(d.state)) {
    const why = h("input", {id: `withdraw-${id}`, type: "text", maxlength: 4000});
    withdraw = h("form", {class: "inline", "aria-label": `Withdraw dispute ${id}`},
      h("label", {for: `withdraw-${id}`}, "Withdraw it (why, optional) "), why, " ",
      h("button", {type: "submit", class: "secondary"}, "Withdraw the dispute"));
    withdraw.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        await api(`/v1/me/disputes/${id}/withdraw`, {key, method: "POST", body: why.value.trim() ? {reason: why.value.trim()} : {}});
        ctx.say(`Dispute #${id} withdrawn.`);
        ctx.rerender();
      } catch (err) {
        ctx.showError(err);
      }
    });
  }
  const attach = OPEN_STATES.includes(d.state) ? attachmentForm(ctx, key, id, holder) : null;
  replace(holder, h("h3", {}, `Dispute #${d.id}: ${words(d.state)}`),
    d.state === "info_requested" ? h("p", {class: "action-needed", id: "action-needed"}, h("strong", {}, "Action needed: "),
      "staff asked for more information (see the thread). The SLA clock is paused until you answer.") : null,
    h("p", {}, `${words(d.reason)} on evidence ${(d.evidence_ids || []).map((e) => `#${e}`).join(", ") || (d.asset_ids || []).map((a) => `asset #${a}`).join(", ")}. `,
      `SLA ${words(d.sla.state)}: first response due ${fmtTime(d.sla.first_response_due)}, resolution due ${fmtTime(d.sla.resolution_due)}.`),
    h("p", {}, d.explanation),
    d.decision_rationale ? h("p", {}, h("strong", {}, `Decision (${d.decision}): `), d.decision_rationale) : null,
    threadList(d),
    (d.attachments || []).length ? h("p", {}, "Attachments: ", d.attachments.map((a) => `${a.filename} (${Math.ceil(a.size / 1024)} kB)`).join(", ")) : null,
    OPEN_STATES.includes(d.state) ? form : null, attach, appeal, withdraw);
}

// Upload a supporting document (PDF, PNG, JPEG, text, CSV; at most 5 MiB).
function attachmentForm(ctx, key, id, holder) {
  const file = h("input", {id: `attach-${id}`, type: "file", accept: ".pdf,.png,.jpg,.jpeg,.txt,.csv,application/pdf,image/png,image/jpeg,text/plain,text/csv", required: true});
  const form = h("form", {class: "inline", "aria-label": `Attach a document to dispute ${id}`},
    h("label", {for: `attach-${id}`}, "Attach a document (PDF, PNG, JPEG, text, CSV; 5 MiB at most) "), file, " ",
    h("button", {type: "submit"}, "Upload"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = file.files[0];
    if (!f) return;
    try {
      const type = f.type || (f.name.endsWith(".csv") ? "text/csv" : "text/plain");
      const bytes = new Uint8Array(await f.arrayBuffer());
      let bin = "";
      for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      await api(`/v1/me/disputes/${id}/attachments`, {key, method: "POST",
        body: {filename: f.name, content_type: type, content_base64: btoa(bin)}});
      await disputeDetail(ctx, key, id, holder);
      ctx.say(`${f.name} attached to dispute #${id}.`);
    } catch (err) {
      ctx.showError(err);
    }
  });
  return form;
}

// Its assets and how each was attributed; an attribution can be disputed ("this is not
// ours"), which, once accepted, detaches the asset and everything observed on it.
async function assetsSection(ctx, key) {
  const list = await api(`/v1/me/assets${q({limit: 500})}`, {key});
  const chosen = new Set();
  const explain = h("textarea", {id: "attribution-explanation", rows: 3, maxlength: 4000, required: true});
  const file = h("button", {type: "submit", disabled: true}, "Dispute the attribution");
  const form = h("form", {class: "stack", "aria-label": "Dispute the attribution of the ticked assets"},
    h("label", {for: "attribution-explanation"}, "Why these assets are not yours (staff check it)"), explain, file);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const d = await api("/v1/me/disputes", {key, method: "POST", body: {kind: "attribution",
        reason: "not_our_asset", explanation: explain.value.trim(), asset_ids: [...chosen]}});
      ctx.say(`Dispute #${d.id} filed on ${chosen.size} asset(s).`);
      ctx.rerender();
    } catch (err) {
      ctx.showError(err);
    }
  });
  const rows = list.items.map((a) => {
    const box = h("input", {type: "checkbox", "aria-label": `Dispute the attribution of ${a.value}`, disabled: a.detached});
    box.addEventListener("change", () => {
      if (box.checked) chosen.add(a.id);
      else chosen.delete(a.id);
      file.disabled = chosen.size === 0;
    });
    return [box, a.value, a.kind, `${a.source} (confidence ${fmtNum(a.confidence, 2)})`, fmtDate(a.attributed_at),
      a.detached ? `detached ${fmtDate(a.detached_at)}: ${a.detached_reason}` : "attributed"];
  });
  return h("section", {"aria-labelledby": "assets-h"},
    h("h2", {id: "assets-h"}, "Your assets"),
    h("p", {}, "Every domain and address range counted as yours, and how it was attributed. Tick the ones that are not yours to dispute them."),
    h("div", {class: "scroll"}, table("Your assets", ["dispute", "asset", "kind", "attributed by", "since", "state"], rows, {id: "my-assets"})),
    form);
}

// The names fairrate discover found that are not (or not yet) counted as the company's,
// with the rule that would attribute them; the company confirms or rejects each.
async function candidatesSection(ctx, key) {
  const list = await api(`/v1/me/asset-candidates${q({limit: 500})}`, {key});
  const decide = async (c, verb) => {
    try {
      await api(`/v1/me/asset-candidates/${c.id}/${verb}`, {key, method: "POST", body: {}});
      ctx.say(`${c.value} ${verb === "confirm" ? "confirmed as yours" : "rejected: discovery will not attribute it"}.`);
      ctx.rerender();
    } catch (err) {
      ctx.showError(err);
    }
  };
  const rows = list.items.map((c) => {
    const state = c.decision ? `${c.decision} ${fmtDate(c.decided_at)}` : c.counted ? "counted" : "waiting for you";
    const actions = h("span", {},
      c.counted ? null : h("button", {type: "button", onclick: () => decide(c, "confirm")}, `Confirm ${c.value}`), " ",
      c.counted || c.decision === "rejected" ? null : h("button", {type: "button", onclick: () => decide(c, "reject")}, `Reject ${c.value}`));
    return [c.value, words(c.rule), fmtNum(c.confidence, 1), c.sources.join(", "), fmtDate(c.last_seen), state, actions];
  });
  return h("section", {"aria-labelledby": "candidates-h"},
    h("h2", {id: "candidates-h"}, "Names found by discovery"),
    h("p", {}, "Host names found from your domains (DNS, certificate transparency, common names). Names under your own registered domains count at once; a stranger's name on your certificate (0.5) or a provider's name in your DNS (0.2) counts only if you confirm it. A rejected name is never attributed again; a counted one is removed by disputing its attribution above."),
    list.items.length === 0 ? h("p", {}, "Discovery has found nothing yet.") :
      h("div", {class: "scroll"}, table("Names found by discovery", ["name", "rule", "confidence", "found by", "last seen", "state", "decide"], rows, {id: "my-candidates"})));
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
          words(d.reason), h("span", {class: `state state-${d.state}`}, words(d.state),
            d.state === "info_requested" ? h("strong", {class: "action-needed"}, " · action needed") : null), fmtTime(d.opened_at),
          h("span", {class: `sla sla-${d.sla}`}, words(d.sla))]), {id: "my-disputes"})),
    holder);
}

// The grades of the rating's methodology above the lowest, best first (the plan's
// targets).
function gradesOf(doc) {
  return doc.definition.grades.map((g) => g.grade).slice(0, -1);
}

export async function renderCompany(ctx) {
  const key = getKey(AREA);
  if (!key) {
    replace(ctx.main, h("h1", {}, "Your company"),
      h("p", {}, "Every rated company gets free access to its rating, its evidence and the dispute process. Sign in with your company key (from staff, or by claiming your profile through domain control)."),
      ctx.keyPanel(AREA, ctx.rerender));
    return;
  }
  const [me, rating, current, hist, peers, versions] = await Promise.all([api("/v1/me", {key}),
    api("/v1/me/rating", {key}), api("/v1/methodology"), api(`/v1/me/history${q({limit: 500})}`, {key}),
    api("/v1/me/peers", {key}), api("/v1/methodology/versions")]);
  const projection = current.upcoming ? await api("/v1/me/projection", {key}) : null;
  const doc = await api(`/v1/methodology/versions/${encodeURIComponent(rating.methodology_version)}`);
  const [disputes, assets, candidates] = await Promise.all([disputesSection(ctx, key), assetsSection(ctx, key),
    candidatesSection(ctx, key)]);
  const disclosures = await companyDisclosuresSection(ctx, key);
  const [sharing, profile] = await Promise.all([companySharingSection(ctx, key),
    companyProfileSection(ctx, key, me.company.slug)]);
  if (!ctx.current()) return;
  const ev = evidenceSection(ctx, key, Object.entries(rating.factors));
  replace(ctx.main, h("h1", {}, me.company.name),
    h("p", {}, `${words(me.company.sector)} · ${me.company.size_band} · ${me.company.country} · profile ${me.company.visibility}`),
    ratingSection(rating, Object.fromEntries(doc.definition.checks.map((c) => [c.code, c.title]))), planSection(ctx, key, gradesOf(doc)), reportSection(ctx, key),
    historySection(me.company.name, hist, peers, versions), projectionSection(projection), ev.sec, assets, candidates, disputes, disclosures, sharing, profile,
    h("details", {}, h("summary", {}, "API key"), ctx.keyPanel(AREA, ctx.rerender)));
  await ev.load(null);
}
