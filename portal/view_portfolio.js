// One portfolio beyond its ratings table: its summary (grade mix, score changes over
// 7, 30 and 90 days with the worst movers) from /v1/portfolios/{id}/summary, and its
// alert settings: the webhook that receives a rating.changed event for each of its
// companies (/v1/portfolios/{id}/webhook), with its latest deliveries.
import {h, replace, table, fmtNum, fmtTime, words, gradeBadge} from "./dom.js";
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

function deliveriesTable(p, w) {
  if (w.deliveries.length === 0) return h("p", {}, "Nothing was sent yet.");
  return h("div", {class: "scroll"}, table(`Latest alerts sent for ${p.name}`,
    ["event", "state", "attempts", "last answer", "created", "delivered"],
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
    const form = h("form", {class: "inline-form", "aria-label": `Alert settings of ${p.name}`},
      h("label", {for: "alert-url"}, "Webhook URL"), url, h("button", {type: "submit"}, w ? "Change the URL" : "Send alerts"));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        const saved = await api(`/v1/portfolios/${p.id}/webhook`, {key, method: "PUT", body: {url: url.value.trim()}});
        ctx.say(`Alerts of ${p.name} go to ${saved.url}.`);
        p.webhook_url = saved.url;
        await draw(true, saved.secret);
      } catch (err) {
        ctx.showError(err);
      }
    });
    const stop = w ? h("button", {type: "button", class: "secondary", onclick: async () => {
      try {
        await api(`/v1/portfolios/${p.id}/webhook`, {key, method: "DELETE"});
        ctx.say(`Alerts of ${p.name} stopped.`);
        p.webhook_url = null;
        await draw(false, null);
      } catch (err) {
        ctx.showError(err);
      }
    }}, "Stop the alerts") : null;
    replace(secret, shownSecret ? h("p", {}, "Signing secret, shown this once: ", h("code", {}, shownSecret),
      ". Keep it: every alert is signed with it (X-Fairrate-Signature).") : "");
    replace(sec, h("h4", {id: "portfolio-alerts-h"}, `Alerts of ${p.name}`),
      h("p", {id: "alert-state"}, w ? `A rating.changed event is sent to ${w.url} whenever the rating of one of its companies changes (set ${fmtTime(w.updated_at)}).` :
        "No alert is set. Give an https:// URL to receive a signed rating.changed event whenever the rating of one of its companies changes."),
      form, stop, secret, w ? deliveriesTable(p, w) : null);
  }

  await draw(Boolean(p.webhook_url), null);
  return sec;
}
