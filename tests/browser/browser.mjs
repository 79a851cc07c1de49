// Shared set-up of the portal's browser tests: Debian's chromium, headless, through
// playwright-core, with a fresh profile; every page records console errors and page
// errors so that a test can fail on any of them.
import {chromium} from "playwright-core";
import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import assert from "node:assert/strict";

export const BASE = process.env.FAIRRATE_PORTAL_URL;
export const SHOTS = process.env.FAIRRATE_SCREENSHOTS;
export const KEYS = {
  investor: process.env.FAIRRATE_INVESTOR_KEY,
  company: process.env.FAIRRATE_COMPANY_KEY,
  analyst: process.env.FAIRRATE_ANALYST_KEY,
  admin: process.env.FAIRRATE_ADMIN_KEY,
};
export const COMPANY = {slug: process.env.FAIRRATE_COMPANY_SLUG, name: process.env.FAIRRATE_COMPANY_NAME};

const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

// opts.locale: the browser's language (navigator.languages, Accept-Language), such as
// "ja-JP"; English (en-US) when not given.
export async function startBrowser(opts = {}) {
  assert.ok(BASE, "FAIRRATE_PORTAL_URL is not set: run scripts/test-browser.sh");
  const profile = mkdtempSync(join(tmpdir(), "fairrate-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.FAIRRATE_CHROMIUM || "/usr/bin/chromium",
    headless: true, args: ARGS, acceptDownloads: true,
    viewport: {width: 1280, height: 900}, locale: opts.locale || "en-US",
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, {recursive: true, force: true});
    },
  };
}

// A new tab (its own sessionStorage) whose console errors and page errors are kept.
export async function openPage(browser, viewport) {
  const page = await browser.context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => {
    // A full navigation (page.goto) cancels the old page's fetches still in flight:
    // net::ERR_ABORTED is the browser's doing, not a failure of the portal or the API.
    const why = r.failure()?.errorText ?? "";
    if (!r.url().startsWith("blob:") && why !== "net::ERR_ABORTED") problems.push(`request failed: ${r.url()} ${why}`);
  });
  page.problems = problems;
  return page;
}

// Fail when the page logged any error, except the ones a test expects (regexps).
export function assertNoErrors(page, expected = []) {
  const left = page.problems.filter((p) => !expected.some((re) => re.test(p)));
  assert.deepEqual(left, [], `errors in the browser:\n${left.join("\n")}`);
}

export async function signIn(page, key) {
  await page.getByLabel("API key", {exact: true}).fill(key);
  await page.getByRole("button", {name: "Sign in"}).click();
}

export async function shot(page, name) {
  await page.screenshot({path: join(SHOTS, `${name}.png`), fullPage: true});
}
