// Calls to the fairrate API on the same origin. Keys live in sessionStorage only:
// they go when the tab closes, and never reach localStorage or a cookie.

import {t, currentLang} from "./i18n.js";

const KEY_PREFIX = "fairrate.key.";

export function getKey(area) {
  try {
    return sessionStorage.getItem(KEY_PREFIX + area) || "";
  } catch (e) {
    return "";
  }
}

export function setKey(area, key) {
  sessionStorage.setItem(KEY_PREFIX + area, key);
}

export function forgetKey(area) {
  sessionStorage.removeItem(KEY_PREFIX + area);
}

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

// What an API error means, in words a person can act on. The server's own message
// follows in brackets, in the page's language: every call sends it as
// Accept-Language, and the server writes its messages in it (po/api-ja.po).
export function describeError(err) {
  if (!(err instanceof ApiError)) {
    return t("Something went wrong in the page: {what}", {what: err && err.message ? err.message : err});
  }
  const detail = err.message ? ` (${err.message})` : "";
  switch (err.status) {
    case 0: return t("The fairrate server cannot be reached. Check that it is running, then try again.");
    case 400: return t("The request was not accepted{detail}.", {detail});
    case 401: return t("The API key was not accepted{detail}. Enter a valid key.", {detail});
    case 403: return t("This key may not see this{detail}. Use a key with the right role.", {detail});
    case 404: return t("Not found{detail}.", {detail});
    case 409: return t("That cannot be done now{detail}.", {detail});
    case 413: return t("That is too large{detail}.", {detail});
    case 422: return t("The request was refused{detail}.", {detail});
    case 429: return t("Too many requests; wait a little and try again{detail}.", {detail});
    case 503: return t("The service is busy or its database is unavailable; try again shortly{detail}.", {detail});
    default: return t("The server answered with an error {status}{detail}.", {status: err.status, detail});
  }
}

// api(path, {key, method, body, text}): the parsed JSON answer (or the text when
// text is set). Throws ApiError for an HTTP error or when the server is unreachable.
export async function api(path, opts = {}) {
  const headers = {Accept: opts.text ? "text/csv" : "application/json", "Accept-Language": currentLang()};
  if (opts.key) headers.Authorization = `Bearer ${opts.key}`;
  let body;
  if (opts.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(opts.body);
  }
  let resp;
  try {
    resp = await fetch(path, {method: opts.method || "GET", headers, body,
      cache: "no-store", credentials: "omit"});
  } catch (e) {
    throw new ApiError(0, "unreachable", "");
  }
  if (resp.status === 204) return null;
  const raw = await resp.text();
  if (!resp.ok) {
    let code = "error";
    let message = "";
    let details;
    try {
      const e = JSON.parse(raw).error;
      code = e.code;
      message = e.message;
      details = e.details;
    } catch (ignored) {
      message = raw.slice(0, 200);
    }
    throw new ApiError(resp.status, code, message, details);
  }
  if (opts.text) return raw;
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw new ApiError(resp.status, "bad_json", t("the answer is not JSON"));
  }
}

// apiBlob(path, {key}): the answer as a Blob (a PDF), for a download the page starts
// itself: a plain link could not send the key. Throws ApiError as api() does.
export async function apiBlob(path, opts = {}) {
  const headers = {"Accept-Language": currentLang()};
  if (opts.key) headers.Authorization = `Bearer ${opts.key}`;
  let resp;
  try {
    resp = await fetch(path, {headers, cache: "no-store", credentials: "omit"});
  } catch (e) {
    throw new ApiError(0, "unreachable", "");
  }
  if (!resp.ok) {
    let code = "error";
    let message = "";
    try {
      const e = (await resp.json()).error;
      code = e.code;
      message = e.message;
    } catch (ignored) {
      message = "";
    }
    throw new ApiError(resp.status, code, message);
  }
  return resp.blob();
}

// Path segments and query values, encoded.
export function q(params) {
  const parts = [];
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") parts.push(`${k}=${encodeURIComponent(v)}`);
  }
  return parts.length ? `?${parts.join("&")}` : "";
}
