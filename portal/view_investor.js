// Investors: search, a company's page (score, factors, history, place in its sector,
// disputed notation, governance disclosures) and portfolios with CSV export.
import {h, replace, table, fmtDate, fmtTime, fmtNum, words, gradeBadge, saveBlob} from "./dom.js";
import {api, getKey, q} from "./api.js";
import {factorChart, historyChart, barHistogram} from "./charts.js";
import {investorDisclosuresSection} from "./view_disclosure.js";
import {t, tc} from "./i18n.js";
import {portfolioSummarySection, portfolioAlertsSection} from "./view_portfolio.js";

const AREA = "investor";

function needKey(ctx, title) {
  replace(ctx.main, h("h1", {}, title),
    h("p", {}, t("Investors, insurers and buyers look companies up with an investor key.")),
    ctx.keyPanel(AREA, ctx.rerender));
}

function companyLink(c) {
  return h("a", {href: `/portal/investor/${encodeURIComponent(c.slug)}`}, c.name);
}

function scoreText(c) {
  if (c.status === "rated") return `${fmtNum(c.score)} (${c.grade})`;
  return words(c.status);
}

function scoreCell(c) {
  if (c.status !== "rated") return words(c.status);
  return h("span", {}, `${fmtNum(c.score)} `, gradeBadge(c.grade));
}

const SORTS = {
  name: (a, b) => a.name.localeCompare(b.name),
  score: (a, b) => (b.score ?? -1) - (a.score ?? -1),
  sector: (a, b) => a.sector.localeCompare(b.sector) || a.name.localeCompare(b.name),
};

async function searchSection(ctx, key) {
  const [sectors, portfolios] = await Promise.all([api("/v1/sectors", {key}),
    api(`/v1/portfolios${q({limit: 100})}`, {key})]);
  const total = sectors.items.reduce((n, s) => n + s.companies, 0);
  const results = h("div", {id: "search-results", "aria-live": "polite"});
  const qInput = h("input", {id: "search-q", name: "q", type: "search", autocomplete: "off"});
  const sector = h("select", {id: "search-sector", name: "sector"},
    h("option", {value: ""}, t("any sector")),
    sectors.items.map((s) => h("option", {value: s.sector}, `${words(s.sector)} (${s.companies})`)));
  const grade = h("select", {id: "search-grade", name: "grade"},
    h("option", {value: ""}, t("any grade")), ["A", "B", "C", "D", "F"].map((g) => h("option", {value: g}, g)));
  const sortBy = h("select", {id: "search-sort", name: "sort"},
    [["name", t("name")], ["score", t("score, best first")], ["sector", t("sector")]].map(([v, label]) => h("option", {value: v}, label)));
  const target = h("select", {id: "search-portfolio", name: "portfolio"},
    portfolios.items.length === 0 ? h("option", {value: ""}, t("no portfolio yet")) :
      portfolios.items.map((p) => h("option", {value: String(p.id)}, p.name)));
  const rows = [];
  let cursor = null;
  let filtered = false;
  const body = h("tbody");
  const more = h("button", {type: "button", class: "secondary", hidden: true}, t("Show more"));

  async function add(c) {
    if (!target.value) {
      ctx.say(t("Make a portfolio first (below), then add companies to it."));
      return;
    }
    try {
      await api(`/v1/portfolios/${target.value}/companies/${encodeURIComponent(c.slug)}`, {key, method: "PUT"});
      ctx.say(t("{company} added to \"{portfolio}\".", {company: c.name, portfolio: target.selectedOptions[0].textContent}));
    } catch (err) {
      ctx.showError(err);
    }
  }
  function draw() {
    const sorted = rows.slice().sort(SORTS[sortBy.value]);
    replace(body, sorted.map((c) => h("tr", {},
      h("td", {}, companyLink(c)), h("td", {}, words(c.sector)), h("td", {}, c.size_band),
      h("td", {}, c.country), h("td", {}, scoreCell(c)), h("td", {}, words(c.confidence)),
      h("td", {}, h("button", {type: "button", class: "secondary", "aria-label": t("Add {company} to the portfolio", {company: c.name}),
        onclick: () => add(c)}, t("+ portfolio"))))));
  }
  async function run(next) {
    ctx.showError(null);
    try {
      const page = await api(`/v1/companies${q({q: qInput.value.trim(), sector: sector.value,
        grade: grade.value, limit: 25, cursor: next})}`, {key});
      filtered = Boolean(qInput.value.trim() || sector.value || grade.value);
      if (!next) rows.length = 0;
      rows.push(...page.items);
      cursor = page.next_cursor;
      draw();
      more.hidden = !cursor;
      replace(results,
        h("p", {id: "search-count"}, rows.length === 0 ? t("No company matches.") :
          filtered ? t("{n} companies match.", {n: `${rows.length}${cursor ? "+" : ""}`}) :
            t("{n} of {total} public companies shown.", {n: rows.length, total})),
        rows.length ? h("div", {class: "scroll"}, h("table", {},
          h("caption", {}, t("Companies found")),
          h("thead", {}, h("tr", {}, [t("company"), t("sector"), t("size"), t("country"), t("score and grade"), t("confidence"), ""]
            .map((label) => h("th", {scope: "col"}, label)))), body)) : null,
        more);
    } catch (err) {
      ctx.showError(err);
    }
  }
  more.addEventListener("click", () => run(cursor));
  sortBy.addEventListener("change", draw);
  const form = h("form", {role: "search", class: "inline-form", "aria-label": t("Search companies")},
    h("label", {for: "search-q"}, t("Name or domain")), qInput,
    h("label", {for: "search-sector"}, t("Sector")), sector,
    h("label", {for: "search-grade"}, t("Grade")), grade,
    h("button", {type: "submit"}, t("Search")),
    h("label", {for: "search-sort"}, t("Sort by")), sortBy,
    h("label", {for: "search-portfolio"}, t("Add to")), target);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    run(null);
  });
  // The landing list: every public company, before any search.
  await run(null);
  return h("section", {"aria-labelledby": "search-h"}, h("h2", {id: "search-h"}, t("Search")), form, results);
}

function csvDownload(ctx, key, p) {
  return h("button", {type: "button", class: "secondary", onclick: async () => {
    try {
      const text = await api(`/v1/portfolios/${p.id}/ratings?format=csv`, {key, text: true});
      saveBlob(new Blob([text], {type: "text/csv"}), `portfolio-${p.id}.csv`);
      ctx.say(t("Portfolio \"{portfolio}\" exported as CSV.", {portfolio: p.name}));
    } catch (err) {
      ctx.showError(err);
    }
  }}, t("Export \"{portfolio}\" as CSV", {portfolio: p.name}));
}

async function portfolioDetail(ctx, key, p, holder) {
  const [ratings, summary, alerts] = await Promise.all([api(`/v1/portfolios/${p.id}/ratings${q({limit: 500})}`, {key}),
    portfolioSummarySection(key, p), portfolioAlertsSection(ctx, key, p)]);
  replace(holder,
    h("h3", {}, t("{portfolio}: {n} companies", {portfolio: p.name, n: ratings.items.length})),
    summary, alerts, csvDownload(ctx, key, p),
    ratings.items.length === 0 ? h("p", {}, t("Add companies from their pages.")) :
      h("div", {class: "scroll"}, table(t("Ratings in {portfolio}", {portfolio: p.name}),
        [t("company"), t("score (grade)"), t("confidence"), t("disputed"), t("as of"), ""],
        ratings.items.map((c) => [companyLink(c), scoreText(c), words(c.confidence),
          c.disputed ? t("disputed") : t("no"), fmtDate(c.as_of),
          h("button", {type: "button", class: "secondary", "aria-label": t("Remove {company} from {portfolio}", {company: c.name, portfolio: p.name}),
            onclick: async () => {
              try {
                await api(`/v1/portfolios/${p.id}/companies/${encodeURIComponent(c.slug)}`, {key, method: "DELETE"});
                ctx.say(t("{company} removed from {portfolio}.", {company: c.name, portfolio: p.name}));
                await portfolioDetail(ctx, key, p, holder);
              } catch (err) {
                ctx.showError(err);
              }
            }}, t("Remove"))]))));
}

async function portfoliosSection(ctx, key) {
  const sec = h("section", {"aria-labelledby": "portfolios-h"}, h("h2", {id: "portfolios-h"}, t("Portfolios")));
  const list = await api(`/v1/portfolios${q({limit: 100})}`, {key});
  const detail = h("div", {id: "portfolio-detail"});
  const name = h("input", {id: "portfolio-name", name: "name", required: true, maxlength: 200});
  const form = h("form", {class: "inline-form", "aria-label": t("Create a portfolio")},
    h("label", {for: "portfolio-name"}, t("New portfolio")), name, h("button", {type: "submit"}, t("Create")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api("/v1/portfolios", {key, method: "POST", body: {name: name.value.trim()}});
      ctx.say(t("Portfolio \"{portfolio}\" created.", {portfolio: name.value.trim()}));
      ctx.rerender();
    } catch (err) {
      ctx.showError(err);
    }
  });
  sec.appendChild(form);
  if (list.items.length === 0) {
    sec.appendChild(h("p", {}, t("No portfolio yet.")));
  } else {
    sec.appendChild(h("ul", {class: "plain"}, list.items.map((p) => h("li", {},
      h("button", {type: "button", class: "linklike", onclick: () =>
        portfolioDetail(ctx, key, p, detail).catch((err) => ctx.showError(err))},
      t("{portfolio} ({n} companies)", {portfolio: p.name, n: p.companies}))))));
  }
  sec.appendChild(detail);
  return sec;
}

export async function renderInvestorSearch(ctx) {
  const key = getKey(AREA);
  if (!key) return needKey(ctx, t("Investors"));
  const [search, portfolios] = await Promise.all([searchSection(ctx, key), portfoliosSection(ctx, key)]);
  if (!ctx.current()) return;
  replace(ctx.main, h("h1", {}, t("Investors")), search, portfolios,
    h("details", {}, h("summary", {}, t("API key")), ctx.keyPanel(AREA, ctx.rerender)));
}

function addToPortfolio(ctx, key, c, portfolios) {
  if (portfolios.length === 0) {
    return h("p", {}, t("Create a portfolio on the investor page to follow this company."), " ",
      h("a", {href: "/portal/investor"}, t("Go to the investor page.")));
  }
  const sel = h("select", {id: "add-portfolio"}, portfolios.map((p) => h("option", {value: String(p.id)}, p.name)));
  const form = h("form", {class: "inline-form", "aria-label": t("Add to a portfolio")},
    h("label", {for: "add-portfolio"}, t("Portfolio")), sel, h("button", {type: "submit"}, t("Add to portfolio")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api(`/v1/portfolios/${sel.value}/companies/${encodeURIComponent(c.slug)}`, {key, method: "PUT"});
      ctx.say(t("{company} added to {portfolio}.", {company: c.name, portfolio: sel.selectedOptions[0].textContent}));
    } catch (err) {
      ctx.showError(err);
    }
  });
  return form;
}

function headline(c) {
  return h("div", {class: "headline"},
    c.status === "rated" ? h("p", {class: "score", id: "company-score"},
      h("span", {class: "big"}, fmtNum(c.score)), " ", gradeBadge(c.grade))
      : h("p", {class: "score", id: "company-score"}, t("Insufficient data: {why}", {why: c.insufficient_reason || t("too little evidence to rate")})),
    h("p", {}, t("Confidence: {confidence}. Methodology {version}, as of {as_of}.", {confidence: words(c.confidence || "none"),
      version: c.methodology_version || "—", as_of: fmtTime(c.as_of)})),
    c.disputed ? h("p", {class: "disputed-note", id: "disputed-note"},
      h("strong", {}, t("Disputed: ")), t("some of the evidence behind this rating is under dispute; factors marked ⚑ are affected until staff decide."))
      : h("p", {id: "disputed-note"}, t("No evidence behind this rating is under dispute.")),
    c.upcoming_methodology ? h("p", {}, t("Methodology {version} takes effect on {date}.", {version: c.upcoming_methodology.version,
      date: fmtDate(c.upcoming_methodology.effective_at)})) : null);
}

export async function renderCompanyPage(ctx) {
  const key = getKey(AREA);
  if (!key) return needKey(ctx, t("Company"));
  const slug = ctx.params[0];
  const enc = encodeURIComponent(slug);
  const [c, hist, peers, versions, portfolios, disclosures] = await Promise.all([
    api(`/v1/companies/${enc}`, {key}), api(`/v1/companies/${enc}/history${q({limit: 500})}`, {key}),
    api(`/v1/companies/${enc}/peers`, {key}), api("/v1/methodology/versions"),
    api(`/v1/portfolios${q({limit: 100})}`, {key}), api(`/v1/companies/${enc}/disclosures`, {key})]);
  if (!ctx.current()) return;
  document.title = `${c.name} · fairrate`;
  const factors = Object.values(c.factors).map((f) => ({...f, name: tc("factor", f.name)}));
  const items = hist.items.slice().reverse();
  const dist = peers.sector_distribution;
  const bin = peers.score === null ? -1 : Math.min(9, Math.floor(peers.score / 10));
  replace(ctx.main,
    h("p", {}, h("a", {href: "/portal/investor"}, t("← Search"))),
    h("h1", {}, c.name),
    h("p", {}, `${words(c.sector)} · ${words(c.size_band)} · ${c.country}`),
    headline(c),
    addToPortfolio(ctx, key, c, portfolios.items),
    h("section", {"aria-labelledby": "factors-h"},
      h("h2", {id: "factors-h"}, t("Factors")),
      factors.length ? factorChart(factors, t("Factor scores of {company}, 0 to 100", {company: c.name})) : null,
      h("div", {class: "scroll"}, table(t("Factor scores of {company}", {company: c.name}),
        [t("factor"), t("score"), t("weight"), t("findings by severity"), t("disputed")],
        factors.map((f) => [f.name, f.has_data ? fmtNum(f.score) : t("no data"),
          f.kind === "bonus" ? t("bonus") : fmtNum(f.weight, 0),
          Object.entries(f.findings_by_severity).filter(([, n]) => n > 0).map(([sev, n]) => `${n} ${words(sev)}`).join(t(", ")) || t("none"),
          f.disputed ? t("⚑ disputed") : t("no")])))),
    h("section", {"aria-labelledby": "history-h"},
      h("h2", {id: "history-h"}, t("History")),
      historyChart(items, versions.items, t("Score history of {company}, with corrections and methodology changes marked", {company: c.name})),
      h("div", {class: "scroll"}, table(t("Rating history of {company}", {company: c.name}),
        [t("as of"), t("score"), t("grade"), t("methodology"), t("why it changed")],
        hist.items.map((e) => [fmtTime(e.as_of), fmtNum(e.score), e.grade || "—", e.methodology_version,
          h("span", {class: `reason reason-${e.reason}`}, words(e.reason))])))),
    h("section", {"aria-labelledby": "sector-h"},
      h("h2", {id: "sector-h"}, t("Place in {sector}", {sector: words(dist.sector)})),
      h("p", {id: "sector-place"}, peers.in_sector.percentile === null ? t("Not ranked (not rated).") :
        t("Percentile {pct} among {n} rated companies in its sector; ", {pct: fmtNum(peers.in_sector.percentile), n: peers.in_sector.companies_rated}),
        peers.in_size_band.percentile === null ? "" :
          t("percentile {pct} among {n} of its size. ", {pct: fmtNum(peers.in_size_band.percentile), n: peers.in_size_band.companies_rated}),
        t("Sector median {median}.", {median: fmtNum(dist.median_score)})),
      barHistogram(dist.histogram.map((b) => ({label: `${b.from}–${b.to}`, value: b.companies})), bin,
        t("Scores in {sector}: companies per 10-point band; {company}'s band is highlighted", {sector: words(dist.sector), company: c.name}),
        t("companies per score band"))),
    investorDisclosuresSection(c.name, disclosures));
}

