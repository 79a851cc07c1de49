// The portal in Japanese and English: the language comes from ?lang=, else the choice
// saved by the switch in the header, else the browser's languages; the company,
// investor and staff pages switch both ways, with <html lang> following, and factor
// names come translated from the methodology's catalogue. These tests only read.
import {test, after} from "node:test";
import assert from "node:assert/strict";
import {BASE, KEYS, COMPANY, startBrowser, openPage, assertNoErrors, shot} from "./browser.mjs";

const browsers = [];

after(async () => {
  for (const b of browsers) await b.close();
});

async function browserFor(locale) {
  const b = await startBrowser({locale});
  browsers.push(b);
  return b;
}

// The key form in whatever language the page is in.
async function signInAnyLanguage(page, area, key) {
  await page.locator(`#key-${area}`).fill(key);
  await page.locator(".key-form button[type=submit]").click();
}

const htmlLang = (page) => page.locator("html").getAttribute("lang");
const switchTo = (page, lang) => page.locator("#lang-switch").selectOption(lang);

test("the company page in Japanese by ?lang=ja, and back to English by the switch", async () => {
  const page = await openPage(await browserFor("en-US"));
  await page.goto(`${BASE}/portal/company?lang=ja`);
  assert.equal(await page.locator("label[for=key-company]").textContent(), "API キー");
  await signInAnyLanguage(page, "company", KEYS.company);
  await page.getByRole("heading", {name: "等級への計画"}).waitFor();
  assert.equal(await htmlLang(page), "ja");
  assert.equal(await page.locator("#lang-switch").inputValue(), "ja");
  const main = await page.getByRole("main").textContent();
  assert.match(main, /自社の格付け/);
  assert.match(main, /TLSと証明書/, "factor names come from methodology/i18n/ja.po");
  assert.match(main, /\d{4}年\d{1,2}月\d{1,2}日/, "dates are formatted for Japanese");
  assert.match(await page.locator("#my-place").textContent(), /パーセンタイル/);
  await page.getByRole("img", {name: /のスコア推移/}).waitFor();
  assert.equal(await page.getByRole("navigation").getByRole("link", {name: "企業向け"}).count(), 1);
  await shot(page, "20-company-ja");

  await switchTo(page, "en");
  await page.getByRole("heading", {name: "Plan to a grade"}).waitFor();
  assert.equal(await htmlLang(page), "en");
  assert.doesNotMatch(await page.getByRole("main").textContent(), /等級への計画/);
  assert.match(await page.getByRole("main").textContent(), /TLS and certificates/);
  assert.ok(!new URL(page.url()).searchParams.has("lang"), "the switch drops ?lang= from the address");
  assertNoErrors(page);
  await page.close();
});

test("the investor pages switch to Japanese, keep the choice across a reload, and switch back", async () => {
  const page = await openPage(await browserFor("en-US"));
  await page.goto(`${BASE}/portal/investor`);
  await signInAnyLanguage(page, "investor", KEYS.investor);
  await page.getByRole("heading", {name: "Investors", level: 1}).waitFor();
  assert.equal(await htmlLang(page), "en");

  await switchTo(page, "ja");
  await page.getByRole("heading", {name: "投資家", level: 1}).waitFor();
  assert.equal(await htmlLang(page), "ja");
  await page.locator("#search-count").filter({hasText: /公開企業 \d+ 社のうち \d+ 社を表示しています/}).waitFor();
  assert.equal(await page.locator("label[for=lang-switch]").textContent(), "言語");

  // The saved choice holds on the next visit, on another page of the portal.
  await page.goto(`${BASE}/portal/investor/${COMPANY.slug}`);
  await page.getByRole("heading", {name: COMPANY.name, level: 1}).waitFor();
  assert.equal(await htmlLang(page), "ja");
  const main = await page.getByRole("main").textContent();
  assert.match(main, /信頼度: (高|中|低)/);
  assert.match(main, /要素/);
  await page.getByRole("table", {name: `${COMPANY.name} の要素別スコア`}).waitFor();
  await shot(page, "21-investor-company-ja");

  // ?lang= wins over the saved choice.
  await page.goto(`${BASE}/portal/investor?lang=en`);
  await page.getByRole("heading", {name: "Investors", level: 1}).waitFor();
  assert.equal(await htmlLang(page), "en");

  await page.goto(`${BASE}/portal/investor`);
  await page.getByRole("heading", {name: "投資家", level: 1}).waitFor();
  await switchTo(page, "en");
  await page.getByRole("heading", {name: "Investors", level: 1}).waitFor();
  await page.reload();
  await page.getByRole("heading", {name: "Investors", level: 1}).waitFor();
  assert.equal(await htmlLang(page), "en");
  assertNoErrors(page);
  await page.close();
});

test("the staff page in Japanese by ?lang=ja and by the switch, then English again", async () => {
  const page = await openPage(await browserFor("en-US"));
  await page.goto(`${BASE}/portal/staff?lang=ja`);
  await signInAnyLanguage(page, "staff", KEYS.analyst);
  await page.getByRole("heading", {name: "スタッフ", level: 1}).waitFor();
  await page.getByRole("heading", {name: "異議申立ての待ち行列"}).waitFor();
  assert.equal(await htmlLang(page), "ja");
  await shot(page, "22-staff-ja");

  await switchTo(page, "en");
  await page.getByRole("heading", {name: "Dispute queue"}).waitFor();
  assert.equal(await htmlLang(page), "en");
  await switchTo(page, "ja");
  await page.getByRole("heading", {name: "異議申立ての待ち行列"}).waitFor();
  await switchTo(page, "en");
  await page.getByRole("heading", {name: "Staff", level: 1}).waitFor();
  assertNoErrors(page);
  await page.close();
});

test("a browser whose first language is Japanese gets the portal in Japanese", async () => {
  const page = await openPage(await browserFor("ja-JP"));
  await page.goto(`${BASE}/portal`);
  await page.getByRole("heading", {name: "fairrate の格付け方法"}).waitFor();
  assert.equal(await htmlLang(page), "ja");
  await page.getByRole("heading", {name: "要素と重み"}).waitFor();
  assert.match(await page.getByRole("main").textContent(), /HTTPSが利用できない/, "check titles come from methodology/i18n/ja.po");
  assert.equal(await page.getByRole("link", {name: "本文へ移動"}).count(), 1);
  await shot(page, "23-public-ja");
  await switchTo(page, "en");
  await page.getByRole("heading", {name: "How fairrate rates"}).waitFor();
  assertNoErrors(page);
  await page.close();
});

test("a Japanese page shows the server's own error messages in Japanese", async () => {
  const page = await openPage(await browserFor("en-US"));
  // A mistyped key: the server's reason comes in the page's language.
  await page.goto(`${BASE}/portal/investor?lang=ja`);
  await signInAnyLanguage(page, "investor", "fr_notakey_0000");
  const alert = page.getByRole("alert");
  await alert.filter({hasText: "API キーが正しくありません"}).waitFor();
  assert.doesNotMatch(await alert.textContent(), /not valid/);

  // A dispute form the server refuses (a reason the form does not offer, as a
  // tampered page would send): its message is Japanese, and nothing is filed.
  await page.goto(`${BASE}/portal/company?lang=ja`);
  await signInAnyLanguage(page, "company", KEYS.company);
  const row = page.locator("#evidence-table tbody tr")
    .filter({has: page.locator("input[type=checkbox]:not([disabled])")}).first();
  await row.locator("input[type=checkbox]").check();
  await page.locator("#dispute-reason").evaluate((select) => {
    select.add(new Option("mine", "mine"));
    select.value = "mine";
  });
  await page.locator("#dispute-explanation").fill("この検出は当社の資産ではありません。");
  await page.locator("#dispute-form button[type=submit]").click();
  await alert.filter({hasText: "reason は not_our_asset、false_positive、remediated、compensating_control、other のいずれかです"}).waitFor();
  assert.match(await alert.textContent(), /リクエスト/, "the portal's own words around it are Japanese too");
  assert.doesNotMatch(await alert.textContent(), /reason is/);
  await shot(page, "24-server-error-ja");
  assertNoErrors(page, [/status of 401/, /status of 400/]);
  await page.close();
});
