// The one-page report as a printable page (GET /v1/me/report): the same content as
// the PDF, in English or Japanese. Labels, factor names and check titles come
// translated from the server's catalogues (po/, methodology/i18n/), so the page and
// the PDF say the same thing. Its language is the portal's (the switch in the header).
import {h, replace, fmtDate, fmtNum, gradeBadge, words} from "./dom.js";
import {api, getKey, q} from "./api.js";
import {factorChart, historyChart} from "./charts.js";
import {t, currentLang} from "./i18n.js";

export async function renderReport(ctx) {
  const key = getKey("company");
  if (!key) {
    replace(ctx.main, h("h1", {}, t("Report")), h("p", {}, t("Sign in with your company key.")),
      ctx.keyPanel("company", ctx.rerender));
    return;
  }
  const lang = currentLang();
  const r = await api(`/v1/me/report${q({lang})}`, {key});
  if (!ctx.current()) return;
  const L = (s) => (r.labels && r.labels[s]) || s;
  const standing = (label, s) => h("li", {}, `${label}: `, s.percentile === null ? L("no public rated peers to compare with") :
    `${L("percentile")} ${fmtNum(s.percentile)} (${L("rated companies:")} ${s.companies_rated})`);
  replace(ctx.main,
    h("div", {class: "report-tools noprint"}, h("a", {href: "/portal/company"}, t("← Your company")), " ",
      h("button", {type: "button", onclick: () => window.print()}, t("Print"))),
    h("article", {class: "report-page", id: "report-page", lang: r.lang},
      h("p", {class: "report-kind"}, L("Security rating report")),
      h("h1", {}, r.name),
      h("p", {}, `${L("Sector")}: ${words(r.sector)} · ${L("Size band")}: ${words(r.size_band)} · ${L("Rated as of")}: ${fmtDate(r.as_of)}`),
      h("p", {class: "score", id: "report-score"}, r.score === null ? L("insufficient data") :
        [h("span", {class: "big"}, fmtNum(r.score)), " ", gradeBadge(r.grade)],
        ` · ${L("Confidence")}: ${{high: L("high"), medium: L("medium"), low: L("low")}[r.confidence] || L("none")}`),
      h("ul", {class: "plain"}, standing(L("in its sector"), r.in_sector), standing(L("in its sector and size band"), r.in_size_band)),
      h("h2", {}, L("Score over the last twelve months")),
      historyChart(r.trend.map((x) => ({as_of: x.as_of, score: x.score, grade: "", reason: x.methodology_changed ? "methodology_change" : "new_evidence"})),
        [], L("Score over the last twelve months")),
      h("h2", {}, L("Factors (score out of 100, weight)")),
      factorChart(r.factors.map((f) => ({...f, disputed: false})), L("Factors (score out of 100, weight)")),
      h("h2", {}, L("Governance disclosures")),
      h("ul", {class: "plain", id: "report-disclosures"}, r.disclosures.map((d) =>
        h("li", {}, `${d.title}: `, h("strong", {}, d.status === "verified" ? L("verified") : d.status === "submitted" ? L("submitted, not verified") : L("not disclosed"))))),
      h("h2", {}, L("Top five actions (score and grade after each)")),
      r.actions.length === 0 ? h("p", {}, L("Nothing to fix: no finding costs points.")) :
        h("ol", {id: "report-actions"}, r.actions.map((a) => h("li", {},
          `${a.title}${a.fixes > 1 ? ` (${L("findings fixed together:")} ${a.fixes})` : ""}: +${fmtNum(a.gain, 2)} → ${fmtNum(a.score_after)} ${a.grade_after}`))),
      h("p", {class: "help"}, `${L("Methodology")} ${r.methodology_version}. ${L("Inputs digest")}: `, h("code", {class: "digest"}, r.inputs_digest)),
      h("p", {class: "help"}, L("Every figure follows from the published methodology and the company's evidence: recompute the score and the digest with the methodology document (/v1/methodology/document)."))));
}
