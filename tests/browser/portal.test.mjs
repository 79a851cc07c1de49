// The portal in a real browser, in the order a dispute really goes: the public reads
// the methodology; an investor searches and opens a company page; the company files a
// dispute on a finding; an analyst accepts it; the company sees its corrected rating;
// staff read a draft's impact; the pages work at a phone's width; a company submits
// its ISMS certificate, an analyst verifies it and an investor sees it; and staff
// read the methodology drafts' changes, create one, preview it and publish it.
import {test, before, after} from "node:test";
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import {BASE, KEYS, COMPANY, startBrowser, openPage, assertNoErrors, signIn, shot} from "./browser.mjs";

let browser;
const state = {};

before(async () => {
  browser = await startBrowser();
});

after(async () => {
  if (browser) await browser.close();
});

test("the public page shows the methodology, its change log, validation and dispute statistics", async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/portal`);
  await page.getByRole("heading", {name: "Factors and weights"}).waitFor();
  const main = page.getByRole("main");
  assert.match(await main.textContent(), /In force: 2026\.1/);
  assert.match(await main.textContent(), /Upcoming: 2026\.2/);
  await page.getByRole("heading", {name: "Formulas"}).waitFor();
  const changeLog = page.getByRole("table", {name: "Published methodology versions"});
  assert.match(await changeLog.textContent(), /2026\.2.*\d+ days.*exposed services weigh 25/s);
  assert.match(await main.textContent(), /ROC AUC 0\.\d{3}/);
  await page.getByRole("table", {name: "Incident rates by grade under 2026.1"}).waitFor();
  // The validation chart plots each grade's rate with its interval, not counts.
  const rates = page.getByRole("img", {name: "Incident rate by grade under 2026.1, with 95% intervals"});
  await rates.waitFor();
  assert.ok(await rates.locator("path.whisker").count() >= 4);
  await page.getByRole("heading", {name: "Dispute statistics"}).waitFor();
  assert.equal(await page.locator("svg.chart").count() >= 1, true);
  await shot(page, "01-public-methodology");
  assertNoErrors(page);
  await page.close();
});

test("an investor searches and opens a company page", async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/portal/investor`);
  await signIn(page, KEYS.investor);
  // The landing list: companies before any search, with the total, grades coloured,
  // sortable by score.
  await page.locator("#search-count").filter({hasText: /\d+ of \d+ public companies shown/}).waitFor();
  assert.ok(await page.locator("#search-results .grade").count() > 0);
  await page.getByLabel("Sort by").selectOption("score");
  const scores = (await page.locator("#search-results tbody tr td:nth-child(5)").allTextContents())
    .map((t) => parseFloat(t)).filter((x) => !Number.isNaN(x));
  assert.deepEqual(scores, scores.slice().sort((a, b) => b - a), "sorted by score, best first");
  await page.getByLabel("Name or domain").fill(COMPANY.name);
  await page.getByRole("button", {name: "Search"}).click();
  const link = page.getByRole("link", {name: COMPANY.name, exact: true});
  await link.click();
  await page.waitForURL(`${BASE}/portal/investor/${COMPANY.slug}`);
  await page.getByRole("heading", {name: COMPANY.name, level: 1}).waitFor();
  assert.match(await page.locator("#company-score").textContent(), /\d+\.\d\s*Grade [A-F]/);
  assert.match(await page.getByRole("main").textContent(), /Confidence: (high|medium|low)/);
  await page.getByRole("img", {name: /Factor scores of/}).waitFor();
  await page.getByRole("img", {name: /Score history of/}).waitFor();
  const history = page.getByRole("table", {name: /Rating history of/});
  assert.ok(await history.locator("tbody tr").count() >= 1);
  assert.match(await page.locator("#sector-place").textContent(), /Percentile \d+(\.\d)? among \d+ rated companies/);
  await page.getByRole("img", {name: /highlighted/}).waitFor();
  assert.match(await page.locator("#disputed-note").textContent(), /No evidence behind this rating is under dispute/);
  await shot(page, "02-investor-company-page");

  // A portfolio holding the company, exported as CSV.
  await page.getByRole("link", {name: "← Search"}).click();
  await page.getByLabel("New portfolio").fill("Suppliers");
  await page.getByRole("button", {name: "Create"}).click();
  await page.getByRole("status").filter({hasText: "Portfolio \"Suppliers\" created."}).waitFor();
  await page.goto(`${BASE}/portal/investor/${COMPANY.slug}`);
  await page.getByRole("button", {name: "Add to portfolio"}).click();
  await page.getByRole("status").filter({hasText: "added to Suppliers"}).waitFor();
  await page.goto(`${BASE}/portal/investor`);
  await page.getByRole("button", {name: /^Suppliers \(1 companies\)$/}).click();
  // Its summary: the count, the grade mix, the score changes per period.
  assert.match(await page.locator("#portfolio-counts").textContent(), /^1 companies: 1 rated/);
  assert.equal(await page.locator("#portfolio-grades .grade").count(), 1);
  const changes = page.getByRole("table", {name: "Score changes in Suppliers"});
  assert.deepEqual((await changes.locator("tbody td:first-child").allTextContents()), ["7 days", "30 days", "90 days"]);
  // Alert settings: a webhook URL, its signing secret shown once, then stopped.
  await page.getByLabel("Webhook URL").fill("https://alerts.example.com/fairrate");
  await page.getByRole("button", {name: "Send alerts"}).click();
  await page.getByRole("status").filter({hasText: "Alerts of Suppliers go to https://alerts.example.com/fairrate."}).waitFor();
  assert.match(await page.locator("#alert-secret").textContent(), /[0-9a-f]{64}/);
  assert.match(await page.locator("#alert-state").textContent(), /is sent to https:\/\/alerts\.example\.com\/fairrate/);
  await page.getByRole("button", {name: "Stop the alerts"}).click();
  await page.getByRole("status").filter({hasText: "Alerts of Suppliers stopped."}).waitFor();
  assert.match(await page.locator("#alert-state").textContent(), /No alert is set/);
  assert.equal(await page.locator("#alert-secret code").count(), 0);
  const download = page.waitForEvent("download");
  await page.getByRole("button", {name: "Export \"Suppliers\" as CSV"}).click();
  const csv = readFileSync(await (await download).path(), "utf8");
  assert.match(csv, new RegExp(COMPANY.slug));
  assert.ok(csv.split("\n")[0].includes("slug"), `CSV header: ${csv.split("\n")[0]}`);
  assert.match(csv.split("\n")[0], /,previous\.score,previous\.as_of,factor_scores\.[a-z_]+,/);
  assertNoErrors(page);
  await page.close();
});

test("a company files a dispute on a finding", async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/portal/company`);
  await signIn(page, KEYS.company);
  await page.getByRole("heading", {name: "Your rating"}).waitFor();
  state.scoreBefore = (await page.locator("#my-score").textContent()).trim();
  assert.match(await page.locator("#projection").textContent(), /methodology 2026\.2 replaces 2026\.1/);
  await page.locator("#remediation li").first().waitFor();
  await page.locator("#evidence-table tbody tr").first().waitFor();
  // Each evidence status has its own badge colour, not the status region's green box.
  const badge = page.locator("#evidence-table .ev-status-active").first();
  const region = page.locator("#status");
  assert.notEqual(await badge.evaluate((el) => getComputedStyle(el).backgroundColor),
    await region.evaluate((el) => getComputedStyle(el).backgroundColor));
  assert.equal(await page.locator("#evidence-table span.status").count(), 0);
  // Findings name their check by title and code, not "email auth.dmarc missing".
  assert.doesNotMatch(await page.locator("main").textContent(), /[a-z]+ [a-z]+\.[a-z]+ [a-z]+ \(#\d+,/);
  // The first active finding: tick it, give the reason and the explanation, file.
  const row = page.locator("#evidence-table tbody tr")
    .filter({has: page.locator("input[type=checkbox]:not([disabled])")}).first();
  const box = row.locator("input[type=checkbox]");
  state.evidenceId = await row.getAttribute("data-evidence");
  await box.check();
  assert.match(await page.locator("#dispute-chosen").textContent(), new RegExp(`#${state.evidenceId}`));
  await page.getByLabel("Reason").selectOption("false_positive");
  await page.getByLabel(/^Explanation/).fill("This host redirects to HTTPS; our scan log is attached to the ticket.");
  await page.getByRole("button", {name: "File the dispute"}).click();
  const status = page.getByRole("status");
  await status.filter({hasText: /Dispute #\d+ filed/}).waitFor();
  state.disputeId = (await status.textContent()).match(/#(\d+)/)[1];
  await page.locator("#my-disputes").getByRole("button", {name: new RegExp(`#${state.disputeId} `)}).click();
  await page.locator("#dispute-detail").getByRole("heading", {name: `Dispute #${state.disputeId}: open`}).waitFor();
  assert.match(await page.locator("#my-score").textContent(), /\d/);
  assert.match(await page.getByRole("main").textContent(), /Disputed: evidence behind this rating is under dispute/);
  await shot(page, "03-company-dispute-filed");
  assertNoErrors(page);
  await page.close();
});

test("a company plans to a grade, sees its history and peers, and downloads its board report", async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/portal/company`);
  await signIn(page, KEYS.company);
  await page.getByRole("heading", {name: "Plan to a grade"}).waitFor();
  await page.getByRole("img", {name: /Score history of/}).waitFor();
  assert.match(await page.locator("#my-place").textContent(), /Percentile \d+(\.\d)? among \d+ public rated companies/);
  await page.getByLabel("Target").selectOption("100");
  await page.getByRole("button", {name: "Show the plan"}).click();
  await page.locator("#plan-summary").waitFor();
  assert.match(await page.locator("#plan-summary").textContent(), /(\d+ steps take you from|Already there)/);
  await page.getByRole("img", {name: /Plan to 100/}).waitFor();
  if (await page.locator("#plan-steps li").count() > 0) {
    assert.match(await page.locator("#plan-steps li").first().textContent(), /→ \+\d+\.\d\d, \d+\.\d \([A-F]\)/);
  }
  await page.getByLabel("Language of the report").selectOption("ja");
  const [download] = await Promise.all([page.waitForEvent("download"),
    page.getByRole("button", {name: "Download the report (PDF)"}).click()]);
  const file = await download.path();
  assert.equal(readFileSync(file).subarray(0, 5).toString(), "%PDF-");
  await page.getByRole("status").filter({hasText: /Report downloaded/}).waitFor();
  await shot(page, "03b-company-plan-and-report");
  // The printable page: English, then switched to Japanese, then printed.
  await page.locator("#report-page-link").click();
  await page.locator("#report-page").waitFor();
  assert.match(await page.locator("#report-page").textContent(), /Security rating report/);
  assert.match(await page.locator("#report-page").textContent(), /Inputs digest: [0-9a-f]{64}/);
  // The portal's own switch (in the header) sets the page's language.
  await page.getByLabel("Language", {exact: true}).selectOption("ja");
  await page.locator("#report-page").filter({hasText: "セキュリティ格付けレポート"}).waitFor();
  assert.equal(await page.locator("#report-page").getAttribute("lang"), "ja");
  await page.emulateMedia({media: "print"});
  assert.equal(await page.locator("nav").first().isVisible(), false, "the navigation prints");
  const printed = await page.pdf({format: "A4"});
  assert.equal(printed.subarray(0, 5).toString(), "%PDF-");
  await shot(page, "03c-report-page-ja-print");
  await page.emulateMedia({media: "screen"});
  // Back to English: the choice is saved, and the tests after this one read English.
  await page.getByLabel("言語", {exact: true}).selectOption("en");
  await page.locator("#report-page").filter({hasText: "Security rating report"}).waitFor();
  assertNoErrors(page);
  await page.close();
});

test("an analyst takes the dispute from the queue and accepts it", async () => {
  assert.ok(state.disputeId, "no dispute was filed");
  const page = await openPage(browser);
  await page.goto(`${BASE}/portal/staff`);
  await signIn(page, KEYS.analyst);
  const queue = page.locator("#queue-table");
  const row = queue.locator("tbody tr").filter({has: page.getByRole("link", {name: `#${state.disputeId}`, exact: true})});
  assert.match(await row.textContent(), /on time/);
  assert.match(await row.textContent(), new RegExp(COMPANY.slug));
  await shot(page, "04-staff-queue");
  await row.getByRole("link").click();
  await page.getByRole("heading", {name: `Dispute #${state.disputeId}: open`}).waitFor();
  // Staff do not decide blind: the disputed item and the effect of accepting are shown.
  const disputed = page.getByRole("table", {name: "Disputed evidence"});
  assert.match(await disputed.textContent(), new RegExp(`#${state.evidenceId}`));
  assert.match(await page.locator("#effect-of-accepting").textContent(),
    /Accepting would move the rating from \d+\.\d \([A-F]\) to \d+\.\d \([A-F]\)/);
  await page.getByRole("button", {name: "Take it for review"}).click();
  await page.getByRole("heading", {name: `Dispute #${state.disputeId}: in review`}).waitFor();
  await page.getByLabel(/^Accept/).check();
  await page.getByLabel(/^Rationale/).fill("Checked by hand: the host redirects to HTTPS.");
  await page.getByRole("button", {name: "Record the decision"}).click();
  await page.getByRole("heading", {name: `Dispute #${state.disputeId}: accepted`}).waitFor();
  assert.match(await page.locator("#sla-state").textContent(), /met/);
  await shot(page, "05-staff-dispute-accepted");
  assertNoErrors(page);
  await page.close();
});

test("the company sees its corrected rating", async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/portal/company`);
  await signIn(page, KEYS.company);
  await page.getByRole("heading", {name: "Your rating"}).waitFor();
  assert.match(await page.getByRole("main").textContent(), /last change: correction/);
  const after = (await page.locator("#my-score").textContent()).trim();
  assert.notEqual(after, state.scoreBefore, "the score did not change after the correction");
  await page.getByLabel("Status").selectOption("corrected");
  await page.getByLabel("Outcome").selectOption("");
  await page.getByRole("button", {name: "Filter"}).click();
  const row = page.locator(`#evidence-table tbody tr[data-evidence="${state.evidenceId}"]`);
  await row.waitFor();
  assert.match(await row.textContent(), new RegExp(`corrected by dispute ${state.disputeId}`));
  await page.locator("#my-disputes").getByRole("button", {name: new RegExp(`#${state.disputeId} `)}).click();
  await page.locator("#dispute-detail").getByRole("heading", {name: `Dispute #${state.disputeId}: accepted`}).waitFor();
  await shot(page, "06-company-corrected");
  assertNoErrors(page);

  // Investors see the correction marked in the history.
  const inv = await openPage(browser);
  await inv.goto(`${BASE}/portal/investor/${COMPANY.slug}`);
  await signIn(inv, KEYS.investor);
  const history = inv.getByRole("table", {name: /Rating history of/});
  await history.locator(".reason-correction").first().waitFor();
  assert.equal(await inv.locator("svg.chart path.mark-correction").count() >= 2, true);
  await shot(inv, "07-investor-history-correction");
  assertNoErrors(inv);
  await inv.close();
  await page.close();
});

test("the evidence table filters on the server, groups by asset, exports CSV and fits a phone", async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/portal/company`);
  await signIn(page, KEYS.company);
  const tableEl = page.locator("#evidence-table");
  await tableEl.locator("tbody tr").first().waitFor();
  await page.getByLabel("Outcome").selectOption("pass");
  await page.getByRole("button", {name: "Filter"}).click();
  await page.locator("#ev-summary").filter({hasText: /evidence items shown/}).waitFor();
  const outcomes = await tableEl.locator("td[data-label=outcome]").allTextContents();
  assert.ok(outcomes.length > 0);
  assert.deepEqual([...new Set(outcomes)], ["pass"]);
  await page.getByLabel("group by asset").check();
  assert.ok(await tableEl.locator("tr.group").count() >= 1);
  const [download] = await Promise.all([page.waitForEvent("download"),
    page.getByRole("button", {name: "Export CSV"}).click()]);
  const csv = readFileSync(await download.path(), "utf8");
  assert.match(csv, /^id,check,title,factor,severity,weighted,outcome,/);
  const rows = csv.trim().split("\r\n").slice(1);
  assert.equal(rows.length, outcomes.length);
  await page.setViewportSize({width: 375, height: 740});
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true,
    "the company page scrolls sideways at 375 px");
  const first = tableEl.locator("tbody tr:not(.group)").first();
  for (const label of ["check", "asset", "source", "seen", "status"]) {
    assert.ok(await first.locator(`td[data-label=${label}]`).isVisible(), `${label} hidden at 375 px`);
  }
  await shot(page, "06a-phone-evidence-cards");
  assertNoErrors(page);
  await page.close();
});

test("a company disputes an asset's attribution, answers staff with a document, and withdraws", async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/portal/company`);
  await signIn(page, KEYS.company);
  const assets = page.getByRole("table", {name: "Your assets"});
  await assets.waitFor();
  const row = assets.locator("tbody tr").filter({has: page.locator("input[type=checkbox]:not([disabled])")}).first();
  await row.locator("input[type=checkbox]").check();
  await page.getByLabel(/^Why these assets are not yours/).fill("Sold to another group in 2025; see the attached contract.");
  await page.getByRole("button", {name: "Dispute the attribution"}).click();
  const status = page.getByRole("status");
  await status.filter({hasText: /Dispute #\d+ filed on 1 asset/}).waitFor();
  const id = (await status.textContent()).match(/#(\d+)/)[1];
  // Staff take it and ask for more (through the API, as a second person would).
  for (const [path, body] of [[`/v1/staff/disputes/${id}/assign`, {}],
    [`/v1/staff/disputes/${id}/request-info`, {body: "Please attach the sale contract."}]]) {
    const r = await fetch(`${BASE}${path}`, {method: "POST", headers: {Authorization: `Bearer ${KEYS.analyst}`,
      "Content-Type": "application/json"}, body: JSON.stringify(body)});
    assert.equal(r.status, 200, `${path}: ${await r.text()}`);
  }
  await page.reload();
  const mine = page.locator("#my-disputes");
  await mine.waitFor();
  assert.match(await mine.textContent(), /info requested · action needed/);
  await mine.getByRole("button", {name: new RegExp(`#${id} `)}).click();
  await page.locator("#action-needed").waitFor();
  await page.locator(`#attach-${id}`).setInputFiles({name: "contract.txt", mimeType: "text/plain",
    buffer: Buffer.from("Share purchase agreement, 2025-06-30.")});
  await page.getByRole("button", {name: "Upload"}).click();
  await status.filter({hasText: /contract\.txt attached/}).waitFor();
  await page.locator("#dispute-detail").filter({hasText: /Attachments: contract\.txt/}).waitFor();
  await page.getByLabel(/^Withdraw it/).fill("We found the asset is ours after all.");
  await page.getByRole("button", {name: "Withdraw the dispute"}).click();
  await status.filter({hasText: new RegExp(`Dispute #${id} withdrawn`)}).waitFor();
  await shot(page, "06b-company-attribution-withdrawn");
  assertNoErrors(page);
  await page.close();
});

test("a company confirms one name discovery found and rejects another", async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/portal/company`);
  await signIn(page, KEYS.company);
  const names = page.getByRole("table", {name: "Names found by discovery"});
  await names.waitFor();
  assert.match(await names.textContent(), /certificate san.*0\.5/s);
  const status = page.getByRole("status");
  await page.getByRole("button", {name: "Reject cust-1.cdn-provider.example"}).click();
  await status.filter({hasText: /cust-1\.cdn-provider\.example rejected/}).waitFor();
  await page.getByRole("button", {name: "Confirm shop.partner-stranger.example"}).click();
  await status.filter({hasText: /shop\.partner-stranger\.example confirmed as yours/}).waitFor();
  await page.reload();
  await names.waitFor();
  const stranger = names.locator("tbody tr").filter({hasText: "shop.partner-stranger.example"});
  assert.match(await stranger.textContent(), /confirmed/);
  const cdn = names.locator("tbody tr").filter({hasText: "cust-1.cdn-provider.example"});
  assert.match(await cdn.textContent(), /rejected/);
  assert.equal(await cdn.getByRole("button", {name: /^Reject/}).count(), 0);
  // Confirmed, the name is now one of its assets.
  assert.match(await page.locator("#my-assets").textContent(), /shop\.partner-stranger\.example/);
  await shot(page, "06c-company-discovery-decisions");
  assertNoErrors(page);
  await page.close();
});

test("a company publishes its public page and shares its evidence with a counterpart", async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/portal/company`);
  await signIn(page, KEYS.company);
  const status = page.getByRole("status");
  await page.getByLabel("Publish my public page").check();
  await page.getByLabel(/^Your statement on the page/).fill("ISO 27001 certified since 2024; ask us for our SOC report.");
  await page.getByRole("button", {name: "Save the public page"}).click();
  await status.filter({hasText: /public page is published/}).waitFor();
  // Another company to share with, found as an investor would find it.
  const r = await fetch(`${BASE}/v1/companies?limit=5`, {headers: {Authorization: `Bearer ${KEYS.investor}`}});
  assert.equal(r.status, 200);
  const other = (await r.json()).items.map((c) => c.slug).find((s) => s !== COMPANY.slug);
  await page.getByLabel("Who may read").selectOption("company");
  await page.getByLabel(/^Their company slug/).fill(other);
  await page.getByLabel("evidence", {exact: true}).check();
  await page.getByLabel(/^Until/).fill(new Date(Date.now() + 30 * 86400e3).toISOString().slice(0, 10));
  await page.getByRole("button", {name: "Share", exact: true}).click();
  await status.filter({hasText: new RegExp(`Grant \\d+: company ${other} may read evidence`)}).waitFor();
  const id = (await status.textContent()).match(/Grant (\d+)/)[1];
  assert.match(await page.locator("#my-grants").textContent(), new RegExp(`company ${other}`));
  await page.getByRole("button", {name: `Revoke grant ${id}`}).click();
  await status.filter({hasText: new RegExp(`Grant ${id} revoked`)}).waitFor();
  assert.match(await page.locator("#my-grants").textContent(), /revoked/);
  // The public page, as anyone sees it: no finding, no asset.
  await page.getByRole("link", {name: "open your public page"}).click();
  await page.locator("#public-statement").waitFor();
  assert.match(await page.locator("#public-statement").textContent(), /ISO 27001/);
  await page.locator("#sector-disclosures").waitFor();
  assert.match(await page.locator("main").textContent(), /public companies of the sector/);
  assert.equal(await page.locator("#my-evidence, #my-assets").count(), 0);
  await shot(page, "06d-company-public-page");
  assertNoErrors(page);
  await page.close();
});

test("staff read a draft's impact: grade migration, histogram of deltas, top movers", async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/portal/staff`);
  await signIn(page, KEYS.admin);
  await page.getByLabel("Draft version").fill("2026.3");
  await page.getByRole("button", {name: "Show its impact"}).click();
  await page.waitForURL(`${BASE}/portal/staff/drafts/2026.3`);
  await page.getByRole("heading", {name: "Impact of methodology draft 2026.3"}).waitFor();
  const matrix = page.locator("#migration-matrix");
  assert.equal(await matrix.locator("tbody tr").count(), 6);
  assert.match(await page.locator("#delta-summary").textContent(), /\d+ up, \d+ down, \d+ unchanged/);
  await page.getByRole("img", {name: /Histogram of score changes/}).waitFor();
  await page.getByRole("table", {name: "Largest rises"}).waitFor();
  await page.getByRole("table", {name: "Largest falls"}).waitFor();
  await shot(page, "08-staff-draft-impact");
  assertNoErrors(page);
  await page.close();
});

test("at a phone's width the pages fit and stay usable from the keyboard", async () => {
  const page = await openPage(browser, {width: 375, height: 740});
  await page.goto(`${BASE}/portal/investor/${COMPANY.slug}`);
  await signIn(page, KEYS.investor);
  await page.getByRole("heading", {name: COMPANY.name, level: 1}).waitFor();
  const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  assert.equal(await fits(), true, "the company page scrolls sideways at 375 px");
  await shot(page, "09-phone-company-page");
  await page.goto(`${BASE}/portal`);
  await page.getByRole("heading", {name: "Factors and weights"}).waitFor();
  assert.equal(await fits(), true, "the methodology page scrolls sideways at 375 px");
  // Chart text stays readable at this width (it was about 5 px).
  const textPx = await page.locator("svg.chart text.axis").first().evaluate((el) => el.getBoundingClientRect().height);
  assert.ok(textPx >= 9, `chart text is ${textPx} px high at 375 px`);
  // The skip link is the first stop of the keyboard and moves to the content.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Skip to the content");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => location.hash), "#main");
  await shot(page, "10-phone-methodology");
  assertNoErrors(page);
  await page.close();
});

test("an API error is shown in words, not as a blank page", async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/portal/investor`);
  await signIn(page, "fr_notakey_0000");
  const alert = page.getByRole("alert");
  await alert.filter({hasText: "The API key was not accepted"}).waitFor();
  assert.match(await page.getByRole("main").textContent(), /The API key was not accepted/);
  await shot(page, "11-error-in-words");
  // The mistyped key does not lock the tab: it is forgotten, the key form is back
  // (after a reload too), and a good key then works.
  assert.match(await page.getByRole("main").textContent(), /The key was not accepted, so it was forgotten/);
  await page.reload();
  await page.getByLabel("API key", {exact: true}).waitFor();
  await signIn(page, KEYS.investor);
  await page.getByLabel("Name or domain").waitFor();
  assert.doesNotMatch(await page.getByRole("main").textContent(), /not accepted/);
  // The 401 asked for above is the only error allowed here.
  assertNoErrors(page, [/status of 401/]);
  await page.close();
});

test("a company submits its ISMS certificate, an analyst verifies it, an investor sees it", async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/portal/company`);
  await signIn(page, KEYS.company);
  await page.getByRole("heading", {name: "Governance disclosures"}).waitFor();
  await page.getByLabel("Item", {exact: true}).selectOption("third_party_certification");
  await page.getByLabel("Statement", {exact: true}).fill("Our head office holds ISO/IEC 27001.");
  await page.getByLabel("Published at (address)").fill("https://example.com/isms");
  await page.getByLabel("Report name", {exact: true}).fill("Annual securities report 2025");
  await page.getByLabel("Page", {exact: true}).fill("42");
  await page.getByLabel("scheme", {exact: true}).fill("ISO/IEC 27001:2022");
  await page.getByLabel("number", {exact: true}).fill("IS 123456");
  await page.getByLabel("body", {exact: true}).fill("Example Certification Ltd");
  await page.getByLabel("scope", {exact: true}).fill("head office IT");
  await page.getByLabel("valid from", {exact: true}).fill("2025-01-15");
  await page.getByLabel("valid until", {exact: true}).fill("2030-01-15");
  await page.getByRole("button", {name: "Submit for verification"}).click();
  await page.getByRole("status").filter({hasText: "submitted for verification"}).waitFor();
  assert.match(await page.locator("#disclosures-table").textContent(), /third party certification\s*submitted/);
  await shot(page, "12-company-disclosure-submitted");
  assertNoErrors(page);
  await page.close();

  const staff = await openPage(browser);
  await staff.goto(`${BASE}/portal/staff`);
  await signIn(staff, KEYS.analyst);
  const row = staff.locator("#disclosure-queue-table tbody tr").filter({hasText: COMPANY.slug});
  assert.match(await row.textContent(), /ISO\/IEC 27001:2022 no\. IS 123456/);
  await row.getByRole("button", {name: /^Verify #/}).click();
  await staff.getByRole("status").filter({hasText: /Disclosure #\d+ verified/}).waitFor();
  await shot(staff, "13-staff-disclosure-verified");
  assertNoErrors(staff);
  await staff.close();

  const inv = await openPage(browser);
  await inv.goto(`${BASE}/portal/investor/${COMPANY.slug}`);
  await signIn(inv, KEYS.investor);
  const items = inv.getByRole("table", {name: `Governance disclosures of ${COMPANY.name}`});
  const cert = items.locator("tbody tr").filter({hasText: "third party certification"});
  assert.match(await cert.textContent(), /verified/);
  assert.match(await cert.textContent(), /Annual securities report 2025, p\. 42/);
  assert.match(await cert.textContent(), /Example Certification Ltd/);
  await shot(inv, "14-investor-disclosures");
  assertNoErrors(inv);
  await inv.close();
});

test("staff list the methodology drafts, read a draft's changes, create, preview and publish one", async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE}/portal/staff`);
  await signIn(page, KEYS.admin);
  await page.getByRole("link", {name: /^All drafts/}).click();
  await page.waitForURL(`${BASE}/portal/staff/methodology`);
  const drafts = page.getByRole("table", {name: "Methodology drafts"});
  assert.match(await drafts.textContent(), /2026\.3.*previewed: read the impact/s);
  // 2026.3 against 2026.1: exposed services weigh 15 instead of 20.
  await drafts.getByRole("link", {name: "2026.3", exact: true}).click();
  await page.waitForURL(`${BASE}/portal/staff/methodology/2026.3`);
  const diff3 = page.getByRole("table", {name: "Changes from 2026.1 to 2026.3"});
  assert.match(await diff3.textContent(), /factors\.exposed_services\.weight\s*changed\s*20\s*15/);
  assert.match(await page.locator("#diff-summary").textContent(), /weights: 1/);
  assert.match(await page.locator("#preview-state").textContent(), /^Previewed on \d+ companies against 2026\.1/);

  // A new draft from the version in force: a weight, a severity, a grade threshold
  // and an added check. A definition that does not validate is refused with its paths.
  await page.getByRole("link", {name: "← Methodology drafts"}).click();
  await page.getByRole("button", {name: "Start from the version in force"}).click();
  await page.getByRole("status").filter({hasText: "is in the form"}).waitFor();
  const def = JSON.parse(await page.getByLabel("Definition (JSON)").inputValue());
  def.factors.find((f) => f.code === "tls").weight = 30;
  def.checks.find((c) => c.code === "tls.https_unavailable").severity = "critical";
  def.grades.find((g) => g.grade === "B").min_score = 82;
  def.checks.push({code: "tls.browser_test_check", title: "A check the browser test adds", factor: "tls", severity: "low", points: 3});
  const broken = structuredClone(def);
  broken.factors[0].weight = -1;
  await page.getByLabel("Version", {exact: true}).fill("2026.4");
  await page.getByLabel("Definition (JSON)").fill(JSON.stringify(broken));
  await page.getByRole("button", {name: "Create the draft"}).click();
  assert.match(await page.locator("#draft-problems").textContent(), /factors\[0\]\.weight/);
  await page.getByLabel("Definition (JSON)").fill(JSON.stringify(def));
  await page.getByRole("button", {name: "Create the draft"}).click();
  await page.waitForURL(`${BASE}/portal/staff/methodology/2026.4`);
  const diff4 = page.getByRole("table", {name: "Changes from 2026.1 to 2026.4"});
  await diff4.waitFor();
  const text = await diff4.textContent();
  assert.match(text, /factors\.tls\.weight\s*changed\s*20\s*30/);
  assert.match(text, /checks\.tls\.https_unavailable\.severity\s*changed\s*high\s*critical/);
  assert.match(text, /grades\.B\.min_score\s*changed\s*80\s*82/);
  assert.match(text, /checks\.tls\.browser_test_check\s*added/);
  assert.equal(await page.locator("#diff-summary").textContent(),
    "4 changes (checks added: 1; grade thresholds: 1; severities: 1; weights: 1).");
  await shot(page, "15-staff-methodology-diff");

  // No preview yet: compute it, then publish with more than the notice period.
  assert.match(await page.locator("#preview-state").textContent(), /Not previewed yet/);
  await page.getByRole("button", {name: "Compute preview"}).click();
  await page.getByRole("status").filter({hasText: "Impact of 2026.4 computed."}).waitFor();
  await page.locator("#preview-state").filter({hasText: /^Previewed on \d+ companies against 2026\.1/}).waitFor();
  assert.equal(await page.getByRole("button", {name: "Compute preview"}).count(), 0);
  const effective = new Date(Date.now() + 300 * 86400e3).toISOString().slice(0, 10);
  await page.getByLabel("Takes effect on (UTC)").fill(effective);
  await page.getByRole("button", {name: "Publish 2026.4"}).click();
  await page.getByRole("status").filter({hasText: `Methodology 2026.4 published: it takes effect on ${effective}`}).waitFor();
  await page.waitForURL(`${BASE}/portal/staff/methodology`);
  await drafts.waitFor();
  assert.doesNotMatch(await drafts.textContent(), /2026\.4/, "a published version is no draft");
  assertNoErrors(page, [/the server responded with a status of 400/]);
  await page.close();
});
