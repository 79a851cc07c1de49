#!/usr/bin/env node
// The API server's catalogue is complete (make test): every text the server can send
// in its own words — the format of each request_reply_error() call, each text marked
// N_() or passed to a function that forwards it to an answer (KEYWORDS), as xgettext
// extracts them from the C sources — has a Japanese translation in po/api-ja.po with
// the same printf conversions in the same order; each format argument of
// request_reply_error() is a string literal (or N_() literals), so that xgettext sees
// it; po/api-ja.po holds no entry the sources no longer send; msgfmt --check accepts
// it. --self-test first proves that the check fails on a broken case.
import {readFileSync, readdirSync, mkdtempSync, rmSync} from "node:fs";
import {execFileSync} from "node:child_process";
import {join, dirname} from "node:path";
import {tmpdir} from "node:os";
import {fileURLToPath} from "node:url";
import {parsePo} from "./check-portal-i18n.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const MODULES = ["common", "rater", "collector", "demo", "api", "dispute", "report", "disclosure"];
// The functions whose argument (1-based) is a text the server sends: the format of
// request_reply_error, and the functions that pass a text on to it whole.
const KEYWORDS = ["request_reply_error:4", "request_text:2", "N_", "refuse:3",
  "resource_db_failed:2", "dispute_http_store_failed:3", "server_reply_429:3",
  "server_key_refused:4", "claim_reply_busy:4"];
const FLAGS = ["request_reply_error:4:c-format", "request_text:2:pass-c-format", "N_:1:pass-c-format"];

// The printf conversions of a format, in order ("%s", "%zu", "%.40s" -> "s", "zu", "s").
export function conversions(s) {
  return [...s.matchAll(/%(?:%|[-+ #0']*(\*|\d+)?(?:\.(\*|\d+))?([hlLqjzt]*)([a-zA-Z]))/g)]
    .filter((m) => m[0] !== "%%")
    .map((m) => `${m[1] === "*" ? "*" : ""}${m[2] === "*" ? "*" : ""}${m[3]}${m[4]}`);
}

// Whether a msgid is a text at all (not "%s" or "%s: %s", which only carry others).
const wordy = (id) => /[A-Za-z]/.test(id.replace(/%[-+ #0']*\d*(?:\.\d+)?[hlLqjzt]*[a-zA-Z%]/g, ""));

// The calls of request_reply_error whose format argument is not made of string
// literals: xgettext could not see their text.
export function nonLiteralFormats(text, name) {
  const problems = [];
  const re = /\brequest_reply_error\(/g;
  let m;
  while ((m = re.exec(text)) !== null) {
    let i = m.index + m[0].length;
    let depth = 1;
    let cur = "";
    const args = [];
    while (depth > 0 && i < text.length) {
      const c = text[i];
      if (c === '"') {
        let j = i + 1;
        while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
        cur += text.slice(i, j + 1);
        i = j + 1;
        continue;
      }
      if (c === "(" || c === "[") depth++;
      if (c === ")" || c === "]") depth--;
      if (c === "," && depth === 1) {
        args.push(cur);
        cur = "";
      } else if (depth > 0) cur += c;
      i++;
    }
    args.push(cur);
    if (args.length < 4 || /const char \*fmt/.test(args[3])) continue;
    const fmt = args[3].trim();
    const literal = /^("(?:[^"\\]|\\.)*"\s*)+$/.test(fmt);
    const marked = /^[^"]*\?\s*N_\(\s*"(?:[^"\\]|\\.)*"\s*\)\s*:\s*N_\(\s*"(?:[^"\\]|\\.)*"\s*\)\s*$/.test(fmt);
    if (!literal && !marked) {
      const line = text.slice(0, m.index).split("\n").length;
      problems.push(`${name}:${line}: the format of request_reply_error is not a string literal (or N_() literals): ${fmt.replace(/\s+/g, " ")}`);
    }
  }
  return problems;
}

// Every problem of the extracted texts (a .pot's entries) against the catalogue.
export function check(potEntries, poEntries) {
  const problems = [];
  const po = new Map(poEntries.filter((e) => e.ctxt === undefined).map((e) => [e.id, e]));
  const wanted = new Set();
  for (const e of potEntries) {
    if (!wordy(e.id)) continue;
    wanted.add(e.id);
    const t = po.get(e.id);
    if (!t) problems.push(`"${e.id}" is not in po/api-ja.po`);
    else if (!t.str || t.fuzzy) problems.push(`"${e.id}" has no Japanese text (empty or fuzzy)`);
    else if (conversions(t.str).join(",") !== conversions(e.id).join(",")) {
      problems.push(`the Japanese text of "${e.id}" does not have the same conversions in the same order`);
    }
  }
  for (const id of po.keys()) {
    if (!wanted.has(id)) problems.push(`"${id}" is in po/api-ja.po but the server no longer sends it`);
  }
  return problems;
}

function selfTest() {
  const entry = (id, str, flag) => `${flag ? `#, ${flag}\n` : ""}msgid "${id}"\nmsgstr "${str}"\n\n`;
  const good = entry("no claim %lld%s", "申請 %lld%s はありません", "c-format");
  const cases = [
    [good, ["no claim %lld%s"], 0],
    [good, ["no claim %lld%s", "%s: %s"], 0],
    [good, ["no claim %lld%s", "Missing"], 1],
    [good + entry("Stale", "古い"), ["no claim %lld%s"], 1],
    [good + entry("Fuzzy", "ぼんやり", "fuzzy"), ["no claim %lld%s", "Fuzzy"], 1],
    [good + entry("Empty", ""), ["no claim %lld%s", "Empty"], 1],
    [good + entry("at most %d of %s", "%s の最大 %d", "c-format"), ["no claim %lld%s", "at most %d of %s"], 1],
  ];
  for (const [text, ids, want] of cases) {
    const got = check(ids.map((id) => ({id})), parsePo(`msgid ""\nmsgstr ""\n\n${text}`, "self")).length;
    if (got !== want) throw new Error(`self-test: ${ids.join(" | ")}: ${got} problems, expected ${want}`);
  }
  const lint = [
    ['request_reply_error(r, 400, "c", "literal %d" " more", n);', 0],
    ['request_reply_error(r, 400, x ? "a" : "b", y ? N_("one") : N_("two"));', 0],
    ['request_reply_error(r, 400, "c", y ? "one" : "two");', 1],
    ['request_reply_error(r, 400, "c", "in the header " HEADER);', 1],
    ['request_reply_error(r, 400, "c", message);', 1],
  ];
  for (const [src, want] of lint) {
    const got = nonLiteralFormats(src, "self.c").length;
    if (got !== want) throw new Error(`self-test: ${src}: ${got} problems, expected ${want}`);
  }
}

function main() {
  selfTest();
  const sources = MODULES.flatMap((m) => readdirSync(join(ROOT, m)).filter((f) => f.endsWith(".c")).map((f) => `${m}/${f}`));
  const dir = mkdtempSync(join(tmpdir(), "fairrate-api-po-"));
  let potText;
  try {
    const pot = join(dir, "api.pot");
    execFileSync("xgettext", ["-k", ...KEYWORDS.map((k) => `--keyword=${k}`), ...FLAGS.map((f) => `--flag=${f}`),
      "--from-code=UTF-8", "--omit-header", "--no-location", "-o", pot, ...sources], {cwd: ROOT, stdio: "inherit"});
    potText = readFileSync(pot, "utf8");
    execFileSync("msgfmt", ["--check", "-o", join(dir, "out.mo"), join(ROOT, "po/api-ja.po")], {stdio: "inherit"});
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
  const potEntries = parsePo(`msgid ""\nmsgstr ""\n\n${potText}`, "xgettext");
  const poEntries = parsePo(readFileSync(join(ROOT, "po/api-ja.po"), "utf8"), "po/api-ja.po");
  const problems = sources.flatMap((f) => nonLiteralFormats(readFileSync(join(ROOT, f), "utf8"), f));
  problems.push(...check(potEntries, poEntries));
  if (problems.length) {
    console.error(problems.join("\n"));
    console.error(`api i18n: ${problems.length} problems`);
    process.exit(1);
  }
  console.log(`api i18n: ${potEntries.filter((e) => wordy(e.id)).length} texts of the server translated into Japanese`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
