// Investors: search, a company's page (score, factors, history, place in its sector,
// disputed notation, governance disclosures) and portfolios with CSV export.
import {h, replace, table, fmtDate, fmtTime, fmtNum, words, gradeBadge, saveBlob} from "./dom.js";
import {api, getKey, q} from "./api.js";
import {factorChart, historyChart, barHistogram} from "./charts.js";
import {investorDisclosuresSection} from "./view_disclosure.js";
import {portfolioSummarySection, portfolioAlertsSection} from "./view_portfolio.js";

const AREA = "investor";

function needKey(ctx, title) {
  replace(ctx.main, h("h1", {}, title),
    h("p", {}, "Investors, insurers and buyers look companies up with an investor key."),
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
    h("option", {value: ""}, "any sector"),
    sectors.items.map((s) => h("option", {value: s.sector}, `${words(s.sector)} (${s.companies})`)));
  const grade = h("select", {id: "search-grade", name: "grade"},
    h("option", {value: ""}, "any grade"), ["A", "B", "C", "D", "F"].map((g) => h("option", {value: g}, g)));
  const sortBy = h("select", {id: "search-sort", name: "sort"},
    [["name", "name"], ["score", "score, best first"], ["sector", "sector"]].map(([v, t]) => h("option", {value: v}, t)));
  const target = h("select", {id: "search-portfolio", name: "portfolio"},
    portfolios.items.length === 0 ? h("option", {value: ""}, "no portfolio yet") :
      portfolios.items.map((p) => h("option", {value: String(p.id)}, p.name)));
  const rows = [];
  let cursor = null;
  let filtered = false;
  const body = h("tbody");
  const more = h("button", {type: "button", class: "secondary", hidden: true}, "Show more");

  async function add(c) {
    if (!target.value) {
      ctx.say("Make a portfolio first (below), then add companies to it.");
      return;
    }
    try {
      await api(`/v1/portfolios/${target.value}/companies/${encodeURIComponent(c.slug)}`, {key, method: "PUT"});
      ctx.say(`${c.name} added to "${target.selectedOptions[0].textContent}".`);
    } catch (err) {
      ctx.showError(err);
    }
  }
  function draw() {
    const sorted = rows.slice().sort(SORTS[sortBy.value]);
    replace(body, sorted.map((c) => h("tr", {},
      h("td", {}, companyLink(c)), h("td", {}, words(c.sector)), h("td", {}, c.size_band),
      h("td", {}, c.country), h("td", {}, scoreCell(c)), h("td", {}, c.confidence || "—"),
      h("td", {}, h("button", {type: "button", class: "secondary", "aria-label": `Add ${c.name} to the portfolio`,
        onclick: () => add(c)}, "+ portfolio")))));
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
        h("p", {id: "search-count"}, rows.length === 0 ? "No company matches." :
          filtered ? `${rows.length}${cursor ? "+" : ""} companies match.` :
            `${rows.length} of ${total} public companies shown.`),
        rows.length ? h("div", {class: "scroll"}, h("table", {},
          h("caption", {}, "Companies found"),
          h("thead", {}, h("tr", {}, ["company", "sector", "size", "country", "score and grade", "confidence", ""]
            .map((t) => h("th", {scope: "col"}, t)))), body)) : null,
        more);
    } catch (err) {
      ctx.showError(err);
    }
  }
  more.addEventListener("click", () => run(cursor));
  sortBy.addEventListener("change", draw);
  const form = h("form", {role: "search", class: "inline-form", "aria-label": "Search companies"},
    h("label", {for: "search-q"}, "Name or domain"), qInput,
    h("label", {for: "search-sector"}, "Sector"), sector,
    h("label", {for: "search-grade"}, "Grade"), grade,
    h("button", {type: "submit"}, "Search"),
    h("label", {for: "search-sort"}, "Sort by"), sortBy,
    h("label", {for: "search-portfolio"}, "Add to"), target);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    run(null);
  });
  // The landing list: every public company, before any search.
  await run(null);
  return h("section", {"aria-labelledby": "search-h"}, h("h2", {id: "search-h"}, "Search"), form, results);
}

function csvDownload(ctx, key, p) {
  return h("button", {type: "button", class: "secondary", onclick: async () => {
    try {
      const text = await api(`/v1/portfolios/${p.id}/ratings?format=csv`, {key, text: true});
      saveBlob(new Blob([text], {type: "text/csv"}), `portfolio-${p.id}.csv`);
      ctx.say(`Portfolio "${p.name}" exported as CSV.`);
    } catch (err) {
      ctx.showError(err);
    }
  }}, `Export "${p.name}" as CSV`);
}

async function portfolioDetail(ctx, key, p, holder) {
  const [ratings, summary, alerts] = await Promise.all([api(`/v1/portfolios/${p.id}/ratings${q({limit: 500})}`, {key}),
    portfolioSummarySection(key, p), portfolioAlertsSection(ctx, key, p)]);
  replace(holder,
    h("h3", {}, `${p.name}: ${ratings.items.length} companies`),
    summary, alerts, csvDownload(ctx, key, p),
    ratings.items.length === 0 ? h("p", {}, "Add companies from their pages.") :
      h("div", {class: "scroll"}, table(`Ratings in ${p.name}`,
        ["company", "score (grade)", "confidence", "disputed", "as of", ""],
        ratings.items.map((c) => [companyLink(c), scoreText(c), c.confidence || "—",
          c.disputed ? "disputed" : "no", fmtDate(c.as_of),
          h("button", {type: "button", class: "secondary", "aria-label": `Remove ${c.name} from ${p.name}`,
            onclick: async () => {
              try {
                await api(`/v1/portfolios/${p.id}/companies/${encodeURIComponent(c.slug)}`, {key, method: "DELETE"});
                ctx.say(`${c.name} removed from ${p.name}.`);
                await portfolioDetail(ctx, key, p, holder);
              } catch (err) {
                ctx.showError(err);
              }
            }}, "Remove")]))));
}

async function portfoliosSection(ctx, key) {
  const sec = h("section", {"aria-labelledby": "portfolios-h"}, h("h2", {id: "portfolios-h"}, "Portfolios"));
  const list = await api(`/v1/portfolios${q({limit: 100})}`, {key});
  const detail = h("div", {id: "portfolio-detail"});
  const name = h("input", {id: "portfolio-name", name: "name", required: true, maxlength: 200});
  const form = h("form", {class: "inline-form", "aria-label": "Create a portfolio"},
    h("label", {for: "portfolio-name"}, "New portfolio"), name, h("button", {type: "submit"}, "Create"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api("/v1/portfolios", {key, method: "POST", body: {name: name.value.trim()}});
      ctx.say(`Portfolio "${name.value.trim()}" created.`);
      ctx.rerender();
    } catch (err) {
      ctx.showError(err);
    }
  });
  sec.appendChild(form);
  if (list.items.length === 0) {
    sec.appendChild(h("p", {}, "No portfolio yet."));
  } else {
    sec.appendChild(h("ul", {class: "plain"}, list.items.map((p) => h("li", {},
      h("button", {type: "button", class: "linklike", onclick: () =>
        portfolioDetail(ctx, key, p, detail).catch((err) => ctx.showError(err))},
      `${p.name} (${p.companies} companies)`)))));
  }
  sec.appendChild(detail);
  return sec;
}

export async function renderInvestorSearch(ctx) {
  const key = getKey(AREA);
  if (!key) return needKey(ctx, "Investors");
  const [search, portfolios] = await Promise.all([searchSection(ctx, key), portfoliosSection(ctx, key)]);
  if (!ctx.current()) return;
  replace(ctx.main, h("h1", {}, "Investors"), search, portfolios,
    h("details", {}, h("summary", {}, "API key"), ctx.keyPanel(AREA, ctx.rerender)));
}

function addToPortfolio(ctx, key, c, portfolios) {
  if (portfolios.length === 0) {
    return h("p", {}, "Create a portfolio on the ", h("a", {href: "/portal/investor"}, "investor page"), " to follow this company.");
  }
  const sel = h("select", {id: "add-portfolio"}, portfolios.map((p) => h("option", {value: String(p.id)}, p.name)));
  const form = h("form", {class: "inline-form", "aria-label": "Add to a portfolio"},
    h("label", {for: "add-portfolio"}, "Portfolio"), sel, h("button", {type: "submit"}, "Add to portfolio"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api(`/v1/portfolios/${sel.value}/companies/${encodeURIComponent(c.slug)}`, {key, method: "PUT"});
      ctx.say(`${c.name} added to ${sel.selectedOptions[0].textContent}.`);
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
      : h("p", {class: "score", id: "company-score"}, `Insufficient data: ${c.insufficient_reason || "too little evidence to rate"}`),
    h("p", {}, `Confidence: ${c.confidence || "none"}. Methodology ${c.methodology_version || "—"}, as of ${fmtTime(c.as_of)}.`),
    c.disputed ? h("p", {class: "disputed-note", id: "disputed-note"},
      h("strong", {}, "Disputed: "), "some of the evidence behind this rating is under dispute; factors marked ⚑ are affected until staff decide.")
      : h("p", {id: "disputed-note"}, "No evidence behind this rating is under dispute."),
    c.upcoming_methodology ? h("p", {}, `Methodology ${c.upcoming_methodology.version} takes effect on ${fmtDate(c.upcoming_methodology.effective_at)}.`) : null);
}

export async function renderCompanyPage(ctx) {
  const key = getKey(AREA);
  if (!key) return needKey(ctx, "Company");
  const slug = ctx.params[0];
  const enc = encodeURIComponent(slug);
  const [c, hist, peers, versions, portfolios, disclosures] = await Promise.all([
    api(`/v1/companies/${enc}`, {key}), api(`/v1/companies/${enc}/history${q({limit: 500})}`, {key}),
    api(`/v1/companies/${enc}/peers`, {key}), api("/v1/methodology/versions"),
    api(`/v1/portfolios${q({limit: 100})}`, {key}), api(`/v1/companies/${enc}/disclosures`, {key})]);
  if (!ctx.current()) return;
  document.title = `${c.name} · fairrate`;
  const factors = Object.values(c.factors);
  const items = hist.items.slice().reverse();
  const dist = peers.sector_distribution;
  const bin = peers.score === null ? -1 : Math.min(9, Math.floor(peers.score / 10));
  replace(ctx.main,
    h("p", {}, h("a", {href: "/portal/investor"}, "← Search")),
    h("h1", {}, c.name),
    h("p", {}, `${words(c.sector)} · ${c.size_band} · ${c.country}`),
    headline(c),
    addToPortfolio(ctx, key, c, portfolios.items),
    h("section", {"aria-labelledby": "factors-h"},
      h("h2", {id: "factors-h"}, "Factors"),
      factors.length ? factorChart(factors, `Factor scores of ${c.name}, 0 to 100`) : null,
      h("div", {class: "scroll"}, table(`Factor scores of ${c.name}`,
        ["factor", "score", "weight", "findings by severity", "disputed"],
        factors.map((f) => [f.name, f.has_data ? fmtNum(f.score) : "no data",
          f.kind === "bonus" ? "bonus" : fmtNum(f.weight, 0),
          Object.entries(f.findings_by_severity).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`).join(", ") || "none",
          f.disputed ? "⚑ disputed" : "no"])))),
    h("section", {"aria-labelledby": "history-h"},
      h("h2", {id: "history-h"}, "History"),
      historyChart(items, versions.items, `Score history of ${c.name}, with corrections and methodology changes marked`),
      h("div", {class: "scroll"}, table(`Rating history of ${c.name}`, ["as of", "score", "grade", "methodology", "why it changed"],
        hist.items.map((e) => [fmtTime(e.as_of), fmtNum(e.score), e.grade || "—", e.methodology_version,
          h("span", {class: `reason reason-${e.reason}`}, words(e.reason))])))),
    h("section", {"aria-labelledby": "sector-h"},
      h("h2", {id: "sector-h"}, `Place in ${words(dist.sector)}`),
      h("p", {id: "sector-place"}, peers.in_sector.percentile === null ? "Not ranked (not rated)." :
        `Percentile ${fmtNum(peers.in_sector.percentile)} among ${peers.in_sector.companies_rated} rated companies in its sector; `,
        peers.in_size_band.percentile === null ? "" :
          `percentile ${fmtNum(peers.in_size_band.percentile)} among ${peers.in_size_band.companies_rated} of its size. `,
        `Sector median ${fmtNum(dist.median_score)}.`),
      barHistogram(dist.histogram.map((b) => ({label: `${b.from}–${b.to}`, value: b.companies})), bin,
        `Scores in ${words(dist.sector)}: companies per 10-point band; ${c.name}'s band is highlighted`, "companies per score band")),
    investorDisclosuresSection(c.name, disclosures));
}

