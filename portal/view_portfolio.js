// One portfolio beyond its ratings table: its summary (grade mix, score changes over
// 7, 30 and 90 days with the worst movers) from /v1/portfolios/{id}/summary.
import {h, table, fmtNum, gradeBadge} from "./dom.js";
import {api} from "./api.js";

function signed(v) {
  if (v === null || v === undefined) return "—";
  return v > 0 ? `+${fmtNum(v)}` : fmtNum(v);
}

export async function portfolioSummarySection(key, p) {
  const s = await api(`/v1/portfolios/${p.id}/summary`, {key});
  const counts = `${s.companies} companies: ${s.rated} rated, ${s.insufficient_data} with insufficient data, ${s.not_rated} not rated yet` +
    (s.mean_score === null ? "." : `; mean score ${fmtNum(s.mean_score)}.`);
  const movers = s.changes.flatMap((c) => c.worst_movers.map((m) => [`${c.days} days`,
    h("a", {href: `/portal/investor/${encodeURIComponent(m.slug)}`}, m.name),
    h("span", {}, `${fmtNum(m.previous_score)} `, gradeBadge(m.previous_grade)),
    h("span", {}, `${fmtNum(m.score)} `, gradeBadge(m.grade)), signed(m.change)]));
  return h("section", {id: "portfolio-summary", "aria-labelledby": "portfolio-summary-h"},
    h("h4", {id: "portfolio-summary-h"}, `Summary of ${p.name}`),
    h("p", {id: "portfolio-counts"}, counts),
    s.grades.length === 0 ? h("p", {}, "No company is rated yet.") :
      h("ul", {class: "plain", id: "portfolio-grades", "aria-label": "Grade mix"},
        s.grades.map((g) => h("li", {}, gradeBadge(g.grade), ` ${g.companies}`))),
    h("div", {class: "scroll"}, table(`Score changes in ${p.name}`,
      ["period", "compared", "up", "down", "unchanged", "mean change"],
      s.changes.map((c) => [`${c.days} days`, String(c.compared), String(c.up), String(c.down),
        String(c.unchanged), signed(c.mean_change)]), {id: "portfolio-changes"})),
    movers.length === 0 ? h("p", {}, "No company fell over these periods.") :
      h("div", {class: "scroll"}, table(`Worst movers in ${p.name}`,
        ["period", "company", "then", "now", "change"], movers, {id: "portfolio-movers"})));
}
