#include "collector/http_checks.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "common/timefmt.h"

#define MAX_COOKIES 16                        /* cookies listed in details */
#define COOKIE_NAME_MAX 63                    /* bytes of a cookie name quoted */
#define COOKIE_LIST_BUDGET (SCAN_RESULT_DETAILS - 256) /* bytes of the cookie list */

/* Whether needle occurs in the n bytes at s, ignoring case. */
static int
checks_contains_n(const char *s, size_t n, const char *needle)
{
	size_t len = strlen(needle), i;

	for (i = 0; i + len <= n; i++)
		if (strncasecmp(s + i, needle, len) == 0)
			return (1);
	return (0);
}

static int
checks_contains(const char *s, const char *needle)
{
	return (checks_contains_n(s, strlen(s), needle));
}

/* Append a result whose details are the JSON object d (consumed). Details that would
 * not fit a result (a bug: every outside value is quoted through an excerpt) are
 * replaced by a note, so that the result itself is never lost. */
static int
checks_add(struct scan_results *out, const char *code, int fail, json_t *d)
{
	char *text = d ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc;

	rc = scan_results_add(out, code, fail ? "fail" : "pass", NULL,
	    text != NULL && strlen(text) >= SCAN_RESULT_DETAILS ?
	    "{\"details_omitted\":\"too long\"}" : text);
	free(text);
	json_decref(d);
	return (rc);
}

int
http_checks_header_span(const char *block, const char *name, int idx, const char **value,
    size_t *len)
{
	size_t nlen = strlen(name), n;
	const char *line, *end, *v;

	if (block == NULL)
		return (-1);
	for (line = block; *line != '\0'; line = *end ? end + 1 : end) {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		if ((size_t)(end - line) <= nlen || line[nlen] != ':' ||
		    strncasecmp(line, name, nlen) != 0)
			continue;
		if (idx-- > 0)
			continue;
		v = line + nlen + 1;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		n = (size_t)(end - v);
		while (n > 0 && (v[n - 1] == '\r' || v[n - 1] == ' ' || v[n - 1] == '\t'))
			n--;
		*value = v;
		*len = n;
		return (0);
	}
	return (-1);
}

char *
http_checks_header(const char *block, const char *name, int idx, char *out, size_t n)
{
	const char *v;
	size_t len;

	if (n == 0 || http_checks_header_span(block, name, idx, &v, &len) != 0 || len >= n)
		return (NULL);
	memcpy(out, v, len);
	out[len] = '\0';
	return (out);
}

/* The whole value of the idx-th header called name, NUL-terminated (free it), or NULL
 * when there is none; *oom is set when memory is short. */
static char *
checks_value(const char *block, const char *name, int idx, int *oom)
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

/* A header value as details show it (scan_results_excerpt); out has
 * SCAN_RESULTS_EXCERPT + 4 bytes. */
static const char *
checks_quote(const char *v, char *out)
{
	return (scan_results_excerpt(v, strlen(v), SCAN_RESULTS_EXCERPT, out));
}

int
http_checks_version_disclosed(const char *value)
{
	const char *p;

	/* A digit right after '/' or ' ' or 'v' that starts a token: "nginx/1.18",
	 * "Apache 2.4", "PHP v8". */
	for (p = value; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p) || p == value)
			continue;
		if (p[-1] == '/' || ((p[-1] == ' ' || p[-1] == 'v' || p[-1] == 'V') &&
		    (p[1] == '.' || isdigit((unsigned char)p[1]))))
			return (1);
	}
	return (0);
}

long
http_checks_hsts_max_age(const char *value)
{
	const char *p = value;
	char *end;
	long age;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		if (strncasecmp(p, "max-age", 7) == 0) {
			p += 7;
			while (*p == ' ')
				p++;
			if (*p++ != '=')
				return (-1);
			while (*p == ' ')
				p++;
			if (*p == '"')
				p++;
			if (!isdigit((unsigned char)*p))
				return (-1);
			age = strtol(p, &end, 10);
			if (*end != '\0' && *end != ';' && *end != ' ' && *end != '"')
				return (-1);
			return (age);
		}
		while (*p != '\0' && *p != ';')
			p++;
	}
	return (-1);
}

/* The sources of directive name in policy (*src, *n bytes, the whole of them);
 * 0 found, -1 not. */
static int
csp_sources(const char *policy, const char *name, const char **src, size_t *n)
{
	size_t nlen = strlen(name);
	const char *p = policy, *end;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		end = strchr(p, ';');
		if (end == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) >= nlen && strncasecmp(p, name, nlen) == 0 &&
		    (p[nlen] == ' ' || p + nlen == end)) {
			*src = p + nlen;
			*n = (size_t)(end - p - nlen);
			return (0);
		}
		p = end;
	}
	return (-1);
}

int
http_checks_csp_directive(const char *policy, const char *name)
{
	const char *src;
	size_t n;

	return (csp_sources(policy, name, &src, &n) == 0);
}

int
http_checks_csp_unsafe(const char *policy)
{
	const char *src;
	size_t n;

	if (csp_sources(policy, "script-src", &src, &n) != 0 &&
	    csp_sources(policy, "default-src", &src, &n) != 0)
		return (0);
	return (checks_contains_n(src, n, "'unsafe-inline'") ||
	    checks_contains_n(src, n, "'unsafe-eval'"));
}

static int
checks_legacy_version(const char *v)
{
	return (strcmp(v, "SSLv2") == 0 || strcmp(v, "SSLv3") == 0 ||
	    strcmp(v, "TLSv1") == 0 || strcmp(v, "TLSv1.1") == 0);
}

static int
checks_weak_signature(const char *sig)
{
	return (checks_contains(sig, "md5") || checks_contains(sig, "sha1") ||
	    checks_contains(sig, "md2"));
}

static int
checks_weak_key(const struct http_tls_facts *t)
{
	if (strcmp(t->key_type, "RSA") == 0 || strcmp(t->key_type, "DSA") == 0 ||
	    strcmp(t->key_type, "RSA-PSS") == 0)
		return (t->key_bits < HTTP_CHECKS_MIN_RSA_BITS);
	if (strcmp(t->key_type, "EC") == 0)
		return (t->key_bits < HTTP_CHECKS_MIN_EC_BITS);
	return (0);                           /* Ed25519, Ed448 */
}

/* The TLS checks of the leaf certificate and the connection. */
static int
checks_tls(const struct http_observation *o, struct scan_results *out)
{
	const struct http_tls_facts *t = &o->tls;
	char after[21], before[21];
	int64_t left = (t->not_after - o->now) / TIMEFMT_DAY;
	int expired = o->now > t->not_after || o->now < t->not_before;
	int untrusted = t->self_signed || (t->verify_error != 0 && !expired);
	int rc = 0;

	timefmt_format(t->not_after, after);
	timefmt_format(t->not_before, before);
	rc |= checks_add(out, "tls.legacy_protocol", checks_legacy_version(t->version),
	    json_pack("{ss}", "negotiated", t->version));
	/* Details hold only what stays the same from one scan to the next (no "days
	 * left"), so that a correction of the fact survives a rescan. */
	rc |= checks_add(out, "tls.certificate_expired", expired,
	    json_pack("{ssssss}", "not_before", before, "not_after", after,
	    "fingerprint_sha256", t->fingerprint));
	if (!expired)
		rc |= checks_add(out, "tls.certificate_expiring",
		    left < HTTP_CHECKS_DAYS_EXPIRING, json_pack("{ss}", "not_after", after));
	rc |= checks_add(out, "tls.hostname_mismatch", !t->hostname_match,
	    json_pack("{ss}", "host", o->host));
	rc |= checks_add(out, "tls.self_signed", untrusted,
	    json_pack("{sbsssiss}", "self_signed", t->self_signed, "issuer", t->issuer,
	    "verify_error", t->verify_error, "verify_message",
	    t->verify_error ? t->verify_message : "ok"));
	rc |= checks_add(out, "tls.weak_key", checks_weak_key(t),
	    json_pack("{sssi}", "key_type", t->key_type, "key_bits", t->key_bits));
	rc |= checks_add(out, "tls.weak_signature", checks_weak_signature(t->signature),
	    json_pack("{ss}", "signature_algorithm", t->signature));
	return (rc);
}

/* One Set-Cookie value as the cookie list shows it: name, flags, SameSite. */
static json_t *
checks_cookie(const char *v, int *secure, int *httponly)
{
	char name[COOKIE_NAME_MAX + 4], samesite[16 + 4] = "";
	const char *attr, *a, *eq;

	*secure = *httponly = 0;
	scan_results_excerpt(v, strcspn(v, "=;"), COOKIE_NAME_MAX, name);
	for (attr = strchr(v, ';'); attr != NULL; attr = strchr(attr + 1, ';')) {
		a = attr + 1;
		while (*a == ' ')
			a++;
		if (strncasecmp(a, "secure", 6) == 0 && (a[6] == ';' || a[6] == '\0' ||
		    a[6] == ' '))
			*secure = 1;
		else if (strncasecmp(a, "httponly", 8) == 0 && (a[8] == ';' || a[8] == '\0' ||
		    a[8] == ' '))
			*httponly = 1;
		else if (strncasecmp(a, "samesite", 8) == 0 && (eq = strchr(a, '=')) != NULL)
			scan_results_excerpt(eq + 1, strcspn(eq + 1, "; "), 15, samesite);
	}
	return (json_pack("{sssbsbss}", "name", name, "secure", *secure, "httponly",
	    *httponly, "samesite", samesite[0] ? samesite : "unset"));
}

/* Cookies: every Set-Cookie must carry Secure and HttpOnly; SameSite is reported. The
 * list holds the first MAX_COOKIES cookies while it stays within COOKIE_LIST_BUDGET
 * bytes ("list_truncated" when one is left out). */
static int
checks_cookies(const char *headers, struct scan_results *out)
{
	json_t *list = json_array(), *d, *entry;
	int i, bad = 0, secure, httponly, oom = 0, cut = 0;
	size_t used = 0;
	char *v, *text;

	for (i = 0; (v = checks_value(headers, "set-cookie", i, &oom)) != NULL; i++) {
		entry = checks_cookie(v, &secure, &httponly);
		free(v);
		if (!secure || !httponly)
			bad++;
		text = entry && i < MAX_COOKIES ? json_dumps(entry, JSON_COMPACT) : NULL;
		if (text != NULL && used + strlen(text) + 1 <= COOKIE_LIST_BUDGET) {
			used += strlen(text) + 1;
			json_array_append(list, entry);
		} else if (i < MAX_COOKIES) {
			cut = 1;
		}
		free(text);
		json_decref(entry);
	}
	if (oom) {
		json_decref(list);
		return (-1);
	}
	d = json_pack("{sisiso}", "cookies", i, "insecure", bad, "list", list);
	if (cut)
		json_object_set_new(d, "list_truncated", json_true());
	return (checks_add(out, "web_headers.cookie_insecure", bad > 0, d));
}

/* Whether v (may be NULL) is one of the words (case-insensitive). */
static int
checks_is_one_of(const char *v, const char *const *words)
{
	int i;

	for (i = 0; v != NULL && words[i] != NULL; i++)
		if (strcasecmp(v, words[i]) == 0)
			return (1);
	return (0);
}

/* Server and X-Powered-By: a version named is a finding. */
static int
checks_version(const char *h, struct scan_results *out, int *oom)
{
	static const char *const names[] = {"server", "x-powered-by"};
	char q[SCAN_RESULTS_EXCERPT + 4], *v;
	json_t *d = json_object();
	int disclosed = 0, i;

	for (i = 0; i < 2; i++) {
		if ((v = checks_value(h, names[i], 0, oom)) == NULL)
			continue;
		if (http_checks_version_disclosed(v)) {
			disclosed = 1;
			json_object_set_new(d, names[i], json_string(checks_quote(v, q)));
		}
		free(v);
	}
	return (checks_add(out, "web_headers.version_disclosure", disclosed, d));
}

/* The security headers of the final HTTPS response; every value is judged whole. */
static int
checks_headers(const struct http_observation *o, struct scan_results *out)
{
	static const char *const frame_ok[] = {"deny", "sameorigin", NULL};
	static const char *const nosniff[] = {"nosniff", NULL};
	const char *h = o->https_headers ? o->https_headers : "";
	char q[SCAN_RESULTS_EXCERPT + 4], *hsts, *csp, *xfo, *xcto, *referrer;
	int rc = 0, oom = 0;
	long age;

	hsts = checks_value(h, "strict-transport-security", 0, &oom);
	csp = checks_value(h, "content-security-policy", 0, &oom);
	xfo = checks_value(h, "x-frame-options", 0, &oom);
	xcto = checks_value(h, "x-content-type-options", 0, &oom);
	referrer = checks_value(h, "referrer-policy", 0, &oom);
	if (oom) {
		rc = -1;
		goto done;
	}
	if (hsts == NULL) {
		rc |= checks_add(out, "web_headers.hsts_missing", 1, NULL);
	} else {
		age = http_checks_hsts_max_age(hsts);
		checks_quote(hsts, q);
		rc |= checks_add(out, "web_headers.hsts_missing", 0, json_pack("{ss}",
		    "value", q));
		rc |= checks_add(out, "web_headers.hsts_short_max_age",
		    age < HTTP_CHECKS_HSTS_MIN_AGE, json_pack("{sIss}", "max_age",
		    (json_int_t)age, "value", q));
	}
	rc |= checks_add(out, "web_headers.csp_missing", csp == NULL, NULL);
	if (csp != NULL)
		rc |= checks_add(out, "web_headers.csp_unsafe", http_checks_csp_unsafe(csp),
		    json_pack("{ss}", "policy", checks_quote(csp, q)));
	if (checks_is_one_of(xfo, frame_ok))
		rc |= checks_add(out, "web_headers.frame_options_missing", 0,
		    json_pack("{ss}", "x_frame_options", checks_quote(xfo, q)));
	else if (csp != NULL && http_checks_csp_directive(csp, "frame-ancestors"))
		rc |= checks_add(out, "web_headers.frame_options_missing", 0,
		    json_pack("{ss}", "via", "frame-ancestors"));
	else
		rc |= checks_add(out, "web_headers.frame_options_missing", 1, NULL);
	rc |= checks_add(out, "web_headers.content_type_options_missing",
	    !checks_is_one_of(xcto, nosniff), NULL);
	rc |= checks_add(out, "web_headers.referrer_policy_missing",
	    referrer == NULL || referrer[0] == '\0', NULL);
	rc |= checks_cookies(h, out);
	rc |= checks_version(h, out, &oom);
	if (oom)
		rc = -1;
done:
	free(hsts);
	free(csp);
	free(xfo);
	free(xcto);
	free(referrer);
	return (rc);
}

/* HTTP must redirect to HTTPS; a host that serves no plain HTTP passes. */
static int
checks_redirect(const struct http_observation *o, struct scan_results *out)
{
	const char *loc = o->http_location;
	char q[SCAN_RESULTS_EXCERPT + 4];
	int to_https;

	if (o->http == HTTP_REACH_UNAVAILABLE)
		return (checks_add(out, "tls.no_https_redirect", 0, json_pack("{ss}", "http",
		    "not served")));
	if (o->http != HTTP_REACH_OK)
		return (0);
	to_https = o->http_status >= 300 && o->http_status < 400 && loc != NULL &&
	    strncasecmp(loc, "https://", 8) == 0;
	return (checks_add(out, "tls.no_https_redirect", !to_https,
	    json_pack("{sIss}", "status", (json_int_t)o->http_status, "location",
	    checks_quote(loc ? loc : "", q))));
}

int
http_checks_run(const struct http_observation *o, struct scan_results *out)
{
	int rc = 0;

	switch (o->https) {
	case HTTP_REACH_OK:
	case HTTP_REACH_UNTRUSTED:
		rc |= checks_add(out, "tls.https_unavailable", 0, NULL);
		break;
	case HTTP_REACH_UNAVAILABLE:
		/* A domain that serves no web at all has no web findings. */
		if (o->http != HTTP_REACH_OK)
			return (0);
		rc |= checks_add(out, "tls.https_unavailable", 1, json_pack("{ss}", "error",
		    o->https_error));
		break;
	default:
		break;
	}
	if (o->tls.seen)
		rc |= checks_tls(o, out);
	if (o->https == HTTP_REACH_OK)
		rc |= checks_headers(o, out);
	rc |= checks_redirect(o, out);
	return (rc ? -1 : 0);
}
