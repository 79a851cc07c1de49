// A company's own view: its rating with the explanation and remediation plan, the
// projected rating under an upcoming methodology, its evidence with filters, the
// dispute form on selected evidence and its dispute threads.
import {h, replace, table, fmtDate, fmtTime, fmtNum, words, gradeBadge, saveBlob} from "./dom.js";
import {api, apiBlob, getKey, q} from "./api.js";
import {historyChart, barHistogram, planChart} from "./charts.js";
import {companyDisclosuresSection} from "./view_disclosure.js";
import {companySharingSection, companyProfileSection} from "./view_sharing.js";
import {t, tc, tx, LANGS, currentLang} from "./i18n.js";

const AREA = "company";
const REASONS = () => [
  ["false_positive", t("The finding is wrong (false positive)")],
  ["not_our_asset", t("The asset is not ours")],
  ["remediated", t("We have fixed it")],
  ["compensating_control", t("A compensating control covers it")],
  ["other", t("Other")],
];
const OPEN_STATES = ["open", "in_review", "info_requested", "appealed", "in_review_appeal"];
const WITHDRAWABLE = ["open", "in_review", "info_requested"];

function ratingSection(r, titles) {
  const factors = Object.entries(r.factors);
  return h("section", {"aria-labelledby": "rating-h"},
    h("h2", {id: "rating-h"}, t("Your rating")),
    r.status === "rated"
      ? h("p", {class: "score", id: "my-score"}, h("span", {class: "big"}, fmtNum(r.score)), " ", gradeBadge(r.grade))
      : h("p", {class: "score", id: "my-score"}, t("Insufficient data: {why}", {why: r.insufficient_reason})),
    h("p", {}, t("Confidence {confidence}; methodology {version}; as of {as_of}; last change: {reason}; {used} evidence items used, {ignored} ignored.",
      {confidence: words(r.confidence), version: r.methodology_version, as_of: fmtTime(r.as_of), reason: words(r.reason),
        used: r.evidence_used, ignored: r.evidence_ignored})),
    r.disputed ? h("p", {class: "disputed-note"}, h("strong", {}, t("Disputed: ")), t("evidence behind this rating is under dispute.")) : null,
    r.matches_stored_rating === false ? h("p", {class: "help"}, t("Your evidence changed since this rating was computed; the plan below follows the current evidence.")) : null,
    h("h3", {}, t("Explanation")),
    h("div", {class: "scroll"}, table(t("Factor by factor"),
      [t("factor"), t("score"), t("weight share"), t("contribution"), t("findings (cost in points)")],
      factors.map(([, f]) => [tc("factor", f.name), f.has_data ? fmtNum(f.score) : t("no data"),
        f.weight_share !== undefined ? `${fmtNum(100 * f.weight_share)} %` : t("bonus"),
        f.contribution !== undefined ? fmtNum(f.contribution, 2) : "—",
        (f.findings || []).length === 0 ? t("none") : h("ul", {class: "plain"}, f.findings.map((x) =>
          h("li", {}, `${tc("check", titles[x.check]) || x.check} `, h("code", {}, x.check),
            ` (#${x.evidence_id}, ${words(x.severity)}): −${fmtNum(x.cost, 2)}${x.disputed ? ` ${t("⚑ disputed")}` : ""}`)))]))),
    h("h3", {}, t("Remediation plan")),
    r.remediation.length === 0 ? h("p", {}, t("Nothing to fix: no finding costs points.")) :
      h("ol", {id: "remediation"}, r.remediation.map((x) =>
        h("li", {}, t("{title} (evidence #{id}): +{gain} points", {title: tc("check", x.title), id: x.evidence_id, gain: fmtNum(x.gain)})))),
    h("details", {}, h("summary", {}, t("Recompute it yourself")),
      h("p", {}, tx(r.recompute)),
      h("p", {}, t("Inputs digest: "), h("code", {class: "digest"}, r.inputs_digest))));
}

function projectionSection(p) {
  if (!p) return null;
  const proj = p.projection;
  return h("section", {"aria-labelledby": "projection-h"},
    h("h2", {id: "projection-h"}, t("Projected rating under {version}", {version: p.version})),
    h("p", {id: "projection"}, t("From {date}, methodology {version} replaces {old}.", {date: fmtDate(p.effective_at), version: p.version, old: p.in_force_version}), " ",
      t("From the same evidence, your rating would be "),
      proj.status === "rated" ? h("strong", {}, `${fmtNum(proj.score)} (${proj.grade})`) : h("strong", {}, t("insufficient data")),
      p.score_change === null || p.score_change === undefined ? t(".") :
        t(", a change of {change} points.", {change: `${p.score_change > 0 ? "+" : ""}${fmtNum(p.score_change)}`})),
    proj.remediation && proj.remediation.length ? h("p", {}, t("Under it, the most valuable fix would be: {title} (+{gain}).",
      {title: tc("check", proj.remediation[0].title), gain: fmtNum(proj.remediation[0].gain)})) : null);
}

// Its own history and its place among its peers: what investors see of it.
function historySection(name, hist, peers, versions) {
  const dist = peers.sector_distribution;
  const bin = peers.score === null ? -1 : Math.min(9, Math.floor(peers.score / 10));
  return h("section", {"aria-labelledby": "my-history-h"},
    h("h2", {id: "my-history-h"}, t("Your history and your peers")),
    historyChart(hist.items.slice().reverse(), versions.items, t("Score history of {company}, with corrections and methodology changes marked", {company: name})),
    h("p", {id: "my-place"}, peers.in_sector.percentile === null ? t("Not ranked (not rated).") :
      t("Percentile {pct} among {n} public rated companies in your sector; ", {pct: fmtNum(peers.in_sector.percentile), n: peers.in_sector.companies_rated}),
      peers.in_size_band.percentile === null ? "" :
        t("percentile {pct} among {n} of your size. ", {pct: fmtNum(peers.in_size_band.percentile), n: peers.in_size_band.companies_rated}),
      t("Sector median {median}.", {median: fmtNum(dist.median_score)})),
    barHistogram(dist.histogram.map((b) => ({label: `${b.from}–${b.to}`, value: b.companies})), bin,
      t("Scores in {sector}: companies per 10-point band; your band is highlighted", {sector: words(dist.sector)}), t("companies per score band")));
}

// The plan to a grade: the fixes in order, with the score after each (a staircase).
function planSection(ctx, key, grades) {
  const target = h("select", {id: "plan-target", name: "target"},
    grades.map((g) => h("option", {value: g}, t("grade {grade}", {grade: g}))), h("option", {value: "100"}, t("100 points")));
  const out = h("div", {id: "plan-out"});
  const show = async () => {
    const plan = await api(`/v1/me/plan${q({target: target.value})}`, {key});
    if (plan.status === "insufficient_data") {
      replace(out, h("p", {}, t("No plan until there is enough evidence for a rating.")));
      return;
    }
    replace(out,
      h("p", {id: "plan-summary"}, plan.steps.length === 0 ? t("Already there: {score} ({grade}).", {score: fmtNum(plan.start.score), grade: plan.start.grade}) :
        t("{n} steps take you from {from} ({from_grade}) to {to} ({to_grade})", {n: plan.steps.length, from: fmtNum(plan.start.score),
          from_grade: plan.start.grade, to: fmtNum(plan.end.score), to_grade: plan.end.grade}) +
        (plan.status === "reached" ? t(".") : t(", short of the target: fixing every finding does not reach it."))),
      planChart(plan, t("Plan to {target}: score after each step", {target: plan.target.grade ? t("grade {grade}", {grade: plan.target.grade}) : fmtNum(plan.target.score)})),
      h("ol", {id: "plan-steps"}, plan.steps.map((st) => h("li", {},
        st.fixes.length > 1 ? t("Fix these {n} together: ", {n: st.fixes.length}) : t("Fix: "),
        st.fixes.map((f) => `${tc("check", f.title)} (#${f.evidence_id})`).join(t("; ")),
        ` → +${fmtNum(st.gain, 2)}, ${fmtNum(st.score_after)} (${st.grade_after})`,
        st.together ? h("p", {class: "help"}, tx(st.explanation)) : null))),
      h("p", {class: "help"}, tx(plan.rule)));
  };
  const form = h("form", {class: "inline", onsubmit: (e) => {
    e.preventDefault();
    show().catch((err) => ctx.showError(err));
  }}, h("label", {for: "plan-target"}, t("Target")), " ", target, " ", h("button", {type: "submit"}, t("Show the plan")));
  return h("section", {"aria-labelledby": "plan-h"},
    h("h2", {id: "plan-h"}, t("Plan to a grade")),
    h("p", {}, t("The shortest sequence of fixes the engine finds to your target, rescored after each fix. Fixes that only help together are one step.")),
    form, out);
}

// The one-page report for the board, as PDF, in Japanese or English.
function reportSection(ctx, key) {
  const lang = h("select", {id: "report-lang", name: "lang"},
    LANGS.map(([code, name]) => h("option", {value: code, lang: code}, name)));
  lang.value = currentLang();
  const download = async () => {
    const blob = await apiBlob(`/v1/me/report.pdf${q({lang: lang.value})}`, {key});
    saveBlob(blob, "fairrate-report.pdf");
    ctx.say(t("Report downloaded ({size} kB).", {size: Math.round(blob.size / 1024)}));
  };
  return h("section", {"aria-labelledby": "report-h"},
    h("h2", {id: "report-h"}, t("Report for your board")),
    h("p", {}, t("One page: grade and score, twelve months of trend, factors, your place among peers, governance disclosures, the top five actions, and the digest that makes it checkable.")),
    h("form", {class: "inline", onsubmit: (e) => {
      e.preventDefault();
      download().catch((err) => ctx.showError(err));
    }}, h("label", {for: "report-lang"}, t("Language of the report")), " ", lang, " ", h("button", {type: "submit"}, t("Download the report (PDF)"))),
    h("p", {}, h("a", {href: "/portal/company/report", id: "report-page-link"}, t("Open the printable report page"))));
}

// The evidence table with its filters and the dispute form for the selected rows.
function evidenceSection(ctx, key, factors) {
  const status = h("select", {id: "ev-status", name: "status"},
    ["", "active", "disputed", "corrected", "expired"].map((v) => h("option", {value: v}, v ? words(v) : t("any status"))));
  const factor = h("select", {id: "ev-factor", name: "factor"}, h("option", {value: ""}, t("any factor")),
    factors.map(([code, f]) => h("option", {value: code}, tc("factor", f.name))));
  const factorName = Object.fromEntries(factors.map(([code, f]) => [code, tc("factor", f.name)]));
  const outcome = h("select", {id: "ev-outcome", name: "outcome"},
    [["fail", t("findings only")], ["", t("all outcomes")], ["pass", t("passed checks")], ["info", t("information")]]
      .map(([v, label]) => h("option", {value: v}, label)));
  const body = h("tbody");
  const summary = h("p", {id: "ev-summary", "aria-live": "polite"});
  const more = h("button", {type: "button", class: "secondary", hidden: true}, t("Show more"));
  const group = h("input", {type: "checkbox", id: "ev-group"});
  const exportButton = h("button", {type: "button", class: "secondary", id: "ev-export"}, t("Export CSV"));
  const selected = new Map();
  let rows = [];
  let cursor = null;

  const reason = h("select", {id: "dispute-reason", name: "reason"}, REASONS().map(([v, label]) => h("option", {value: v}, label)));
  const explanation = h("textarea", {id: "dispute-explanation", name: "explanation", rows: 4, maxlength: 4000, required: true});
  const chosen = h("p", {id: "dispute-chosen"}, t("No evidence selected: tick the rows to dispute."));
  const submit = h("button", {type: "submit", disabled: true}, t("File the dispute"));
  const disputeForm = h("form", {id: "dispute-form", "aria-labelledby": "dispute-h"},
    h("h3", {id: "dispute-h"}, t("Dispute the selected evidence")), chosen,
    h("label", {for: "dispute-reason"}, t("Reason")), reason,
    h("label", {for: "dispute-explanation"}, t("Explanation (what is wrong, and how staff can check it)")), explanation,
    submit);

  function updateChosen() {
    const ids = [...selected.keys()];
    submit.disabled = ids.length === 0;
    replace(chosen, ids.length === 0 ? t("No evidence selected: tick the rows to dispute.")
      : t("Selected: {items}.", {items: ids.map((id) => `#${id} ${selected.get(id)}`).join(t("; "))}));
  }

  function row(e) {
    const disputable = e.status === "active";
    const title = tc("check", e.title) || e.check;
    const box = h("input", {type: "checkbox", id: `ev-${e.id}`, disabled: !disputable,
      "aria-label": t("Select evidence {id}: {title}", {id: e.id, title})});
    box.checked = selected.has(e.id);
    box.addEventListener("change", () => {
      if (box.checked) selected.set(e.id, title);
      else selected.delete(e.id);
      updateChosen();
    });
    const details = Object.entries(e.details || {}).map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`).join("; ");
    // data-label names each cell, for the stacked layout of narrow screens.
    const td = (label, ...c) => h("td", {"data-label": label}, ...c);
    return h("tr", {"data-evidence": String(e.id)},
      td(t("select"), box), td(t("id"), `#${e.id}`),
      td(t("check"), title, h("br"), h("code", {}, e.check)),
      td(t("factor"), e.factor ? factorName[e.factor] || words(e.factor) : "—"), td(t("severity"), words(e.severity)), td(t("outcome"), words(e.outcome)),
      td(t("asset"), e.asset ? e.asset.value : "—"), h("td", {class: "details", "data-label": t("details")}, details),
      td(t("source"), `${e.source} (${e.collector_version})`),
      td(t("seen"), `${fmtDate(e.first_seen)} – ${fmtDate(e.last_seen)}`),
      td(t("status"), h("span", {class: `ev-status ev-status-${e.status}`}, words(e.status)), e.status_reason ? h("br") : null, e.status_reason || ""));
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
        `${k || t("Company-level facts")} · ${byAsset.get(k).length === 1 ? t("1 item") : t("{n} items", {n: byAsset.get(k).length})}`)),
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
      replace(summary, cursor ? t("{n} evidence items shown; more are available.", {n: rows.length}) :
        t("{n} evidence items shown.", {n: rows.length}));
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
      ctx.say(t("Evidence exported as CSV."));
    } catch (err) {
      ctx.showError(err);
    }
  });
  const filters = h("form", {class: "inline-form", "aria-label": t("Filter the evidence")},
    h("label", {for: "ev-status"}, t("Status")), status, h("label", {for: "ev-factor"}, t("Factor")), factor,
    h("label", {for: "ev-outcome"}, t("Outcome")), outcome, h("button", {type: "submit"}, t("Filter")),
    h("label", {for: "ev-group", class: "check"}, group, t("group by asset")), exportButton);
  filters.addEventListener("submit", (ev) => {
    ev.preventDefault();
    load(null);
  });
  disputeForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const text = explanation.value.trim();
    if (!text) {
      ctx.showError(null);
      replace(document.getElementById("alert"), t("Write an explanation: staff need it to decide."));
      explanation.focus();
      return;
    }
    try {
      const d = await api("/v1/me/disputes", {key, method: "POST",
        body: {kind: "evidence", reason: reason.value, explanation: text, evidence_ids: [...selected.keys()]}});
      ctx.say(t("Dispute #{id} filed; staff will answer by {due}.", {id: d.id, due: fmtTime(d.sla.first_response_due)}));
      ctx.rerender();
    } catch (err) {
      ctx.showError(err);
    }
  });
  const sec = h("section", {"aria-labelledby": "evidence-h"},
    h("h2", {id: "evidence-h"}, t("Evidence")),
    h("p", {}, t("Every item that affects your rating, with where it came from. Tick active items to dispute them.")),
    filters, summary,
    h("div", {class: "scroll"}, h("table", {id: "evidence-table"}, h("caption", {}, t("Your evidence")),
      h("thead", {}, h("tr", {}, [t("select"), t("id"), t("check"), t("factor"), t("severity"), t("outcome"), t("asset"), t("details"),
        t("source"), t("seen"), t("status")].map((label) => h("th", {scope: "col"}, label)))), body)),
    more, disputeForm);
  return {sec, load};
}

function threadList(d) {
  return h("ol", {class: "thread"}, d.thread.map((x) => h("li", {},
    h("span", {class: "who"}, `${fmtTime(x.at)} · ${words(x.role)} · ${words(x.event)}`),
    x.to_state && x.from_state !== x.to_state ? ` → ${words(x.to_state)}` : "",
    x.body ? h("p", {}, x.body) : null)));
}

async function disputeDetail(ctx, key, id, holder) {
  const d = await api(`/v1/me/disputes/${id}`, {key});
  const comment = h("textarea", {id: `comment-${id}`, rows: 3, maxlength: 4000, required: true});
  const form = h("form", {class: "stack", "aria-label": t("Comment on dispute {id}", {id})},
    h("label", {for: `comment-${id}`}, d.state === "info_requested" ? t("Send the information requested") : t("Add a comment")),
    comment, h("button", {type: "submit"}, t("Send")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api(`/v1/me/disputes/${id}/comments`, {key, method: "POST", body: {body: comment.value.trim()}});
      await disputeDetail(ctx, key, id, holder);
      ctx.say(t("Comment sent."));
    } catch (err) {
      ctx.showError(err);
    }
  });
  let appeal = null;
  if (d.state === "rejected") {
    const why = h("textarea", {id: `appeal-${id}`, rows: 3, maxlength: 4000, required: true});
    appeal = h("form", {class: "stack", "aria-label": t("Appeal dispute {id}", {id})},
      h("label", {for: `appeal-${id}`}, t("Appeal to a second reviewer: why the decision is wrong")), why,
      h("button", {type: "submit"}, t("Appeal")));
    appeal.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        await api(`/v1/me/disputes/${id}/appeal`, {key, method: "POST", body: {reason: why.value.trim()}});
        ctx.say(t("Appeal filed."));
        ctx.rerender();
      } catch (err) {
        ctx.showError(err);
      }
    });
  }
  let withdraw = null;
  if (WITHDRAWABLE.includes(d.state)) {
    const why = h("input", {id: `withdraw-${id}`, type: "text", maxlength: 4000});
    withdraw = h("form", {class: "inline", "aria-label": t("Withdraw dispute {id}", {id})},
      h("label", {for: `withdraw-${id}`}, t("Withdraw it (why, optional)")), " ", why, " ",
      h("button", {type: "submit", class: "secondary"}, t("Withdraw the dispute")));
    withdraw.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        await api(`/v1/me/disputes/${id}/withdraw`, {key, method: "POST", body: why.value.trim() ? {reason: why.value.trim()} : {}});
        ctx.say(t("Dispute #{id} withdrawn.", {id}));
        ctx.rerender();
      } catch (err) {
        ctx.showError(err);
      }
    });
  }
  const attach = OPEN_STATES.includes(d.state) ? attachmentForm(ctx, key, id, holder) : null;
  replace(holder, h("h3", {}, t("Dispute #{id}: {state}", {id: d.id, state: words(d.state)})),
    d.state === "info_requested" ? h("p", {class: "action-needed", id: "action-needed"}, h("strong", {}, t("Action needed: ")),
      t("staff asked for more information (see the thread). The SLA clock is paused until you answer.")) : null,
    h("p", {}, t("{reason} on evidence {items}.", {reason: words(d.reason),
      items: (d.evidence_ids || []).map((e) => `#${e}`).join(t(", ")) || (d.asset_ids || []).map((a) => t("asset #{id}", {id: a})).join(t(", "))}), " ",
    t("SLA {state}: first response due {first}, resolution due {resolution}.", {state: words(d.sla.state),
      first: fmtTime(d.sla.first_response_due), resolution: fmtTime(d.sla.resolution_due)})),
    h("p", {}, d.explanation),
    d.decision_rationale ? h("p", {}, h("strong", {}, t("Decision ({decision}): ", {decision: words(d.decision)})), d.decision_rationale) : null,
    threadList(d),
    (d.attachments || []).length ? h("p", {}, t("Attachments: "), d.attachments.map((a) => `${a.filename} (${Math.ceil(a.size / 1024)} kB)`).join(t(", "))) : null,
    OPEN_STATES.includes(d.state) ? form : null, attach, appeal, withdraw);
}

// Upload a supporting document (PDF, PNG, JPEG, text, CSV; at most 5 MiB).
function attachmentForm(ctx, key, id, holder) {
  const file = h("input", {id: `attach-${id}`, type: "file", accept: ".pdf,.png,.jpg,.jpeg,.txt,.csv,application/pdf,image/png,image/jpeg,text/plain,text/csv", required: true});
  const form = h("form", {class: "inline", "aria-label": t("Attach a document to dispute {id}", {id})},
    h("label", {for: `attach-${id}`}, t("Attach a document (PDF, PNG, JPEG, text, CSV; 5 MiB at most)")), " ", file, " ",
    h("button", {type: "submit"}, t("Upload")));
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
      ctx.say(t("{file} attached to dispute #{id}.", {file: f.name, id}));
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
  const file = h("button", {type: "submit", disabled: true}, t("Dispute the attribution"));
  const form = h("form", {class: "stack", "aria-label": t("Dispute the attribution of the ticked assets")},
    h("label", {for: "attribution-explanation"}, t("Why these assets are not yours (staff check it)")), explain, file);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const d = await api("/v1/me/disputes", {key, method: "POST", body: {kind: "attribution",
        reason: "not_our_asset", explanation: explain.value.trim(), asset_ids: [...chosen]}});
      ctx.say(t("Dispute #{id} filed on {n} asset(s).", {id: d.id, n: chosen.size}));
      ctx.rerender();
    } catch (err) {
      ctx.showError(err);
    }
  });
  const rows = list.items.map((a) => {
    const box = h("input", {type: "checkbox", "aria-label": t("Dispute the attribution of {asset}", {asset: a.value}), disabled: a.detached});
    box.addEventListener("change", () => {
      if (box.checked) chosen.add(a.id);
      else chosen.delete(a.id);
      file.disabled = chosen.size === 0;
    });
    return [box, a.value, words(a.kind), t("{source} (confidence {confidence})", {source: a.source, confidence: fmtNum(a.confidence, 2)}),
      fmtDate(a.attributed_at),
      a.detached ? t("detached {date}: {why}", {date: fmtDate(a.detached_at), why: a.detached_reason}) : t("attributed")];
  });
  return h("section", {"aria-labelledby": "assets-h"},
    h("h2", {id: "assets-h"}, t("Your assets")),
    h("p", {}, t("Every domain and address range counted as yours, and how it was attributed. Tick the ones that are not yours to dispute them.")),
    h("div", {class: "scroll"}, table(t("Your assets"), [t("dispute"), t("asset"), t("kind"), t("attributed by"), t("since"), t("state")], rows, {id: "my-assets"})),
    form);
}

// The names fairrate discover found that are not (or not yet) counted as the company's,
// with the rule that would attribute them; the company confirms or rejects each.
async function candidatesSection(ctx, key) {
  const list = await api(`/v1/me/asset-candidates${q({limit: 500})}`, {key});
  const decide = async (c, verb) => {
    try {
      await api(`/v1/me/asset-candidates/${c.id}/${verb}`, {key, method: "POST", body: {}});
      ctx.say(verb === "confirm" ? t("{name} confirmed as yours.", {name: c.value}) :
        t("{name} rejected: discovery will not attribute it.", {name: c.value}));
      ctx.rerender();
    } catch (err) {
      ctx.showError(err);
    }
  };
  const rows = list.items.map((c) => {
    const state = c.decision ? `${words(c.decision)} ${fmtDate(c.decided_at)}` : c.counted ? t("counted") : t("waiting for you");
    const actions = h("span", {},
      c.counted ? null : h("button", {type: "button", onclick: () => decide(c, "confirm")}, t("Confirm {name}", {name: c.value})), " ",
      c.counted || c.decision === "rejected" ? null : h("button", {type: "button", onclick: () => decide(c, "reject")}, t("Reject {name}", {name: c.value})));
    return [c.value, words(c.rule), fmtNum(c.confidence, 1), c.sources.map(words).join(t(", ")), fmtDate(c.last_seen), state, actions];
  });
  return h("section", {"aria-labelledby": "candidates-h"},
    h("h2", {id: "candidates-h"}, t("Names found by discovery")),
    h("p", {}, t("Host names found from your domains (DNS, certificate transparency, common names). Names under your own registered domains count at once; a stranger's name on your certificate (0.5) or a provider's name in your DNS (0.2) counts only if you confirm it. A rejected name is never attributed again; a counted one is removed by disputing its attribution above.")),
    list.items.length === 0 ? h("p", {}, t("Discovery has found nothing yet.")) :
      h("div", {class: "scroll"}, table(t("Names found by discovery"), [t("name"), t("rule"), t("confidence"), t("found by"), t("last seen"), t("state"), t("decide")],
        rows, {id: "my-candidates"})));
}

async function disputesSection(ctx, key) {
  const list = await api(`/v1/me/disputes${q({limit: 100})}`, {key});
  const holder = h("div", {id: "dispute-detail"});
  return h("section", {"aria-labelledby": "disputes-h"},
    h("h2", {id: "disputes-h"}, t("Your disputes")),
    list.items.length === 0 ? h("p", {}, t("No dispute yet.")) :
      h("div", {class: "scroll"}, table(t("Your disputes"), [t("dispute"), t("reason"), t("state"), t("opened"), t("SLA")],
        list.items.map((d) => [
          h("button", {type: "button", class: "linklike", onclick: () =>
            disputeDetail(ctx, key, d.id, holder).catch((err) => ctx.showError(err))}, t("#{id} ({n} items)", {id: d.id, n: d.items})),
          words(d.reason), h("span", {class: `state state-${d.state}`}, words(d.state),
            d.state === "info_requested" ? h("strong", {class: "action-needed"}, t(" · action needed")) : null), fmtTime(d.opened_at),
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
    replace(ctx.main, h("h1", {}, t("Your company")),
      h("p", {}, t("Every rated company gets free access to its rating, its evidence and the dispute process. Sign in with your company key (from staff, or by claiming your profile through domain control).")),
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
    h("p", {}, `${words(me.company.sector)} · ${words(me.company.size_band)} · ${me.company.country} · `,
      t("profile {visibility}", {visibility: words(me.company.visibility)})),
    ratingSection(rating, Object.fromEntries(doc.definition.checks.map((c) => [c.code, c.title]))), planSection(ctx, key, gradesOf(doc)), reportSection(ctx, key),
    historySection(me.company.name, hist, peers, versions), projectionSection(projection), ev.sec, assets, candidates, disputes, disclosures, sharing, profile,
    h("details", {}, h("summary", {}, t("API key")), ctx.keyPanel(AREA, ctx.rerender)));
  await ev.load(null);
}
