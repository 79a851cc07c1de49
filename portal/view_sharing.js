// A company's second-party shares and its public page (docs/disclosure.md): grants to
// a named counterpart with a scope and an expiry, their reads, revocation; the public
// page's setting; and the public page itself with its sector's disclosure counts.
import {h, replace, table, fmtDate, fmtTime, fmtNum, words, gradeBadge} from "./dom.js";
import {api, q} from "./api.js";
import {investorDisclosuresSection} from "./view_disclosure.js";

const SCOPES = ["evidence", "rating", "disputes"];

function grantee(g) {
  return g.grantee.kind === "key" ? `investor key #${g.grantee.key_id}` : `company ${g.grantee.company}`;
}

// Its grants, each with its reads and a revoke button, and the form for a new one.
export async function companySharingSection(ctx, key) {
  const list = await api(`/v1/me/grants${q({limit: 100})}`, {key});
  const reads = h("div", {id: "grant-reads"});
  const showReads = async (g) => {
    const r = await api(`/v1/me/grants/${g.id}/reads${q({limit: 100})}`, {key});
    replace(reads, h("h3", {}, `Reads by ${grantee(g)}`), r.items.length === 0 ? h("p", {}, "Not read yet.") :
      table(`Reads of grant ${g.id}`, ["when", "what"], r.items.map((x) => [fmtTime(x.at), x.path]), {id: "grant-reads-table"}));
  };
  const rows = list.items.map((g) => [grantee(g), g.scope.map(words).join(", "), fmtDate(g.expires_at),
    h("span", {class: `state state-${g.status}`}, g.status),
    h("span", {},
      h("button", {type: "button", onclick: () => showReads(g).catch((err) => ctx.showError(err))}, `Reads of grant ${g.id}`), " ",
      g.status === "active" ? h("button", {type: "button", onclick: async () => {
        try {
          await api(`/v1/me/grants/${g.id}`, {key, method: "DELETE"});
          ctx.say(`Grant ${g.id} revoked: ${grantee(g)} can no longer read it.`);
          ctx.rerender();
        } catch (err) {
          ctx.showError(err);
        }
      }}, `Revoke grant ${g.id}`) : null)]);
  const kind = h("select", {id: "grant-kind"}, h("option", {value: "company"}, "a company (its slug)"),
    h("option", {value: "key"}, "an investor key (its number)"));
  const who = h("input", {id: "grant-who", required: true, maxlength: 64});
  const boxes = SCOPES.map((s) => h("input", {type: "checkbox", id: `grant-scope-${s}`, value: s}));
  const day = (n) => new Date(Date.now() + n * 86400e3).toISOString().slice(0, 10);
  const until = h("input", {id: "grant-until", type: "date", required: true, value: day(90),
    min: day(1), max: day(365)});
  const form = h("form", {class: "stack", "aria-labelledby": "grant-form-h"},
    h("h3", {id: "grant-form-h"}, "Share with a counterpart"),
    h("label", {for: "grant-kind"}, "Who may read"), kind,
    h("label", {for: "grant-who"}, "Their company slug or key number"), who,
    h("fieldset", {}, h("legend", {}, "What they may read"),
      ...SCOPES.flatMap((s, i) => [boxes[i], h("label", {for: `grant-scope-${s}`}, words(s)), " "])),
    h("label", {for: "grant-until"}, "Until (the grant ends that day; a year at most)"), until,
    h("button", {type: "submit"}, "Share"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const scope = boxes.filter((b) => b.checked).map((b) => b.value);
    const body = {grantee: kind.value === "key" ? {key_id: Number(who.value)} : {company: who.value.trim()},
      scope, expires_at: `${until.value}T23:59:59Z`};
    try {
      const g = await api("/v1/me/grants", {key, method: "POST", body});
      ctx.say(`Grant ${g.id}: ${grantee(g)} may read ${g.scope.join(", ")} until ${fmtDate(g.expires_at)}.`);
      ctx.rerender();
    } catch (err) {
      ctx.showError(err);
    }
  });
  return h("section", {"aria-labelledby": "sharing-h"},
    h("h2", {id: "sharing-h"}, "Shared with counterparts"),
    h("p", {}, "A customer, insurer or group company you name may read the parts you choose until the date you set. Every read is recorded here; revoke at any time."),
    list.items.length === 0 ? h("p", {}, "Nothing is shared.") :
      h("div", {class: "scroll"}, table("Your grants", ["counterpart", "may read", "until", "status", ""], rows, {id: "my-grants"})),
    reads, form);
}

// Whether its public page is published, and its statement.
export async function companyProfileSection(ctx, key, slug) {
  const p = await api("/v1/me/profile", {key});
  const published = h("input", {type: "checkbox", id: "profile-published", checked: p.published});
  const statement = h("textarea", {id: "profile-statement", rows: 3, maxlength: 2000}, p.statement || "");
  const form = h("form", {class: "stack", "aria-labelledby": "profile-h"},
    h("p", {}, "Your public page shows your grade, factor scores, trend, verified disclosures and your statement, nothing host-level. It is off until you publish it."),
    h("span", {}, published, h("label", {for: "profile-published"}, " Publish my public page")),
    h("label", {for: "profile-statement"}, "Your statement on the page (optional)"), statement,
    h("button", {type: "submit"}, "Save the public page"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = {published: published.checked};
    if (statement.value.trim()) body.statement = statement.value.trim();
    try {
      const r = await api("/v1/me/profile", {key, method: "PUT", body});
      ctx.say(r.published ? "Your public page is published." : "Your public page is off.");
      ctx.rerender();
    } catch (err) {
      ctx.showError(err);
    }
  });
  return h("section", {"aria-labelledby": "profile-h"},
    h("h2", {id: "profile-h"}, "Your public page"),
    p.published ? h("p", {}, "Published ", fmtDate(p.published_at), ": ",
      h("a", {href: `/portal/public/${encodeURIComponent(slug)}`, "data-link": ""}, "open your public page")) : null,
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
    [f.name, f.kind, f.has_data ? fmtNum(f.score) : "no data", String(f.weight)]);
  const mine = new Set(p.disclosures.map((d) => d.item));
  replace(ctx.main, h("h1", {}, p.company.name),
    h("p", {}, `${words(p.company.sector)} · public page published ${fmtDate(p.published_at)}`),
    p.statement ? h("blockquote", {id: "public-statement"}, p.statement) : null,
    h("section", {"aria-labelledby": "public-rating-h"},
      h("h2", {id: "public-rating-h"}, "Rating"),
      r.status === "rated" ? h("p", {class: "score", id: "public-score"}, h("span", {class: "big"}, fmtNum(r.score)), " ",
        gradeBadge(r.grade), ` (confidence ${r.confidence}, methodology ${r.methodology_version}, as of ${fmtDate(r.as_of)})`)
        : h("p", {}, words(r.status)),
      h("div", {class: "scroll"}, table(`Factor scores of ${p.company.name}`, ["factor", "kind", "score", "weight"], factors)),
      h("h3", {}, "Trend"),
      table(`Ratings of ${p.company.name}, newest first`, ["as of", "score", "grade"],
        p.trend.map((t) => [fmtDate(t.as_of), t.score === null ? "—" : fmtNum(t.score), t.grade || words(t.status)]))),
    p.disclosures.length === 0 ? h("section", {"aria-labelledby": "disclosures-h"},
      h("h2", {id: "disclosures-h"}, "Governance disclosures"), h("p", {}, "No verified disclosure yet.")) :
      investorDisclosuresSection(p.company.name, {items: p.disclosures.map((d) => ({...d, status: "verified"}))}),
    h("section", {"aria-labelledby": "sector-h"},
      h("h2", {id: "sector-h"}, `How ${words(sector.sector)} discloses`),
      h("p", {}, `Of ${sector.companies} public companies of the sector (no company is named):`),
      h("div", {class: "scroll"}, table(`Disclosure of governance items in ${words(sector.sector)}`,
        ["item", "verified", "waiting for staff", `${p.company.name}`],
        sector.items.map((x) => [words(x.item), `${x.verified} (${sector.companies ? fmtNum((100 * x.verified) / sector.companies, 0) : 0} %)`,
          String(x.submitted), mine.has(x.item) ? "verified" : "—"]), {id: "sector-disclosures"}))));
}
