#include "collector/http_checks.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "collector/csp.h"
#include "collector/web_checks.h"
#include "collector/web_policy.h"
#include "common/timefmt.h"

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
	struct web_hsts h;

	web_policy_hsts(value, &h);
	return (h.max_age);
}

int
http_checks_csp_directive(const char *policy, const char *name)
{
	const char *src;
	size_t n;

	return (csp_directive_sources(policy, strlen(policy), name, &src, &n) == 0);
}

int
http_checks_csp_unsafe(const char *policy)
{
	struct csp_verdict v;

	csp_verdict_init(&v);
	csp_verdict_add(&v, policy, strlen(policy));
	return (v.policies > 0 && (v.script_inline || v.script_eval));
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

/* tls.legacy_protocol: a version before TLS 1.2 negotiated, or accepted when the
 * enumeration pinned a handshake to it. Details: the negotiated version and, when
 * enumerated, the versions accepted (those left unknown are not listed). */
static int
checks_legacy(const struct http_tls_facts *t, struct scan_results *out)
{
	const struct tls_enum_result *e = &t->enumeration;
	json_t *d = json_pack("{ss}", "negotiated", t->version), *acc = json_array();
	int fail = checks_legacy_version(t->version), v;

	for (v = TLS_VER_SSL3; e->probed && v < TLS_VER_N; v++) {
		if (e->version[v] != TLS_ACCEPTED)
			continue;
		json_array_append_new(acc, json_string(tls_version_name((enum tls_version_idx)v)));
		fail |= v < TLS_VER_12;
	}
	if (d != NULL && e->probed)
		json_object_set(d, "accepted", acc);
	json_decref(acc);
	return (scan_results_add_json(out, "tls.legacy_protocol", fail, d));
}

/* The cipher-suite checks of an enumeration: each fails when the server accepts a
 * suite of one of its classes; a check whose classes all stayed unknown is left out. */
static int
checks_suites(const struct tls_enum_result *e, struct scan_results *out)
{
	static const struct {
		const char *code;
		unsigned classes;
	} rules[] = {
		{"tls.cipher_insecure", 1u << TLS_CLASS_NULL | 1u << TLS_CLASS_ANON |
		    1u << TLS_CLASS_EXPORT | 1u << TLS_CLASS_RC4},
		{"tls.cipher_3des", 1u << TLS_CLASS_3DES},
		{"tls.cipher_cbc_sha1", 1u << TLS_CLASS_CBC_SHA1},
		{"tls.no_forward_secrecy", 1u << TLS_CLASS_NO_FS},
	};
	size_t i;
	int c, rc = 0, known, fail;
	json_t *acc;

	if (!e->probed)
		return (0);
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		known = fail = 0;
		acc = json_array();
		for (c = 0; c < TLS_CLASS_N; c++) {
			if (!(rules[i].classes & (1u << c)) || e->cls[c] == TLS_UNKNOWN)
				continue;
			known = 1;
			if (e->cls[c] != TLS_ACCEPTED)
				continue;
			fail = 1;
			json_array_append_new(acc, json_pack("{ssss}", "class",
			    tls_class_name((enum tls_suite_class)c), "suite",
			    tls_suite_name(e->cls_suite[c]) ? tls_suite_name(e->cls_suite[c]) :
			    "unknown"));
		}
		if (known)
			rc |= scan_results_add_json(out, rules[i].code, fail,
			    json_pack("{so}", "accepted", acc));
		else
			json_decref(acc);
	}
	return (rc);
}

/* The TLS checks of the leaf certificate and the connection. */
static int
checks_tls(const struct http_observation *o, struct scan_results *out)
{
	const struct http_tls_facts *t = &o->tls;
	char after[21], before[21];
	int64_t left = (t->not_after - o->now) / TIMEFMT_DAY;
	int expired = o->now > t->not_after || o->now < t->not_before;
	int untrusted = t->self_signed || t->verify_error != 0;
	int rc = 0;

	timefmt_format(t->not_after, after);
	timefmt_format(t->not_before, before);
	rc |= checks_legacy(t, out);
	rc |= checks_suites(&t->enumeration, out);
	/* Details hold only what stays the same from one scan to the next (no "days
	 * left"), so that a correction of the fact survives a rescan. */
	rc |= scan_results_add_json(out, "tls.certificate_expired", expired,
	    json_pack("{ssssss}", "not_before", before, "not_after", after,
	    "fingerprint_sha256", t->fingerprint));
	if (!expired)
		rc |= scan_results_add_json(out, "tls.certificate_expiring",
		    left < HTTP_CHECKS_DAYS_EXPIRING, json_pack("{ss}", "not_after", after));
	rc |= scan_results_add_json(out, "tls.hostname_mismatch", !t->hostname_match,
	    json_pack("{ss}", "host", o->host));
	rc |= scan_results_add_json(out, "tls.self_signed", untrusted,
	    json_pack("{sbsssiss}", "self_signed", t->self_signed, "issuer", t->issuer,
	    "verify_error", t->verify_error, "verify_message",
	    t->verify_error ? t->verify_message : "ok"));
	rc |= scan_results_add_json(out, "tls.weak_key", checks_weak_key(t),
	    json_pack("{sssi}", "key_type", t->key_type, "key_bits", t->key_bits));
	rc |= scan_results_add_json(out, "tls.weak_signature", checks_weak_signature(t->signature),
	    json_pack("{ss}", "signature_algorithm", t->signature));
	return (rc);
}

int
http_checks_run(const struct http_observation *o, struct scan_results *out)
{
	int rc = 0;

	switch (o->https) {
	case HTTP_REACH_OK:
	case HTTP_REACH_UNTRUSTED:
		rc |= scan_results_add_json(out, "tls.https_unavailable", 0, NULL);
		break;
	case HTTP_REACH_UNAVAILABLE:
		/* A domain that serves no web at all has no web findings. */
		if (o->http != HTTP_REACH_OK)
			return (0);
		rc |= scan_results_add_json(out, "tls.https_unavailable", 1, json_pack("{ss}", "error",
		    o->https_error));
		break;
	default:
		break;
	}
	if (o->tls.seen)
		rc |= checks_tls(o, out);
	/* Behind a certificate that failed the headers still count: the certificate is
	 * its own finding, not a reason to leave the site unobserved. */
	if (o->https == HTTP_REACH_OK ||
	    (o->https == HTTP_REACH_UNTRUSTED && o->https_headers != NULL))
		rc |= web_checks_headers(o, out);
	rc |= web_checks_redirect(o, out);
	return (rc ? -1 : 0);
}
