// A company's second-party shares and its public page (docs/disclosure.md): grants to
// a named counterpart with a scope and an expiry, their reads, revocation; the public
// page's setting; and the public page itself with its sector's disclosure counts.
import {h, replace, table, fmtDate, fmtTime, fmtNum, words, gradeBadge} from "./dom.js";
import {api, q} from "./api.js";
import {investorDisclosuresSection} from "./view_disclosure.js";
import {t, tc} from "./i18n.js";

const SCOPES = ["evidence", "rating", "disputes"];

function grantee(g) {
  return g.grantee.kind === "key" ? t("investor key #{id}", {id: g.grantee.key_id}) : t("company {slug}", {slug: g.grantee.company});
}

// Its grants, each with its reads and a revoke button, and the form for a new one.
export async function companySharingSection(ctx, key) {
  const list = await api(`/v1/me/grants${q({limit: 100})}`, {key});
  const reads = h("div", {id: "grant-reads"});
  const showReads = async (g) => {
    const r = await api(`/v1/me/grants/${g.id}/reads${q({limit: 100})}`, {key});
    replace(reads, h("h3", {}, t("Reads by {who}", {who: grantee(g)})), r.items.length === 0 ? h("p", {}, t("Not read yet.")) :
      table(t("Reads of grant {id}", {id: g.id}), [t("when"), t("what")], r.items.map((x) => [fmtTime(x.at), x.path]), {id: "grant-reads-table"}));
  };
  const rows = list.items.map((g) => [grantee(g), g.scope.map(words).join(t(", ")), fmtDate(g.expires_at),
    h("span", {class: `state state-${g.status}`}, words(g.status)),
    h("span", {},
      h("button", {type: "button", onclick: () => showReads(g).catch((err) => ctx.showError(err))}, t("Reads of grant {id}", {id: g.id})), " ",
      g.status === "active" ? h("button", {type: "button", onclick: async () => {
        try {
          await api(`/v1/me/grants/${g.id}`, {key, method: "DELETE"});
          ctx.say(t("Grant {id} revoked: {who} can no longer read it.", {id: g.id, who: grantee(g)}));
          ctx.rerender();
        } catch (err) {
          ctx.showError(err);
        }
      }}, t("Revoke grant {id}", {id: g.id})) : null)]);
  const kind = h("select", {id: "grant-kind"}, h("option", {value: "company"}, t("a company (its slug)")),
    h("option", {value: "key"}, t("an investor key (its number)")));
  const who = h("input", {id: "grant-who", required: true, maxlength: 64});
  const boxes = SCOPES.map((s) => h("input", {type: "checkbox", id: `grant-scope-${s}`, value: s}));
  const day = (n) => new Date(Date.now() + n * 86400e3).toISOString().slice(0, 10);
  const until = h("input", {id: "grant-until", type: "date", required: true, value: day(90),
    min: day(1), max: day(365)});
  const form = h("form", {class: "stack", "aria-labelledby": "grant-form-h"},
    h("h3", {id: "grant-form-h"}, t("Share with a counterpart")),
    h("label", {for: "grant-kind"}, t("Who may read")), kind,
    h("label", {for: "grant-who"}, t("Their company slug or key number")), who,
    h("fieldset", {}, h("legend", {}, t("What they may read")),
      ...SCOPES.flatMap((s, i) => [boxes[i], h("label", {for: `grant-scope-${s}`}, words(s)), " "])),
    h("label", {for: "grant-until"}, t("Until (the grant ends that day; a year at most)")), until,
    h("button", {type: "submit"}, t("Share")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const scope = boxes.filter((b) => b.checked).map((b) => b.value);
    const body = {grantee: kind.value === "key" ? {key_id: Number(who.value)} : {company: who.value.trim()},
      scope, expires_at: `${until.value}T23:59:59Z`};
    try {
      const g = await api("/v1/me/grants", {key, method: "POST", body});
      ctx.say(t("Grant {id}: {who} may read {scope} until {date}.", {id: g.id, who: grantee(g),
        scope: g.scope.map(words).join(t(", ")), date: fmtDate(g.expires_at)}));
      ctx.rerender();
    } catch (err) {
      ctx.showError(err);
    }
  });
  return h("section", {"aria-labelledby": "sharing-h"},
    h("h2", {id: "sharing-h"}, t("Shared with counterparts")),
    h("p", {}, t("A customer, insurer or group company you name may read the parts you choose until the date you set. Every read is recorded here; revoke at any time.")),
    list.items.length === 0 ? h("p", {}, t("Nothing is shared.")) :
      h("div", {class: "scroll"}, table(t("Your grants"), [t("counterpart"), t("may read"), t("until"), t("status"), ""], rows, {id: "my-grants"})),
    reads, form);
}

// Whether its public page is published, and its statement.
export async function companyProfileSection(ctx, key, slug) {
  const p = await api("/v1/me/profile", {key});
  const published = h("input", {type: "checkbox", id: "profile-published", checked: p.published});
  const statement = h("textarea", {id: "profile-statement", rows: 3, maxlength: 2000}, p.statement || "");
  const form = h("form", {class: "stack", "aria-labelledby": "profile-h"},
    h("p", {}, t("Your public page shows your grade, factor scores, trend, verified disclosures and your statement, nothing host-level. It is off until you publish it.")),
    h("span", {}, published, " ", h("label", {for: "profile-published"}, t("Publish my public page"))),
    h("label", {for: "profile-statement"}, t("Your statement on the page (optional)")), statement,
    h("button", {type: "submit"}, t("Save the public page")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = {published: published.checked};
    if (statement.value.trim()) body.statement = statement.value.trim();
    try {
      const r = await api("/v1/me/profile", {key, method: "PUT", body});
      ctx.say(r.published ? t("Your public page is published.") : t("Your public page is off."));
      ctx.rerender();
    } catch (err) {
      ctx.showError(err);
    }
  });
  return h("section", {"aria-labelledby": "profile-h"},
    h("h2", {id: "profile-h"}, t("Your public page")),
    p.published ? h("p", {}, t("Published {date}: ", {date: fmtDate(p.published_at)}),
      h("a", {href: `/portal/public/${encodeURIComponent(slug)}`, "data-link": ""}, t("open your public page"))) : null,
    form);
}

// A company's public page and how its sector discloses the five governance items.
export async function renderPublicCompany(ctx) {
  const slug = ctx.params[0];
  const p = await api(`/v1/public/companies/${encodeURIComponent(slug)}`);
  const sector = await api(`/v1/public/sectors/${encodeURIComponent(p.company.sector)}/disclosures`);
  if (!ctx.current()) return;
  const r = p.rating;
  const factors = Object.entries(p.factors).map(([code, f]) =>
    [tc("factor", f.name), words(f.kind), f.has_data ? fmtNum(f.score) : t("no data"), String(f.weight)]);
  const mine = new Set(p.disclosures.map((d) => d.item));
  replace(ctx.main, h("h1", {}, p.company.name),
    h("p", {}, `${words(p.company.sector)} · `, t("public page published {date}", {date: fmtDate(p.published_at)})),
    p.statement ? h("blockquote", {id: "public-statement"}, p.statement) : null,
    h("section", {"aria-labelledby": "public-rating-h"},
      h("h2", {id: "public-rating-h"}, t("Rating")),
      r.status === "rated" ? h("p", {class: "score", id: "public-score"}, h("span", {class: "big"}, fmtNum(r.score)), " ",
        gradeBadge(r.grade), " ", t("(confidence {confidence}, methodology {version}, as of {as_of})", {confidence: words(r.confidence),
          version: r.methodology_version, as_of: fmtDate(r.as_of)}))
        : h("p", {}, words(r.status)),
      h("div", {class: "scroll"}, table(t("Factor scores of {company}", {company: p.company.name}), [t("factor"), t("kind"), t("score"), t("weight")], factors)),
      h("h3", {}, t("Trend")),
      table(t("Ratings of {company}, newest first", {company: p.company.name}), [t("as of"), t("score"), t("grade")],
        p.trend.map((t) => [fmtDate(t.as_of), t.score === null ? "—" : fmtNum(t.score), t.grade || words(t.status)]))),
    p.disclosures.length === 0 ? h("section", {"aria-labelledby": "disclosures-h"},
      h("h2", {id: "disclosures-h"}, t("Governance disclosures")), h("p", {}, t("No verified disclosure yet."))) :
      investorDisclosuresSection(p.company.name, {items: p.disclosures.map((d) => ({...d, status: "verified"}))}),
    h("section", {"aria-labelledby": "sector-h"},
      h("h2", {id: "sector-h"}, t("How {sector} discloses", {sector: words(sector.sector)})),
      h("p", {}, t("Of {n} public companies of the sector (no company is named):", {n: sector.companies})),
      h("div", {class: "scroll"}, table(t("Disclosure of governance items in {sector}", {sector: words(sector.sector)}),
        [t("item"), t("verified"), t("waiting for staff"), `${p.company.name}`],
        sector.items.map((x) => [words(x.item), `${x.verified} (${sector.companies ? fmtNum((100 * x.verified) / sector.companies, 0) : 0} %)`,
          String(x.submitted), mine.has(x.item) ? t("verified") : "—"]), {id: "sector-disclosures"}))));
}
