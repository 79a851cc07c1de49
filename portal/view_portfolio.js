// One portfolio beyond its ratings table: its summary (grade mix, score changes over
// 7, 30 and 90 days with the worst movers) from /v1/portfolios/{id}/summary, and its
// alert settings: the webhook that receives a rating.changed event for each of its
// companies (/v1/portfolios/{id}/webhook), with its latest deliveries.
import {h, replace, table, fmtNum, fmtTime, words, gradeBadge} from "./dom.js";
import {api} from "./api.js";
import {t} from "./i18n.js";

function signed(v) {
  if (v === null || v === undefined) return "—";
  return v > 0 ? `+${fmtNum(v)}` : fmtNum(v);
}

export async function portfolioSummarySection(key, p) {
  const s = await api(`/v1/portfolios/${p.id}/summary`, {key});
  const counts = s.mean_score === null ?
    t("{companies} companies: {rated} rated, {insufficient} with insufficient data, {unrated} not rated yet.",
      {companies: s.companies, rated: s.rated, insufficient: s.insufficient_data, unrated: s.not_rated}) :
    t("{companies} companies: {rated} rated, {insufficient} with insufficient data, {unrated} not rated yet; mean score {mean}.",
      {companies: s.companies, rated: s.rated, insufficient: s.insufficient_data, unrated: s.not_rated, mean: fmtNum(s.mean_score)});
  const period = (c) => t("{days} days", {days: c.days});
  const movers = s.changes.flatMap((c) => c.worst_movers.map((m) => [period(c),
    h("a", {href: `/portal/investor/${encodeURIComponent(m.slug)}`}, m.name),
    h("span", {}, `${fmtNum(m.previous_score)} `, gradeBadge(m.previous_grade)),
    h("span", {}, `${fmtNum(m.score)} `, gradeBadge(m.grade)), signed(m.change)]));
  return h("section", {id: "portfolio-summary", "aria-labelledby": "portfolio-summary-h"},
    h("h4", {id: "portfolio-summary-h"}, t("Summary of {portfolio}", {portfolio: p.name})),
    h("p", {id: "portfolio-counts"}, counts),
    s.grades.length === 0 ? h("p", {}, t("No company is rated yet.")) :
      h("ul", {class: "plain", id: "portfolio-grades", "aria-label": t("Grade mix")},
        s.grades.map((g) => h("li", {}, gradeBadge(g.grade), ` ${g.companies}`))),
    h("div", {class: "scroll"}, table(t("Score changes in {portfolio}", {portfolio: p.name}),
      [t("period"), t("compared"), t("up"), t("down"), t("unchanged"), t("mean change")],
      s.changes.map((c) => [period(c), String(c.compared), String(c.up), String(c.down),
        String(c.unchanged), signed(c.mean_change)]), {id: "portfolio-changes"})),
    movers.length === 0 ? h("p", {}, t("No company fell over these periods.")) :
      h("div", {class: "scroll"}, table(t("Worst movers in {portfolio}", {portfolio: p.name}),
        [t("period"), t("company"), t("then"), t("now"), t("change")], movers, {id: "portfolio-movers"})));
}

function deliveriesTable(p, w) {
  if (w.deliveries.length === 0) return h("p", {}, t("Nothing was sent yet."));
  return h("div", {class: "scroll"}, table(t("Latest alerts sent for {portfolio}", {portfolio: p.name}),
    [t("event"), t("state"), t("attempts"), t("last answer"), t("created"), t("delivered")],
    w.deliveries.map((d) => [d.event, words(d.state), String(d.attempts),
      d.last_error || (d.last_status ? `HTTP ${d.last_status}` : "—"), fmtTime(d.created_at),
      d.delivered_at ? fmtTime(d.delivered_at) : "—"]), {id: "alert-deliveries"}));
}

export async function portfolioAlertsSection(ctx, key, p) {
  const sec = h("section", {id: "portfolio-alerts", "aria-labelledby": "portfolio-alerts-h"});
  const secret = h("div", {id: "alert-secret", "aria-live": "polite"});

  // set: whether a webhook is set (known from the portfolio, then from each change).
  async function draw(set, shownSecret) {
    const w = set ? await api(`/v1/portfolios/${p.id}/webhook`, {key}) : null;
    const url = h("input", {id: "alert-url", name: "url", type: "url", required: true, maxlength: 2000,
      pattern: "https://.+", placeholder: "https://alerts.example.com/fairrate", value: w ? w.url : ""});
    const form = h("form", {class: "inline-form", "aria-label": t("Alert settings of {portfolio}", {portfolio: p.name})},
      h("label", {for: "alert-url"}, t("Webhook URL")), url, h("button", {type: "submit"}, w ? t("Change the URL") : t("Send alerts")));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        const saved = await api(`/v1/portfolios/${p.id}/webhook`, {key, method: "PUT", body: {url: url.value.trim()}});
        ctx.say(t("Alerts of {portfolio} go to {url}.", {portfolio: p.name, url: saved.url}));
        p.webhook_url = saved.url;
        await draw(true, saved.secret);
      } catch (err) {
        ctx.showError(err);
      }
    });
    const stop = w ? h("button", {type: "button", class: "secondary", onclick: async () => {
      try {
        await api(`/v1/portfolios/${p.id}/webhook`, {key, method: "DELETE"});
        ctx.say(t("Alerts of {portfolio} stopped.", {portfolio: p.name}));
        p.webhook_url = null;
        await draw(false, null);
      } catch (err) {
        ctx.showError(err);
      }
    }}, t("Stop the alerts")) : null;
    replace(secret, shownSecret ? h("p", {}, t("Signing secret, shown this once:"), " ", h("code", {}, shownSecret),
      " ", t("Keep it: every alert is signed with it (X-Fairrate-Signature).")) : "");
    replace(sec, h("h4", {id: "portfolio-alerts-h"}, t("Alerts of {portfolio}", {portfolio: p.name})),
      h("p", {id: "alert-state"}, w ? t("A rating.changed event is sent to {url} whenever the rating of one of its companies changes (set {when}).", {url: w.url, when: fmtTime(w.updated_at)}) :
        t("No alert is set. Give an https:// URL to receive a signed rating.changed event whenever the rating of one of its companies changes.")),
      form, stop, secret, w ? deliveriesTable(p, w) : null);
  }

  await draw(Boolean(p.webhook_url), null);
  return sec;
}
