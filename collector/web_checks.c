#include "collector/web_checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "collector/cookies.h"
#include "collector/csp.h"
#include "collector/html_scripts.h"
#include "collector/web_policy.h"
#include "common/regdomain.h"

#define MAX_COOKIES 16                        /* cookies listed in details */
#define COOKIE_LIST_BUDGET (SCAN_RESULT_DETAILS - 256) /* bytes of the cookie list */
#define COOKIE_NAMES 5                        /* cookie names a new cookie check lists */
#define HSTS_PRELOAD_AGE (365L * 86400)       /* what the preload list asks */

/* The whole value of the idx-th header called name, NUL-terminated (free it), or NULL
 * when there is none; *oom is set when memory is short. */
static char *
web_value(const char *block, const char *name, int idx, int *oom)
{
	const char *v;
	size_t len;
	char *copy;

	if (http_checks_header_span(block, name, idx, &v, &len) != 0)
		return (NULL);
	if ((copy = strndup(v, len)) == NULL)
		*oom = 1;
	return (copy);
}

/* A value as details quote it; out has SCAN_RESULTS_EXCERPT + 4 bytes. */
static const char *
web_quote(const char *v, char *out)
{
	return (scan_results_excerpt(v, strlen(v), SCAN_RESULTS_EXCERPT, out));
}

static int
web_is_one_of(const char *v, const char *const *words)
{
	int i;

	for (i = 0; v != NULL && words[i] != NULL; i++)
		if (strcasecmp(v, words[i]) == 0)
			return (1);
	return (0);
}

/* The cookies of the response, judged one by one. */
struct web_cookies {
	int count, insecure, session_bad, samesite_bad, prefix_bad;
	json_t *list, *session_names, *samesite_names, *prefix_names;
	size_t used;
	int cut;
};

static void
web_cookie_name(json_t *names, int count, const char *name)
{
	if (count <= COOKIE_NAMES)
		json_array_append_new(names, json_string(name));
}

static void
web_cookie(struct web_cookies *c, const struct cookie_facts *f)
{
	json_t *entry;
	char *text;

	if (!f->secure || !f->httponly)
		c->insecure++;
	if (cookie_is_session(f) && (!f->secure || !f->httponly))
		web_cookie_name(c->session_names, ++c->session_bad, f->name);
	if (!cookie_samesite_ok(f))
		web_cookie_name(c->samesite_names, ++c->samesite_bad, f->name);
	if (!cookie_prefix_ok(f))
		web_cookie_name(c->prefix_names, ++c->prefix_bad, f->name);
	entry = json_pack("{sssbsbss}", "name", f->name, "secure", f->secure, "httponly",
	    f->httponly, "samesite", f->samesite_raw[0] ? f->samesite_raw : "unset");
	text = entry && c->count < MAX_COOKIES ? json_dumps(entry, JSON_COMPACT) : NULL;
	if (text != NULL && c->used + strlen(text) + 1 <= COOKIE_LIST_BUDGET) {
		c->used += strlen(text) + 1;
		json_array_append(c->list, entry);
	} else if (c->count < MAX_COOKIES) {
		c->cut = 1;
	}
	c->count++;
	free(text);
	json_decref(entry);
}

/* Cookies: web_headers.cookie_insecure (every Set-Cookie needs Secure and HttpOnly;
 * its details as 2026.1 wrote them), and the new cookie checks. */
static int
web_cookies(const char *headers, struct scan_results *out)
{
	struct web_cookies c = {0};
	struct cookie_facts f;
	const char *v;
	size_t len;
	json_t *d;
	int i, rc = 0;

	c.list = json_array();
	c.session_names = json_array();
	c.samesite_names = json_array();
	c.prefix_names = json_array();
	for (i = 0; http_checks_header_span(headers, "set-cookie", i, &v, &len) == 0; i++) {
		cookie_parse(v, len, &f);
		web_cookie(&c, &f);
	}
	d = json_pack("{sisiso}", "cookies", c.count, "insecure", c.insecure, "list", c.list);
	if (d != NULL && c.cut)
		json_object_set_new(d, "list_truncated", json_true());
	rc |= scan_results_add_json(out, "web_headers.cookie_insecure", c.insecure > 0, d);
	rc |= scan_results_add_json(out, "web_headers.cookie_session_insecure",
	    c.session_bad > 0, json_pack("{siso}", "cookies", c.session_bad, "names",
	    c.session_names));
	rc |= scan_results_add_json(out, "web_headers.cookie_samesite_missing",
	    c.samesite_bad > 0, json_pack("{siso}", "cookies", c.samesite_bad, "names",
	    c.samesite_names));
	rc |= scan_results_add_json(out, "web_headers.cookie_prefix_invalid",
	    c.prefix_bad > 0, json_pack("{siso}", "cookies", c.prefix_bad, "names",
	    c.prefix_names));
	return (rc);
}

/* Server and X-Powered-By: a version named is a finding. */
static int
web_version(const char *h, struct scan_results *out, int *oom)
{
	static const char *const names[] = {"server", "x-powered-by"};
	char q[SCAN_RESULTS_EXCERPT + 4], *v;
	json_t *d = json_object();
	int disclosed = 0, i;

	for (i = 0; i < 2; i++) {
		if ((v = web_value(h, names[i], 0, oom)) == NULL)
			continue;
		if (http_checks_version_disclosed(v)) {
			disclosed = 1;
			json_object_set_new(d, names[i], json_string(web_quote(v, q)));
		}
		free(v);
	}
	return (scan_results_add_json(out, "web_headers.version_disclosure", disclosed, d));
}

/* HSTS: present, long enough, covering subdomains, ready for the preload list (judged
 * on a registered domain only: only those can be preloaded). RFC 6797 8.1: the first
 * header counts. */
static int
web_hsts(const struct http_observation *o, const char *hsts, struct scan_results *out)
{
	char q[SCAN_RESULTS_EXCERPT + 4];
	struct web_hsts h;
	int rc = 0;

	if (hsts == NULL)
		return (scan_results_add_json(out, "web_headers.hsts_missing", 1, NULL));
	web_policy_hsts(hsts, &h);
	web_quote(hsts, q);
	rc |= scan_results_add_json(out, "web_headers.hsts_missing", 0,
	    json_pack("{ss}", "value", q));
	rc |= scan_results_add_json(out, "web_headers.hsts_short_max_age",
	    h.max_age < HTTP_CHECKS_HSTS_MIN_AGE, json_pack("{sIss}", "max_age",
	    (json_int_t)h.max_age, "value", q));
	if (!h.valid)
		return (rc);
	rc |= scan_results_add_json(out, "web_headers.hsts_no_subdomains",
	    !h.include_subdomains, json_pack("{ss}", "value", q));
	if (regdomain_is_registered(o->host))
		rc |= scan_results_add_json(out, "web_headers.hsts_no_preload",
		    !h.preload || !h.include_subdomains || h.max_age < HSTS_PRELOAD_AGE,
		    json_pack("{ss}", "value", q));
	return (rc);
}

/* The CSP checks, from every Content-Security-Policy header and <meta> policy of the
 * page (page may be NULL); framing from
 * frame-ancestors when a policy has it (browsers then ignore X-Frame-Options), else
 * from X-Frame-Options. */
static int
web_csp(const char *h, const struct html_scripts *page, const char *xfo,
    struct scan_results *out, int *upgrade)
{
	static const char *const frame_ok[] = {"deny", "sameorigin", NULL};
	char q[SCAN_RESULTS_EXCERPT + 4];
	struct csp_verdict v;
	const char *val, *first = NULL;
	size_t len, first_len = 0;
	json_t *policy;
	int i, rc = 0;

	csp_verdict_init(&v);
	for (i = 0; http_checks_header_span(h, "content-security-policy", i, &val, &len) ==
	    0; i++) {
		if (i == 0) {
			first = val;
			first_len = len;
		}
		csp_verdict_add(&v, val, len);
	}
	for (i = 0; page != NULL && i < page->meta_csp; i++) {
		if (first == NULL) {
			first = page->meta_csp_value[i];
			first_len = page->meta_csp_len[i];
		}
		csp_verdict_add_meta(&v, page->meta_csp_value[i], page->meta_csp_len[i]);
	}
	*upgrade = v.upgrade_insecure;
	if (v.frame_ancestors != CSP_FA_ABSENT)
		rc |= scan_results_add_json(out, "web_headers.frame_options_missing",
		    v.frame_ancestors != CSP_FA_RESTRICTED, json_pack("{ss}", "via",
		    "frame-ancestors"));
	else if (web_is_one_of(xfo, frame_ok))
		rc |= scan_results_add_json(out, "web_headers.frame_options_missing", 0,
		    json_pack("{ss}", "x_frame_options", web_quote(xfo, q)));
	else
		rc |= scan_results_add_json(out, "web_headers.frame_options_missing", 1,
		    xfo ? json_pack("{ss}", "x_frame_options", web_quote(xfo, q)) : NULL);
	if (v.policies == 0)
		return (rc | scan_results_add_json(out, "web_headers.csp_missing", 1,
		    first ? json_pack("{ss}", "value", scan_results_excerpt(first, first_len,
		    SCAN_RESULTS_EXCERPT, q)) : NULL));
	rc |= scan_results_add_json(out, "web_headers.csp_missing", 0, NULL);
	scan_results_excerpt(first, first_len, SCAN_RESULTS_EXCERPT, q);
	policy = json_string(q);
	rc |= scan_results_add_json(out, "web_headers.csp_unsafe",
	    v.script_inline || v.script_eval, json_pack("{sOsbsb}", "policy", policy,
	    "inline", v.script_inline, "eval", v.script_eval));
	rc |= scan_results_add_json(out, "web_headers.csp_broad_sources",
	    v.script_broad || v.default_broad > 0, json_pack("{sOsbsb}", "policy", policy,
	    "script_src", v.script_broad, "default_src", v.default_broad > 0));
	rc |= scan_results_add_json(out, "web_headers.csp_insecure_scheme",
	    v.insecure_scheme, json_pack("{sO}", "policy", policy));
	rc |= scan_results_add_json(out, "web_headers.csp_object_src_open", v.object_open,
	    json_pack("{sO}", "policy", policy));
	json_decref(policy);
	return (rc);
}

/* Referrer-Policy: every header's tokens in order, then the page's <meta
 * name=referrer> (page may be NULL); the last one a browser knows wins; a value
 * without one is ignored, as if missing. */
static int
web_referrer(const char *h, const struct html_scripts *page, struct scan_results *out,
    int *oom)
{
	enum web_referrer r = WEB_REFERRER_INVALID, one;
	const char *token = "", *t;
	char *v;
	int i, rc;

	for (i = 0; (v = web_value(h, "referrer-policy", i, oom)) != NULL; i++) {
		if ((one = web_policy_referrer(v, &t)) != WEB_REFERRER_INVALID) {
			r = one;
			token = t;
		}
		free(v);
	}
	if (page != NULL && page->meta_referrer != NULL) {
		if ((v = strndup(page->meta_referrer, page->meta_referrer_len)) == NULL) {
			*oom = 1;
			return (-1);
		}
		if ((one = web_policy_referrer(v, &t)) != WEB_REFERRER_INVALID) {
			r = one;
			token = t;
		}
		free(v);
		i++;
	}
	rc = scan_results_add_json(out, "web_headers.referrer_policy_missing",
	    r == WEB_REFERRER_INVALID, i > 0 && r == WEB_REFERRER_INVALID ?
	    json_pack("{ss}", "reason", "no policy a browser knows") : NULL);
	if (r != WEB_REFERRER_INVALID)
		rc |= scan_results_add_json(out, "web_headers.referrer_policy_unsafe",
		    r == WEB_REFERRER_UNSAFE, json_pack("{ss}", "policy", token));
	return (rc);
}

/* CORS: credentials shared with any origin (the probe Origin reflected, "*" or
 * "null" with Access-Control-Allow-Credentials: true). */
static int
web_cors(const char *acao, const char *acac, struct scan_results *out)
{
	char q[SCAN_RESULTS_EXCERPT + 4];
	enum web_cors c = web_policy_cors(acao, acac, WEB_POLICY_PROBE_ORIGIN);

	return (scan_results_add_json(out, "web_headers.cors_credentials_wildcard",
	    c == WEB_CORS_ANY_WITH_CREDENTIALS, acao == NULL ? NULL :
	    json_pack("{sssb}", "allow_origin", web_quote(acao, q), "credentials",
	    acac != NULL && strcasecmp(acac, "true") == 0)));
}

static json_t *
web_urls(const char urls[][HTML_SCRIPTS_URL_MAX + 4], int count)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < count && i < HTML_SCRIPTS_EXAMPLES; i++)
		json_array_append_new(a, json_string(urls[i]));
	return (a);
}

/* The scripts of the page read (NULL: its body was not read or is not HTML):
 * http:// scripts (mixed content; browsers upgrade them under
 * upgrade-insecure-requests) and cross-site scripts without integrity. */
static int
web_scripts(const struct http_observation *o, const struct html_scripts *page,
    int upgrade, struct scan_results *out)
{
	static const struct html_scripts none;
	const struct html_scripts *s = page ? page : &none;
	int rc = 0;

	if (!o->https_body_read)
		return (0);                       /* the body was not read */
	rc |= scan_results_add_json(out, "web_headers.mixed_content",
	    s->insecure > 0 && !upgrade, json_pack("{sbsisisbso}", "html", page != NULL,
	    "scripts", s->scripts, "insecure", s->insecure, "upgrade_insecure_requests",
	    upgrade, "examples", web_urls(s->insecure_urls, s->insecure)));
	rc |= scan_results_add_json(out, "web_headers.sri_missing",
	    s->cross_origin_no_sri > 0, json_pack("{sbsisisisIso}", "html", page != NULL,
	    "scripts", s->scripts, "cross_origin", s->cross_origin, "without_integrity",
	    s->cross_origin_no_sri, "bytes_read", (json_int_t)o->https_body_len, "examples",
	    web_urls(s->no_sri_urls, s->cross_origin_no_sri)));
	return (rc);
}

int
web_checks_headers(const struct http_observation *o, struct scan_results *out)
{
	static const char *const nosniff[] = {"nosniff", NULL};
	const char *h = o->https_headers ? o->https_headers : "";
	char *hsts, *xfo, *xcto, *acao, *acac, *ctype;
	struct html_scripts *page = NULL;
	int rc = 0, oom = 0, upgrade = 0;

	hsts = web_value(h, "strict-transport-security", 0, &oom);
	xfo = web_value(h, "x-frame-options", 0, &oom);
	xcto = web_value(h, "x-content-type-options", 0, &oom);
	acao = web_value(h, "access-control-allow-origin", 0, &oom);
	acac = web_value(h, "access-control-allow-credentials", 0, &oom);
	ctype = web_value(h, "content-type", 0, &oom);
	if (!oom && o->https_body_read && html_is_html(ctype) &&
	    (page = malloc(sizeof(*page))) == NULL)
		oom = 1;
	if (oom) {
		rc = -1;
		goto done;
	}
	if (page != NULL)
		html_scripts_read(o->https_body ? o->https_body : "", o->https_body_len,
		    o->https_host ? o->https_host : o->host, page);
	rc |= web_hsts(o, hsts, out);
	rc |= web_csp(h, page, xfo, out, &upgrade);
	rc |= scan_results_add_json(out, "web_headers.content_type_options_missing",
	    !web_is_one_of(xcto, nosniff), NULL);
	rc |= web_referrer(h, page, out, &oom);
	rc |= web_cookies(h, out);
	rc |= web_version(h, out, &oom);
	rc |= web_cors(acao, acac, out);
	rc |= web_scripts(o, page, upgrade, out);
	if (oom)
		rc = -1;
done:
	free(hsts);
	free(xfo);
	free(xcto);
	free(acao);
	free(acac);
	free(ctype);
	free(page);
	return (rc);
}

int
web_checks_redirect(const struct http_observation *o, struct scan_results *out)
{
	const char *loc = o->http_location;
	char q[SCAN_RESULTS_EXCERPT + 4];
	int to_https, target;

	if (o->http == HTTP_REACH_UNAVAILABLE)
		return (scan_results_add_json(out, "tls.no_https_redirect", 0,
		    json_pack("{ss}", "http", "not served")));
	if (o->http != HTTP_REACH_OK)
		return (0);
	to_https = o->http_status >= 300 && o->http_status < 400 && loc != NULL &&
	    strncasecmp(loc, "https://", 8) == 0;
	web_quote(loc ? loc : "", q);
	if (scan_results_add_json(out, "tls.no_https_redirect", !to_https,
	    json_pack("{sIss}", "status", (json_int_t)o->http_status, "location", q)) != 0)
		return (-1);
	if (!to_https)
		return (0);
	target = web_policy_redirect_target(loc, o->host);
	return (scan_results_add_json(out, "web_headers.redirect_leaves_host", target != 1,
	    json_pack("{ss}", "location", q)));
}
