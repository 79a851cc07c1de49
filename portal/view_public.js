// Public: the methodology in force and upcoming, factors, weights and formulas, the
// change log, the back-test figures, coverage and dispute statistics.
import {h, replace, table, fmtDate, fmtNum, fmtDuration, words} from "./dom.js";
import {api, ApiError} from "./api.js";
import {rateChart} from "./charts.js";

function versionLine(label, v) {
  if (!v) return h("p", {}, `${label}: none.`);
  return h("p", {},
    h("strong", {}, `${label}: ${v.version}`), ` — ${v.title}. Published ${fmtDate(v.published_at)}, `,
    `effective ${fmtDate(v.effective_at)}`,
    v.notice_days !== null && v.notice_days !== undefined ? ` (${v.notice_days} days' notice)` : "",
    v.short_notice_reason ? `; short notice because: ${v.short_notice_reason}` : "", ".");
}

function factorsSection(def) {
  const penalty = def.factors.filter((f) => f.kind === "penalty");
  const total = penalty.reduce((a, f) => a + f.weight, 0);
  const life = (f) => f.half_life_days ? `half-life ${f.half_life_days} days, ignored after ${f.max_age_days} days`
    : `${f.lifetime_days} days`;
  const rows = def.factors.map((f) => [
    f.name, h("code", {}, f.code), f.kind,
    f.kind === "penalty" ? `${f.weight} (${fmtNum((100 * f.weight) / total)} %)` : `bonus up to ${f.bonus_cap} points`,
    life(f), f.footprint_normalised ? "yes" : "no", f.absence_is_clean ? "yes" : "no",
  ]);
  const checks = def.factors.map((f) => {
    const list = def.checks.filter((c) => c.factor === f.code);
    return h("details", {},
      h("summary", {}, `${f.name}: ${list.length} checks`),
      table(`Checks of ${f.name}`, ["check", "what it finds", "severity", "points"],
        list.map((c) => [h("code", {}, c.code), c.title, c.severity, String(c.points)])));
  });
  return h("section", {"aria-labelledby": "factors-h"},
    h("h2", {id: "factors-h"}, "Factors and weights"),
    h("div", {class: "scroll"}, table("Factors of the methodology in force",
      ["factor", "code", "kind", "weight (share)", "evidence life", "footprint-normalised", "absence is clean"], rows)),
    h("h3", {}, "Checks and their points"), checks);
}

function formulasSection(def) {
  const fp = def.footprint;
  const conf = def.confidence;
  const grades = def.grades.map((g) => `${g.grade} from ${g.min_score}`).join(", ");
  return h("section", {"aria-labelledby": "formulas-h"},
    h("h2", {id: "formulas-h"}, "Formulas"),
    h("dl", {class: "formulas"},
      h("dt", {}, "Footprint divisor"),
      h("dd", {}, h("code", {}, `D = max(1, (assets / ${fp.reference_assets}) ^ ${fp.exponent})`),
        "; footprint-normalised factors divide their penalties by D, the others by 1."),
      h("dt", {}, "Penalty factor"),
      h("dd", {}, h("code", {}, "P = Σ points × decay / D;  S = max(0, 100 − P)"),
        ", over the factor's failed checks still within their evidence life (decay is 1, or 0.5^(age / half-life) for incidents)."),
      h("dt", {}, "Base score"),
      h("dd", {}, h("code", {}, "B = Σ weight × S / Σ weight"), ", over the penalty factors with data."),
      h("dt", {}, "Bonus and score"),
      h("dd", {}, h("code", {}, "score = min(100, B + min(cap, Σ bonus points))"), ", rounded to one decimal, half away from zero."),
      h("dt", {}, "Grades"),
      h("dd", {}, `${grades}.`),
      h("dt", {}, "Insufficient data"),
      h("dd", {}, `fewer than ${conf.min_evidence} evidence items or fewer than ${conf.min_factors} factors with evidence: no score and no grade, never a default grade.`),
      h("dt", {}, "Confidence"),
      h("dd", {}, `high with at least ${conf.high.evidence} items over ${conf.high.factors} factors; medium with ${conf.medium.evidence} over ${conf.medium.factors}; else low.`),
      h("dt", {}, "Cost of a finding"),
      h("dd", {}, h("code", {}, "cost = points × decay / D × weight / Σ weight"),
        "; every rated company sees each finding's cost and the exact gain of fixing it.")));
}

function changeLogSection(versions) {
  return h("section", {"aria-labelledby": "changelog-h"},
    h("h2", {id: "changelog-h"}, "Change log"),
    h("div", {class: "scroll"}, table("Published methodology versions",
      ["version", "status", "published", "effective", "notice", "change log"],
      versions.map((v) => [v.version, v.status, fmtDate(v.published_at), fmtDate(v.effective_at),
        v.notice_days === null || v.notice_days === undefined ? "—" : `${v.notice_days} days${v.short_notice_reason ? ` (short notice: ${v.short_notice_reason})` : ""}`,
        h("span", {class: "pre"}, v.change_log || "")]))));
}

function validationSection(version, val) {
  const sec = h("section", {"aria-labelledby": "validation-h"},
    h("h2", {id: "validation-h"}, `Validation of ${version}`));
  if (!val) {
    sec.appendChild(h("p", {}, "No back-test has been published for this version yet."));
    return sec;
  }
  const f = val.figures;
  const ci = (c) => (c ? `${fmtNum(c[0], 2)} to ${fmtNum(c[1], 2)}` : "—");
  sec.appendChild(h("p", {},
    `Back-test over ${f.observations} observations at ${f.as_of_dates.length} dates from ${fmtDate(val.rated_as_of)}, `,
    `incidents counted within ${f.window_days} days after each date: ${f.incidents} observations had one. `,
    h("strong", {}, `ROC AUC ${fmtNum(f.roc_auc, 3)}`), ` (95% interval ${ci(f.roc_auc_ci)}).`));
  sec.appendChild(h("div", {class: "scroll"}, table(`Incident rates by grade under ${version}`,
    ["grade", "observations", "with an incident", "rate", "relative risk", "95% interval"],
    f.by_grade.map((g) => [g.grade, String(g.companies), String(g.incidents), `${fmtNum(100 * g.rate)} %`,
      fmtNum(g.relative_risk, 2), ci(g.relative_risk_ci)]))));
  sec.appendChild(rateChart(f.by_grade.map((g) => ({label: g.grade, k: g.incidents, n: g.companies})),
    `Incident rate by grade under ${version}, with 95% intervals`, "share of observations with an incident in the window (Wilson 95% interval)"));
  sec.appendChild(h("p", {class: "help"}, f.method));
  return sec;
}

function coverageSection(t, d) {
  const grades = Object.entries(t.by_grade);
  return h("section", {"aria-labelledby": "stats-h"},
    h("h2", {id: "stats-h"}, "Coverage and disputes"),
    h("p", {}, `${t.companies} public companies: ${t.rated} rated, ${t.insufficient_data} with insufficient data, ${t.not_rated} not rated yet.`),
    h("div", {class: "scroll"}, table("Rated companies by grade", grades.map(([g]) => g), [grades.map(([, n]) => String(n))])),
    h("h3", {}, "Dispute statistics"),
    h("p", {}, `${d.total} disputes filed; ${d.decided} decided, ${d.accepted} accepted`,
      d.acceptance_rate === null ? "." : ` (${fmtNum(100 * d.acceptance_rate)} % of decisions).`),
    h("p", {}, `Time to first response: median ${fmtDuration(d.time_to_first_response.median_seconds)}, 90th percentile ${fmtDuration(d.time_to_first_response.p90_seconds)}. `,
      `Time to resolution: median ${fmtDuration(d.time_to_resolution.median_seconds)}, 90th percentile ${fmtDuration(d.time_to_resolution.p90_seconds)}.`),
    h("div", {class: "scroll"}, table("Disputes by state", ["state", "disputes"],
      Object.entries(d.by_state).map(([k, v]) => [words(k), String(v)]))),
    h("div", {class: "scroll"}, table("Disputes by reason", ["reason", "disputes"],
      Object.entries(d.by_reason).map(([k, v]) => [words(k), String(v)]))));
}

export async function renderPublic(ctx) {
  const [current, versions, transparency, disputes] = await Promise.all([
    api("/v1/methodology"), api("/v1/methodology/versions"),
    api("/v1/transparency"), api("/v1/transparency/disputes")]);
  const inForce = current.in_force;
  let doc = null;
  let validation = null;
  if (inForce) {
    doc = await api(`/v1/methodology/versions/${encodeURIComponent(inForce.version)}`);
    try {
      validation = await api(`/v1/methodology/versions/${encodeURIComponent(inForce.version)}/validation`);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) throw err;
    }
  }
  if (!ctx.current()) return;
  replace(ctx.main,
    h("h1", {}, "How fairrate rates"),
    h("section", {"aria-labelledby": "inforce-h"},
      h("h2", {id: "inforce-h"}, "Methodology"),
      versionLine("In force", inForce),
      versionLine("Upcoming", current.upcoming),
      doc && doc.definition.summary ? h("p", {}, doc.definition.summary) : null),
    doc ? factorsSection(doc.definition) : null,
    doc ? formulasSection(doc.definition) : null,
    changeLogSection(versions.items),
    inForce ? validationSection(inForce.version, validation) : null,
    coverageSection(transparency, disputes));
}
