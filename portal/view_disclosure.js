// Governance disclosures in the portal (docs/disclosure.md): the company's own list
// and its submission form, the staff queue with verify and reject, and each item's
// status as investors see it.
import {h, replace, table, fmtDate, fmtTime, words} from "./dom.js";
import {api, q} from "./api.js";
import {t} from "./i18n.js";

const ITEMS = ["basic_policy", "management_structure", "education_training",
  "information_sharing", "third_party_certification"];

function where(p) {
  if (!p) return "—";
  const report = p.report_name ? `${p.report_name}${p.report_page ? t(", p. {page}", {page: p.report_page}) : ""}` : "";
  return h("span", {}, p.url ? h("a", {href: p.url, rel: "noopener noreferrer", target: "_blank"}, p.url) : "",
    p.url && report ? "; " : "", report);
}

function certificate(c) {
  return c ? t("{scheme} no. {number} by {body} ({scope}), valid {from} to {until}", {scheme: c.scheme, number: c.number,
    body: c.body, scope: c.scope, from: fmtDate(c.valid_from), until: fmtDate(c.valid_until)}) : "—";
}

// The company's disclosures and the form to submit one.
export async function companyDisclosuresSection(ctx, key) {
  const holder = h("div", {id: "disclosures"});
  const item = h("select", {id: "disc-item", name: "item"}, ITEMS.map((v) => h("option", {value: v}, words(v))));
  const statement = h("textarea", {id: "disc-statement", rows: 3, maxlength: 4000, required: true});
  const url = h("input", {id: "disc-url", type: "url", maxlength: 500});
  const report = h("input", {id: "disc-report", maxlength: 200});
  const pageNo = h("input", {id: "disc-page", maxlength: 40});
  const cert = {scheme: h("input", {id: "disc-scheme", maxlength: 200}),
    number: h("input", {id: "disc-number", maxlength: 200}),
    body: h("input", {id: "disc-body", maxlength: 200}),
    scope: h("input", {id: "disc-scope", maxlength: 1000}),
    valid_from: h("input", {id: "disc-from", type: "date"}),
    valid_until: h("input", {id: "disc-until", type: "date"})};
  const certLabels = {scheme: t("scheme"), number: t("number"), body: t("body"), scope: t("scope"),
    valid_from: t("valid from"), valid_until: t("valid until")};
  const certFields = h("fieldset", {id: "disc-cert", hidden: true}, h("legend", {}, t("The certificate")),
    ...Object.entries(cert).flatMap(([k, el]) => [h("label", {for: el.id}, certLabels[k]), el]));
  item.addEventListener("change", () => {
    certFields.hidden = item.value !== "third_party_certification";
  });
  const form = h("form", {id: "disclosure-form", "aria-labelledby": "disc-form-h"},
    h("h3", {id: "disc-form-h"}, t("Submit a disclosure")),
    h("label", {for: "disc-item"}, t("Item")), item,
    h("label", {for: "disc-statement"}, t("Statement")), statement,
    h("label", {for: "disc-url"}, t("Published at (address)")), url,
    h("label", {for: "disc-report"}, t("Report name")), report,
    h("label", {for: "disc-page"}, t("Page")), pageNo,
    certFields, h("button", {type: "submit"}, t("Submit for verification")));

  async function load() {
    const list = await api(`/v1/me/disclosures${q({limit: 200})}`, {key});
    replace(holder, list.items.length === 0 ? h("p", {}, t("No disclosure yet.")) :
      h("div", {class: "scroll"}, table(t("Your disclosures"), [t("item"), t("state"), t("published at"), t("certificate"), t("decision")],
        list.items.map((d) => [words(d.item), h("span", {class: `state state-${d.state}`}, words(d.state)),
          where(d.publication), certificate(d.certification),
          d.decided_at ? `${fmtTime(d.decided_at)}${d.decision_reason ? `: ${d.decision_reason}` : ""}` : t("waiting")]),
        {id: "disclosures-table"})));
  }
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    ctx.showError(null);
    const body = {item: item.value, statement: statement.value.trim()};
    if (url.value.trim()) body.published_url = url.value.trim();
    if (report.value.trim()) body.report_name = report.value.trim();
    if (pageNo.value.trim()) body.report_page = pageNo.value.trim();
    if (item.value === "third_party_certification")
      body.certification = Object.fromEntries(Object.entries(cert).map(([k, el]) => [k, el.value.trim()]));
    try {
      await api("/v1/me/disclosures", {key, method: "POST", body});
      ctx.say(t("Disclosure of {item} submitted for verification.", {item: words(item.value)}));
      form.reset();
      certFields.hidden = true;
      await load();
    } catch (err) {
      ctx.showError(err);
    }
  });
  await load();
  return h("section", {"aria-labelledby": "disclosures-h"},
    h("h2", {id: "disclosures-h"}, t("Governance disclosures")),
    h("p", {}, t("Staff verify each item; a verified one adds its bonus to your rating at once.")),
    holder, form);
}

// The staff queue of disclosures waiting for a decision.
export async function staffDisclosureQueueSection(ctx, key) {
  const holder = h("div", {id: "disclosure-queue", "aria-live": "polite"});

  async function decide(d, outcome) {
    ctx.showError(null);
    const body = {outcome};
    if (outcome === "rejected") {
      const reason = holder.querySelector(`#reject-reason-${d.id}`).value.trim();
      if (!reason) return ctx.showError(new Error(t("Give the reason for the rejection: the company reads it.")));
      body.reason = reason;
    }
    try {
      await api(`/v1/staff/disclosures/${d.id}/decision`, {key, method: "POST", body});
      ctx.say(t("Disclosure #{id} {outcome}.", {id: d.id, outcome: words(outcome)}));
      await load();
    } catch (err) {
      ctx.showError(err);
    }
  }

  function actions(d) {
    const verify = h("button", {type: "button"}, t("Verify #{id}", {id: d.id}));
    const reject = h("button", {type: "button", class: "secondary"}, t("Reject #{id}", {id: d.id}));
    verify.addEventListener("click", () => decide(d, "verified"));
    reject.addEventListener("click", () => decide(d, "rejected"));
    return h("span", {}, verify, " ", h("input", {id: `reject-reason-${d.id}`,
      "aria-label": t("Reason to reject disclosure {id}", {id: d.id}), maxlength: 4000}), " ", reject);
  }

  async function load() {
    const list = await api(`/v1/staff/disclosures${q({limit: 200})}`, {key});
    replace(holder, list.items.length === 0 ? h("p", {}, t("No disclosure waits.")) :
      h("div", {class: "scroll"}, table(t("Disclosure queue"), [t("disclosure"), t("company"), t("item"), t("statement"), t("published at"),
        t("certificate"), t("submitted"), t("SLA"), t("decision")],
      list.items.map((d) => [`#${d.id}`, d.company, words(d.item), d.statement, where(d.publication),
        certificate(d.certification), fmtTime(d.submitted_at),
        h("span", {class: `sla sla-${d.sla.state}`}, words(d.sla.state)), actions(d)]),
      {id: "disclosure-queue-table"})));
  }
  await load();
  return h("section", {"aria-labelledby": "disclosure-queue-h"},
    h("h2", {id: "disclosure-queue-h"}, t("Governance disclosures to verify")), holder);
}

// The five items of a company as investors see them.
export function investorDisclosuresSection(name, d) {
  return h("section", {"aria-labelledby": "disclosures-h"},
    h("h2", {id: "disclosures-h"}, t("Governance disclosures")),
    h("div", {class: "scroll"}, table(t("Governance disclosures of {company}", {company: name}),
      [t("item"), t("status"), t("published at"), t("certificate"), t("verified")],
      d.items.map((x) => [words(x.item), h("span", {class: `state state-${x.status}`}, words(x.status)),
        where(x.publication), certificate(x.certification), x.verified_at ? fmtDate(x.verified_at) : "—"]),
      {id: "investor-disclosures"})));
}
