#include "collector/http_checks.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "common/timefmt.h"

#define HDR_VALUE 1024                        /* bytes of one header value examined */
#define MAX_COOKIES 16                        /* cookies listed in details */

/* Whether needle occurs in s, ignoring case. */
static int
checks_contains(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; *s != '\0'; s++)
		if (strncasecmp(s, needle, n) == 0)
			return (1);
	return (0);
}

/* Append a result whose details are the JSON object d (consumed). */
static int
checks_add(struct scan_results *out, const char *code, int fail, json_t *d)
{
	char *text = d ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc;

	rc = scan_results_add(out, code, fail ? "fail" : "pass", NULL, text);
	free(text);
	json_decref(d);
	return (rc);
}

char *
http_checks_header(const char *block, const char *name, int idx, char *out, size_t n)
{
	size_t nlen = strlen(name), len;
	const char *line, *end, *v;

	if (block == NULL || n == 0)
		return (NULL);
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
		len = (size_t)(end - v);
		while (len > 0 && (v[len - 1] == '\r' || v[len - 1] == ' ' || v[len - 1] == '\t'))
			len--;
		if (len >= n)
			len = n - 1;
		memcpy(out, v, len);
		out[len] = '\0';
		return (out);
	}
	return (NULL);
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

/* The sources of directive name in policy into out (size n); 0 found, -1 not. */
static int
csp_sources(const char *policy, const char *name, char *out, size_t n)
{
	size_t nlen = strlen(name), len;
	const char *p = policy, *end;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		end = strchr(p, ';');
		if (end == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) >= nlen && strncasecmp(p, name, nlen) == 0 &&
		    (p[nlen] == ' ' || p + nlen == end)) {
			len = (size_t)(end - p - nlen);
			if (len >= n)
				len = n - 1;
			memcpy(out, p + nlen, len);
			out[len] = '\0';
			return (0);
		}
		p = end;
	}
	return (-1);
}

int
http_checks_csp_directive(const char *policy, const char *name)
{
	char unused[8];

	return (csp_sources(policy, name, unused, sizeof(unused)) == 0);
}

int
http_checks_csp_unsafe(const char *policy)
{
	char src[HDR_VALUE];

	if (csp_sources(policy, "script-src", src, sizeof(src)) != 0 &&
	    csp_sources(policy, "default-src", src, sizeof(src)) != 0)
		return (0);
	return (checks_contains(src, "'unsafe-inline'") ||
	    checks_contains(src, "'unsafe-eval'"));
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

/* Cookies: every Set-Cookie must carry Secure and HttpOnly; SameSite is reported. */
static int
checks_cookies(const char *headers, struct scan_results *out)
{
	char v[HDR_VALUE], name[64], samesite[16], *attr, *eq;
	json_t *list = json_array();
	int i, bad = 0, secure, httponly;
	size_t len;

	for (i = 0; http_checks_header(headers, "set-cookie", i, v, sizeof(v)) != NULL; i++) {
		len = strcspn(v, "=;");
		snprintf(name, sizeof(name), "%.*s", (int)(len < 63 ? len : 63), v);
		secure = httponly = 0;
		samesite[0] = '\0';
		for (attr = strchr(v, ';'); attr != NULL; attr = strchr(attr + 1, ';')) {
			const char *a = attr + 1;

			while (*a == ' ')
				a++;
			if (strncasecmp(a, "secure", 6) == 0 && (a[6] == ';' || a[6] == '\0' ||
			    a[6] == ' '))
				secure = 1;
			else if (strncasecmp(a, "httponly", 8) == 0 && (a[8] == ';' ||
			    a[8] == '\0' || a[8] == ' '))
				httponly = 1;
			else if (strncasecmp(a, "samesite", 8) == 0 &&
			    (eq = strchr(a, '=')) != NULL) {
				len = strcspn(eq + 1, "; ");
				snprintf(samesite, sizeof(samesite), "%.*s",
				    (int)(len < 15 ? len : 15), eq + 1);
			}
		}
		if (!secure || !httponly)
			bad++;
		if (i < MAX_COOKIES)
			json_array_append_new(list, json_pack("{sssbsbss}", "name", name,
			    "secure", secure, "httponly", httponly, "samesite",
			    samesite[0] ? samesite : "unset"));
	}
	return (checks_add(out, "web_headers.cookie_insecure", bad > 0,
	    json_pack("{sisiso}", "cookies", i, "insecure", bad, "list", list)));
}

/* The security headers of the final HTTPS response. */
static int
checks_headers(const struct http_observation *o, struct scan_results *out)
{
	const char *h = o->https_headers ? o->https_headers : "";
	char v[HDR_VALUE], csp[HDR_VALUE], xfo[64];
	int rc = 0, has_csp, i;
	long age;

	if (http_checks_header(h, "strict-transport-security", 0, v, sizeof(v)) == NULL) {
		rc |= checks_add(out, "web_headers.hsts_missing", 1, NULL);
	} else {
		age = http_checks_hsts_max_age(v);
		rc |= checks_add(out, "web_headers.hsts_missing", 0, json_pack("{ss}",
		    "value", v));
		rc |= checks_add(out, "web_headers.hsts_short_max_age",
		    age < HTTP_CHECKS_HSTS_MIN_AGE, json_pack("{sIss}", "max_age",
		    (json_int_t)age, "value", v));
	}
	has_csp = http_checks_header(h, "content-security-policy", 0, csp, sizeof(csp)) !=
	    NULL;
	rc |= checks_add(out, "web_headers.csp_missing", !has_csp, NULL);
	if (has_csp)
		rc |= checks_add(out, "web_headers.csp_unsafe", http_checks_csp_unsafe(csp),
		    json_pack("{ss}", "policy", csp));
	if (http_checks_header(h, "x-frame-options", 0, xfo, sizeof(xfo)) != NULL &&
	    (strcasecmp(xfo, "deny") == 0 || strcasecmp(xfo, "sameorigin") == 0))
		rc |= checks_add(out, "web_headers.frame_options_missing", 0,
		    json_pack("{ss}", "x_frame_options", xfo));
	else if (has_csp && http_checks_csp_directive(csp, "frame-ancestors"))
		rc |= checks_add(out, "web_headers.frame_options_missing", 0,
		    json_pack("{ss}", "via", "frame-ancestors"));
	else
		rc |= checks_add(out, "web_headers.frame_options_missing", 1, NULL);
	rc |= checks_add(out, "web_headers.content_type_options_missing",
	    http_checks_header(h, "x-content-type-options", 0, v, sizeof(v)) == NULL ||
	    strcasecmp(v, "nosniff") != 0, NULL);
	rc |= checks_add(out, "web_headers.referrer_policy_missing",
	    http_checks_header(h, "referrer-policy", 0, v, sizeof(v)) == NULL || v[0] == '\0',
	    NULL);
	rc |= checks_cookies(h, out);
	{
		json_t *d = json_object();
		int disclosed = 0;
		static const char *const names[] = {"server", "x-powered-by"};

		for (i = 0; i < 2; i++) {
			if (http_checks_header(h, names[i], 0, v, sizeof(v)) == NULL)
				continue;
			if (http_checks_version_disclosed(v)) {
				disclosed = 1;
				json_object_set_new(d, names[i], json_string(v));
			}
		}
		rc |= checks_add(out, "web_headers.version_disclosure", disclosed, d);
	}
	return (rc);
}

/* HTTP must redirect to HTTPS; a host that serves no plain HTTP passes. */
static int
checks_redirect(const struct http_observation *o, struct scan_results *out)
{
	const char *loc = o->http_location;
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
	    loc ? loc : "")));
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
