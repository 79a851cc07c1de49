// The contract check (make test): every answer the integration tests got from the
// server (tests/support/api_client.c writes them to FAIRRATE_CONTRACT_LOG) is judged
// against docs/openapi.yaml by an outside validator, Ajv: the status must be one the
// operation documents, a JSON body must validate against that status's schema (an
// error body against Error), and the content type must be one it lists. Then every
// operation of the spec must have been answered at least once with a documented
// success status, so that no operation goes unchecked.
//   node tests/contract/check.mjs docs/openapi.yaml LOG [--self-test]
import {readFileSync} from "node:fs";
import {parse} from "yaml";
import Ajv from "ajv";
import addFormats from "ajv-formats";

const [specPath, logPath] = process.argv.slice(2);
const spec = parse(readFileSync(specPath, "utf8"));

// OpenAPI 3.0 schemas are JSON Schema with "nullable" and a few keywords of their own.
const ajv = new Ajv({allErrors: true, strict: false});
addFormats(ajv);
ajv.addFormat("binary", true);
// OpenAPI 3.0 to JSON Schema: references into the spec, and "nullable: true" as "or
// null" (so that it also covers allOf/$ref, as OpenAPI 3.0.3 means it).
const fixRefs = (v) => {
  if (Array.isArray(v)) return v.map(fixRefs);
  if (v && typeof v === "object") {
    const o = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === "nullable") continue;
      o[k] = k === "$ref" ? x.replace(/^#/, "spec#") : fixRefs(x);
    }
    return v.nullable === true ? {anyOf: [{type: "null"}, o]} : o;
  }
  return v;
};
ajv.addSchema({$id: "spec", components: fixRefs(spec.components)});
const resolve = (node) => {
  while (node && node.$ref) {
    const parts = node.$ref.replace(/^#\//, "").split("/");
    node = parts.reduce((o, k) => o[k], spec);
  }
  return node;
};

// Operations, with a regular expression for their path; literal segments win over
// parameters when two match (/v1/me/report.pdf before /v1/me/{x}).
const ops = [];
for (const [tpl, item] of Object.entries(spec.paths)) {
  for (const method of ["get", "put", "post", "delete", "head", "patch"]) {
    if (!item[method]) continue;
    const re = new RegExp("^" + tpl.split("/").map((seg) => seg.startsWith("{") ? "[^/]+" :
      seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("/") + "$");
    ops.push({tpl, method, op: item[method], re, params: (tpl.match(/\{/g) || []).length,
      seen: new Set()});
  }
}
const find = (method, path) => ops.filter((o) => o.method === method && o.re.test(path))
  .sort((a, b) => a.params - b.params)[0];

const validators = new Map();
function validatorFor(key, schema) {
  if (!validators.has(key)) validators.set(key, ajv.compile(fixRefs(schema)));
  return validators.get(key);
}

// Judge one answer: a list of what is wrong with it (empty: it keeps the contract).
export function judge(rec) {
  const path = rec.path.split("?")[0];
  // HEAD is answered as GET without a body.
  const o = find(rec.method.toLowerCase(), path) ||
    (rec.method === "HEAD" ? find("get", path) : undefined);
  if (!o) {
    // A path or method the spec does not have: the answer must say so, in the one
    // error shape (400 for a malformed target, 404, 405).
    if (![400, 404, 405].includes(rec.status))
      return [`${rec.method} ${path}: not an operation, yet answered ${rec.status}`];
    if (rec.body === null || rec.method === "HEAD") return [];
    const validate = validatorFor("error", {$ref: "#/components/schemas/Error"});
    let body;
    try {
      body = JSON.parse(rec.body);
    } catch (e) {
      return [`${rec.method} ${path} ${rec.status}: the body is not JSON`];
    }
    return validate(body) ? [] : [`${rec.method} ${path} ${rec.status}: not the error shape`];
  }
  const responses = o.op.responses || {};
  const resp = resolve(responses[String(rec.status)] || responses.default);
  if (!resp) return [`${rec.method} ${o.tpl}: status ${rec.status} is not documented`];
  o.seen.add(rec.status);
  if (rec.method === "HEAD" || rec.status === 204) return [];
  const content = resp.content || {};
  const ctype = (rec.content_type || "").split(";")[0].trim();
  const media = content[ctype];
  if (Object.keys(content).length > 0 && !media)
    return [`${rec.method} ${o.tpl} ${rec.status}: content type '${ctype}' is not one of ${Object.keys(content).join(", ")}`];
  if (ctype !== "application/json" || !media || !media.schema || rec.body === null) return [];
  let body;
  try {
    body = JSON.parse(rec.body);
  } catch (e) {
    return [`${rec.method} ${o.tpl} ${rec.status}: the body is not JSON`];
  }
  const validate = validatorFor(`${o.method} ${o.tpl} ${rec.status}`, media.schema);
  if (validate(body)) return [];
  return validate.errors.slice(0, 5).map((e) =>
    `${rec.method} ${o.tpl} ${rec.status}: ${e.instancePath || "(body)"} ${e.message}` +
    (e.params && e.params.missingProperty ? ` (${e.params.missingProperty})` : ""));
}

if (process.argv.includes("--self-test")) {
  // The checker must catch what it is for: a missing required field and an
  // undocumented status (a checker that passes everything would pass this too).
  const bad = judge({method: "GET", path: "/v1/methodology", status: 200,
    content_type: "application/json", body: "{}"});
  const undocumented = judge({method: "DELETE", path: "/v1/me/webhook", status: 418,
    content_type: "application/json", body: "{}"});
  const good = judge({method: "GET", path: "/healthz", status: 200,
    content_type: "application/json", body: JSON.stringify({status: "ok"})});
  const errorShape = judge({method: "GET", path: "/v1/companies/x", status: 404,
    content_type: "application/json", body: JSON.stringify({error: {code: "not_found"}})});
  const ok = bad.length > 0 && undocumented.length > 0 && errorShape.length > 0;
  console.log(`contract self-test: missing field caught: ${bad.length > 0}; undocumented status caught: ${undocumented.length > 0}; error without message caught: ${errorShape.length > 0}; a good answer: ${good.length === 0 ? "passes" : good.join("; ")}`);
  process.exit(ok ? 0 : 1);
}

const problems = new Map();
let n = 0;
for (const line of readFileSync(logPath, "utf8").split("\n")) {
  if (!line) continue;
  n++;
  for (const p of judge(JSON.parse(line))) problems.set(p, (problems.get(p) || 0) + 1);
}
const unseen = ops.filter((o) => ![...o.seen].some((st) => st >= 200 && st < 300));
for (const [p, k] of [...problems.entries()].sort())
  console.log(`contract: ${p}${k > 1 ? ` (${k} times)` : ""}`);
for (const o of unseen)
  console.log(`contract: ${o.method.toUpperCase()} ${o.tpl}: never answered with a documented success by the tests`);
console.log(`contract: ${n} answers of ${ops.length} operations checked against ${specPath}: ` +
  `${problems.size} problems, ${unseen.length} operations never answered with success`);
process.exit(problems.size === 0 && unseen.length === 0 ? 0 : 1);
