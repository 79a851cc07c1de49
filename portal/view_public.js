// Public: the methodology in force and upcoming, factors, weights and formulas, the
// change log, the back-test figures, coverage and dispute statistics.
import {h, replace, table, fmtDate, fmtNum, fmtDuration, words} from "./dom.js";
import {api, ApiError} from "./api.js";
import {t, tc, tx} from "./i18n.js";
import {rateChart} from "./charts.js";

function versionLine(label, v) {
  if (!v) return h("p", {}, t("{label}: none.", {label}));
  return h("p", {},
    h("strong", {}, `${label}: ${v.version}`), " — ",
    t("{title}. Published {published}, effective {effective}", {title: v.title,
      published: fmtDate(v.published_at), effective: fmtDate(v.effective_at)}),
    v.notice_days !== null && v.notice_days !== undefined ? t(" ({n} days' notice)", {n: v.notice_days}) : "",
    v.short_notice_reason ? t("; short notice because: {why}", {why: v.short_notice_reason}) : "", t("."));
}

function factorsSection(def) {
  const penalty = def.factors.filter((f) => f.kind === "penalty");
  const total = penalty.reduce((a, f) => a + f.weight, 0);
  const life = (f) => f.half_life_days ? t("half-life {half} days, ignored after {max} days", {half: f.half_life_days, max: f.max_age_days})
    : t("{n} days", {n: f.lifetime_days});
  const yes = (b) => (b ? t("yes") : t("no"));
  const rows = def.factors.map((f) => [
    tc("factor", f.name), h("code", {}, f.code), words(f.kind),
    f.kind === "penalty" ? `${f.weight} (${fmtNum((100 * f.weight) / total)} %)` : t("bonus up to {cap} points", {cap: f.bonus_cap}),
    life(f), yes(f.footprint_normalised), yes(f.absence_is_clean),
  ]);
  const checks = def.factors.map((f) => {
    const list = def.checks.filter((c) => c.factor === f.code);
    return h("details", {},
      h("summary", {}, t("{factor}: {n} checks", {factor: tc("factor", f.name), n: list.length})),
      table(t("Checks of {factor}", {factor: tc("factor", f.name)}), [t("check"), t("what it finds"), t("severity"), t("points")],
        list.map((c) => [h("code", {}, c.code), tc("check", c.title), words(c.severity), String(c.points)])));
  });
  return h("section", {"aria-labelledby": "factors-h"},
    h("h2", {id: "factors-h"}, t("Factors and weights")),
    h("div", {class: "scroll"}, table(t("Factors of the methodology in force"),
      [t("factor"), t("code"), t("kind"), t("weight (share)"), t("evidence life"), t("footprint-normalised"), t("absence is clean")], rows)),
    h("h3", {}, t("Checks and their points")), checks);
}

function formulasSection(def) {
  const fp = def.footprint;
  const conf = def.confidence;
  const grades = def.grades.map((g) => t("{grade} from {min}", {grade: g.grade, min: g.min_score})).join(t(", "));
  return h("section", {"aria-labelledby": "formulas-h"},
    h("h2", {id: "formulas-h"}, t("Formulas")),
    h("dl", {class: "formulas"},
      h("dt", {}, t("Footprint divisor")),
      h("dd", {}, h("code", {}, `D = max(1, (assets / ${fp.reference_assets}) ^ ${fp.exponent})`),
        t("; footprint-normalised factors divide their penalties by D, the others by 1.")),
      h("dt", {}, t("Penalty factor")),
      h("dd", {}, h("code", {}, "P = Σ points × decay / D;  S = max(0, 100 − P)"),
        t(", over the factor's failed checks still within their evidence life (decay is 1, or 0.5^(age / half-life) for incidents).")),
      h("dt", {}, t("Base score")),
      h("dd", {}, h("code", {}, "B = Σ weight × S / Σ weight"), t(", over the penalty factors with data.")),
      h("dt", {}, t("Bonus and score")),
      h("dd", {}, h("code", {}, "score = min(100, B + min(cap, Σ bonus points))"), t(", rounded to one decimal, half away from zero.")),
      h("dt", {}, t("Grades")),
      h("dd", {}, `${grades}${t(".")}`),
      h("dt", {}, t("Insufficient data")),
      h("dd", {}, t("fewer than {items} evidence items or fewer than {factors} factors with evidence: no score and no grade, never a default grade.",
        {items: conf.min_evidence, factors: conf.min_factors})),
      h("dt", {}, t("Confidence")),
      h("dd", {}, t("high with at least {hi_items} items over {hi_factors} factors; medium with {med_items} over {med_factors}; else low.",
        {hi_items: conf.high.evidence, hi_factors: conf.high.factors, med_items: conf.medium.evidence, med_factors: conf.medium.factors})),
      h("dt", {}, t("Cost of a finding")),
      h("dd", {}, h("code", {}, "cost = points × decay / D × weight / Σ weight"),
        t("; every rated company sees each finding's cost and the exact gain of fixing it."))));
}

function changeLogSection(versions) {
  return h("section", {"aria-labelledby": "changelog-h"},
    h("h2", {id: "changelog-h"}, t("Change log")),
    h("div", {class: "scroll"}, table(t("Published methodology versions"),
      [t("version"), t("status"), t("published"), t("effective"), t("notice"), t("change log")],
      versions.map((v) => [v.version, words(v.status), fmtDate(v.published_at), fmtDate(v.effective_at),
        v.notice_days === null || v.notice_days === undefined ? "—" : t("{n} days", {n: v.notice_days}) +
          (v.short_notice_reason ? t(" (short notice: {why})", {why: v.short_notice_reason}) : ""),
        h("span", {class: "pre"}, v.change_log || "")]))));
}

function validationSection(version, val) {
  const sec = h("section", {"aria-labelledby": "validation-h"},
    h("h2", {id: "validation-h"}, t("Validation of {version}", {version})));
  if (!val) {
    sec.appendChild(h("p", {}, t("No back-test has been published for this version yet.")));
    return sec;
  }
  const f = val.figures;
  const ci = (c) => (c ? t("{low} to {high}", {low: fmtNum(c[0], 2), high: fmtNum(c[1], 2)}) : "—");
  sec.appendChild(h("p", {},
    t("Back-test over {n} observations at {dates} dates from {from}, incidents counted within {days} days after each date: {incidents} observations had one.",
      {n: f.observations, dates: f.as_of_dates.length, from: fmtDate(val.rated_as_of), days: f.window_days, incidents: f.incidents}), " ",
    h("strong", {}, `ROC AUC ${fmtNum(f.roc_auc, 3)}`), t(" (95% interval {ci}).", {ci: ci(f.roc_auc_ci)})));
  sec.appendChild(h("div", {class: "scroll"}, table(t("Incident rates by grade under {version}", {version}),
    [t("grade"), t("observations"), t("with an incident"), t("rate"), t("relative risk"), t("95% interval")],
    f.by_grade.map((g) => [g.grade, String(g.companies), String(g.incidents), `${fmtNum(100 * g.rate)} %`,
      fmtNum(g.relative_risk, 2), ci(g.relative_risk_ci)]))));
  sec.appendChild(rateChart(f.by_grade.map((g) => ({label: g.grade, k: g.incidents, n: g.companies})),
    t("Incident rate by grade under {version}, with 95% intervals", {version}),
    t("share of observations with an incident in the window (Wilson 95% interval)")));
  sec.appendChild(h("p", {class: "help"}, tx(f.method)));
  return sec;
}

function coverageSection(cov, d) {
  const grades = Object.entries(cov.by_grade);
  return h("section", {"aria-labelledby": "stats-h"},
    h("h2", {id: "stats-h"}, t("Coverage and disputes")),
    h("p", {}, t("{n} public companies: {rated} rated, {insufficient} with insufficient data, {not_rated} not rated yet.",
      {n: cov.companies, rated: cov.rated, insufficient: cov.insufficient_data, not_rated: cov.not_rated})),
    h("div", {class: "scroll"}, table(t("Rated companies by grade"), grades.map(([g]) => words(g)), [grades.map(([, n]) => String(n))])),
    h("h3", {}, t("Dispute statistics")),
    h("p", {}, t("{total} disputes filed; {decided} decided, {accepted} accepted", {total: d.total, decided: d.decided, accepted: d.accepted}),
      d.acceptance_rate === null ? t(".") : t(" ({pct} % of decisions).", {pct: fmtNum(100 * d.acceptance_rate)})),
    h("p", {}, t("Time to first response: median {median}, 90th percentile {p90}.", {median: fmtDuration(d.time_to_first_response.median_seconds),
      p90: fmtDuration(d.time_to_first_response.p90_seconds)}), " ",
    t("Time to resolution: median {median}, 90th percentile {p90}.", {median: fmtDuration(d.time_to_resolution.median_seconds),
      p90: fmtDuration(d.time_to_resolution.p90_seconds)})),
    h("div", {class: "scroll"}, table(t("Disputes by state"), [t("state"), t("disputes")],
      Object.entries(d.by_state).map(([k, v]) => [words(k), String(v)]))),
    h("div", {class: "scroll"}, table(t("Disputes by reason"), [t("reason"), t("disputes")],
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
    h("h1", {}, t("How fairrate rates")),
    h("section", {"aria-labelledby": "inforce-h"},
      h("h2", {id: "inforce-h"}, t("Methodology")),
      versionLine(t("In force"), inForce),
      versionLine(t("Upcoming"), current.upcoming),
      doc && doc.definition.summary ? h("p", {}, tx(doc.definition.summary)) : null),
    doc ? factorsSection(doc.definition) : null,
    doc ? formulasSection(doc.definition) : null,
    changeLogSection(versions.items),
    inForce ? validationSection(inForce.version, validation) : null,
    coverageSection(transparency, disputes));
}
