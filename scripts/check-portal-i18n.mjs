#!/usr/bin/env node
// The portal's catalogue is complete (make test): every text the portal passes to t()
// (portal/*.js) has a Japanese translation in po/portal-ja.po or po/ja.po, with the
// same {placeholders}; every label the report page asks the server for (L() in
// portal/view_report.js) is in po/ja.po; t() is only ever called with a string literal,
// so that this check sees every text; no msgid is in both catalogues; msgfmt --check
// accepts the files. --self-test first proves that the check fails on a broken case.
import {readFileSync, readdirSync, mkdtempSync, rmSync} from "node:fs";
import {execFileSync} from "node:child_process";
import {join, dirname} from "node:path";
import {tmpdir} from "node:os";
import {fileURLToPath} from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

// A .po file as [{ctxt, id, str, fuzzy, line}] (the subset common/i18n.c reads).
export function parsePo(text, name) {
  const entries = [];
  let cur = null;
  let field = null;
  let fuzzy = false;
  const unquote = (s, n) => {
    const m = /^"((?:[^"\\]|\\.)*)"\s*$/.exec(s.trim());
    if (!m) throw new Error(`${name}:${n}: a string in double quotes was expected`);
    return m[1].replace(/\\(.)/g, (x, c) => ({n: "\n", t: "\t", '"': '"', "\\": "\\"}[c] ?? x));
  };
  const finish = () => {
    if (cur && cur.id !== undefined) entries.push(cur);
    cur = null;
  };
  text.split("\n").forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trim();
    if (line === "") return;
    if (line.startsWith("#,")) {
      if (line.includes("fuzzy")) fuzzy = true;
      return;
    }
    if (line.startsWith("#")) return;
    const kw = /^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(.*)$/.exec(line);
    if (kw) {
      if ((kw[1] === "msgctxt" || kw[1] === "msgid") && cur && cur.str !== undefined) finish();
      if (!cur) {
        cur = {line: n, fuzzy};
        fuzzy = false;
      }
      field = kw[1] === "msgctxt" ? "ctxt" : kw[1] === "msgid" ? "id" : kw[1] === "msgstr" ? "str" : "other";
      cur[field] = unquote(kw[2], n);
      return;
    }
    if (line.startsWith('"') && cur && field) {
      cur[field] += unquote(line, n);
      return;
    }
    throw new Error(`${name}:${n}: not a catalogue line`);
  });
  finish();
  return entries.filter((e) => e.id !== "");
}

// The msgids of the portal's sources: t("...") and L("...") calls, and any t() whose
// argument is not a string literal (which this check could not see).
export function extractCalls(text, name) {
  // Whole-line comments talk about t() without calling it.
  const source = text.split("\n").map((l) => (/^\s*\/\//.test(l) ? "" : l)).join("\n");
  const calls = [];
  const problems = [];
  const re = /(?<![\w.$])(t|L)\(\s*("(?:[^"\\\n]|\\.)*"|[^)\s]?)/g;
  let m;
  while ((m = re.exec(source)) !== null) {
    const line = source.slice(0, m.index).split("\n").length;
    if (/function\s+$/.test(source.slice(Math.max(0, m.index - 12), m.index))) continue;
    if (!m[2].startsWith('"')) {
      problems.push(`${name}:${line}: ${m[1]}() is called without a string literal: the check cannot see its text`);
      continue;
    }
    calls.push({fn: m[1], id: JSON.parse(m[2]), where: `${name}:${line}`});
  }
  return {calls, problems};
}

const placeholders = (s) => [...s.matchAll(/\{([a-z_]+)\}/g)].map((x) => x[1]).sort().join(",");

// Every problem of the portal's sources against the two catalogues.
export function check(sources, portalPo, reportPo) {
  const problems = [];
  const plain = (entries) => new Map(entries.filter((e) => e.ctxt === undefined).map((e) => [e.id, e]));
  const portal = plain(portalPo);
  const report = plain(reportPo);
  for (const id of portal.keys()) {
    if (report.has(id)) problems.push(`"${id}" is in po/portal-ja.po and in po/ja.po: keep it in one`);
  }
  for (const [name, text] of sources) {
    const found = extractCalls(text, name);
    problems.push(...found.problems);
    for (const c of found.calls) {
      const e = c.fn === "L" ? report.get(c.id) : portal.get(c.id) || report.get(c.id);
      const where = c.fn === "L" ? "po/ja.po" : "po/portal-ja.po (or po/ja.po)";
      if (!e) problems.push(`${c.where}: "${c.id}" is not in ${where}`);
      else if (!e.str || e.fuzzy) problems.push(`${c.where}: "${c.id}" has no Japanese text (empty or fuzzy)`);
      else if (placeholders(e.str) !== placeholders(c.id)) {
        problems.push(`${c.where}: the Japanese text of "${c.id}" does not have the same {placeholders}`);
      }
    }
  }
  return problems;
}

function selfTest() {
  const po = 'msgid ""\nmsgstr ""\n\nmsgid "Hello {name}"\nmsgstr "こんにちは {name}"\n\n#, fuzzy\nmsgid "Fuzzy"\nmsgstr "ぼんやり"\n\nmsgid "Empty"\nmsgstr ""\n\nmsgid "Wrong {a}"\nmsgstr "違う {b}"\n';
  const entries = parsePo(po, "self");
  const cases = [
    ['t("Hello {name}", {name})', 0],
    ['t("Missing")', 1],
    ['t("Fuzzy")', 1],
    ['t("Empty")', 1],
    ['t("Wrong {a}", {a})', 1],
    ['t(label)', 1],
    ['t(`Hello ${x}`)', 1],
    ['L("Hello {name}")', 1],
    ['x.t("Missing"); format("Missing")', 0],
    ['export function t(msgid, vars) {}', 0],
  ];
  for (const [src, want] of cases) {
    const got = check([["self.js", src]], entries, []).length;
    if (got !== want) throw new Error(`self-test: ${src}: ${got} problems, expected ${want}`);
  }
  if (check([], entries, entries).length === 0) throw new Error("self-test: a msgid in both catalogues was not found");
}

function msgfmtCheck(file) {
  const dir = mkdtempSync(join(tmpdir(), "fairrate-po-"));
  try {
    execFileSync("msgfmt", ["--check", "-o", join(dir, "out.mo"), file], {stdio: "inherit"});
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

function main() {
  selfTest();
  const read = (rel) => readFileSync(join(ROOT, rel), "utf8");
  const portalPo = parsePo(read("po/portal-ja.po"), "po/portal-ja.po");
  const reportPo = parsePo(read("po/ja.po"), "po/ja.po");
  ["po/portal-ja.po", "po/ja.po", "methodology/i18n/ja.po"].forEach((f) => msgfmtCheck(join(ROOT, f)));
  const sources = readdirSync(join(ROOT, "portal")).filter((f) => f.endsWith(".js"))
    .map((f) => [`portal/${f}`, read(`portal/${f}`)]);
  const problems = check(sources, portalPo, reportPo);
  const used = new Set(sources.flatMap(([name, text]) => extractCalls(text, name).calls.map((c) => c.id)));
  const unused = portalPo.filter((e) => e.ctxt === undefined && !used.has(e.id) && !e.api);
  if (problems.length) {
    console.error(problems.join("\n"));
    console.error(`portal i18n: ${problems.length} problems`);
    process.exit(1);
  }
  console.log(`portal i18n: ${used.size} texts of portal/ translated into Japanese` +
    `${unused.length ? `; ${unused.length} entries of po/portal-ja.po not called by t() (API texts for tx(), codes)` : ""}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
