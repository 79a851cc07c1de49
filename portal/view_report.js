// The one-page report as a printable page (GET /v1/me/report): the same content as
// the PDF, in English or Japanese. Labels, factor names and check titles come
// translated from the server's catalogues (po/, methodology/i18n/), so the page and
// the PDF say the same thing.
import {h, replace, fmtDate, fmtNum, gradeBadge} from "./dom.js";
import {api, getKey, q} from "./api.js";
import {factorChart, historyChart} from "./charts.js";

function chooseLang() {
  const asked = new URLSearchParams(location.search).get("lang");
  if (asked === "ja" || asked === "en") return asked;
  return (navigator.language || "").toLowerCase().startsWith("ja") ? "ja" : "en";
}

export async function renderReport(ctx) {
  const key = getKey("company");
  if (!key) {
    replace(ctx.main, h("h1", {}, "Report"), h("p", {}, "Sign in with your company key."),
      ctx.keyPanel("company", ctx.rerender));
    return;
  }
  const lang = chooseLang();
  const r = await api(`/v1/me/report${q({lang})}`, {key});
  if (!ctx.current()) return;
  const L = (s) => (r.labels && r.labels[s]) || s;
  document.documentElement.lang = r.lang;
  const standing = (label, s) => h("li", {}, `${L(label)}: `, s.percentile === null ? L("no public rated peers to compare with") :
    `${L("percentile")} ${fmtNum(s.percentile)} (${L("rated companies:")} ${s.companies_rated})`);
  const langSwitch = h("select", {id: "report-page-lang", "aria-label": "Language"},
    h("option", {value: "en"}, "English"), h("option", {value: "ja"}, "日本語"));
  langSwitch.value = r.lang;
  langSwitch.addEventListener("change", () => {
    history.replaceState(null, "", `/portal/company/report?lang=${langSwitch.value}`);
    ctx.rerender();
  });
  replace(ctx.main,
    h("div", {class: "report-tools noprint"}, h("a", {href: "/portal/company"}, "← Your company"), " ",
      langSwitch, " ", h("button", {type: "button", onclick: () => window.print()}, "Print")),
    h("article", {class: "report-page", id: "report-page", lang: r.lang},
      h("p", {class: "report-kind"}, L("Security rating report")),
      h("h1", {}, r.name),
      h("p", {}, `${L("Sector")}: ${r.sector} · ${L("Size band")}: ${r.size_band} · ${L("Rated as of")}: ${fmtDate(r.as_of)}`),
      h("p", {class: "score", id: "report-score"}, r.score === null ? L("insufficient data") :
        [h("span", {class: "big"}, fmtNum(r.score)), " ", gradeBadge(r.grade)],
        ` · ${L("Confidence")}: ${L(r.confidence)}`),
      h("ul", {class: "plain"}, standing("in its sector", r.in_sector), standing("in its sector and size band", r.in_size_band)),
      h("h2", {}, L("Score over the last twelve months")),
      historyChart(r.trend.map((t) => ({as_of: t.as_of, score: t.score, grade: "", reason: t.methodology_changed ? "methodology_change" : "new_evidence"})),
        [], L("Score over the last twelve months")),
      h("h2", {}, L("Factors (score out of 100, weight)")),
      factorChart(r.factors.map((f) => ({...f, disputed: false})), L("Factors (score out of 100, weight)")),
      h("h2", {}, L("Governance disclosures")),
      h("ul", {class: "plain", id: "report-disclosures"}, r.disclosures.map((d) =>
        h("li", {}, `${d.title}: `, h("strong", {}, L(d.status === "verified" ? "verified" : d.status === "submitted" ? "submitted, not verified" : "not disclosed"))))),
      h("h2", {}, L("Top five actions (score and grade after each)")),
      r.actions.length === 0 ? h("p", {}, L("Nothing to fix: no finding costs points.")) :
        h("ol", {id: "report-actions"}, r.actions.map((a) => h("li", {},
          `${a.title}${a.fixes > 1 ? ` (${L("findings fixed together:")} ${a.fixes})` : ""}: +${fmtNum(a.gain, 2)} → ${fmtNum(a.score_after)} ${a.grade_after}`))),
      h("p", {class: "help"}, `${L("Methodology")} ${r.methodology_version}. ${L("Inputs digest")}: `, h("code", {class: "digest"}, r.inputs_digest)),
      h("p", {class: "help"}, L("Every figure follows from the published methodology and the company's evidence: recompute the score and the digest with the methodology document (/v1/methodology/document)."))));
}
