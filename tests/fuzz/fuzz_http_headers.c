/*
 * The response headers the scanner reads (collector/http_checks): the input is a
 * header block, with its first bytes setting the rest of the observation (how each
 * fetch ended, statuses, the TLS facts). Checks: http_checks_header copies a value
 * without surrounding blanks or line end into any buffer size without overrun;
 * max-age is -1 or not negative; the CSP verdict on a simple policy (one script-src,
 * nothing that neutralises 'unsafe-inline') agrees with a plain reading of it; every result is a tls.* or web_headers.* code with details that are
 * one JSON object in valid UTF-8 (what the evidence table stores).
 */
#include "tests/fuzz/fuzz.h"

#include <ctype.h>
#include <jansson.h>
#include <strings.h>

#include "collector/http_checks.h"

static const char *const names[] = {"strict-transport-security", "content-security-policy",
    "set-cookie", "x-frame-options", "server", "x-powered-by", "location"};

/* A plain reading of CSP's unsafe verdict for a policy with one script-src and nothing
 * else that could neutralise 'unsafe-inline' (no nonce, hash, 'strict-dynamic', data:,
 * comma or second script-src): it names 'unsafe-inline' or 'unsafe-eval'. -1 when the
 * policy is not that simple. */
static int
reference_csp_unsafe(const char *policy)
{
	const char *p;
	size_t i;
	int unsafe = 0;

	if (strncmp(policy, "script-src ", 11) != 0 || strpbrk(policy, ",;\n\r\f") != NULL)
		return (-1);
	for (p = policy + 11; *p != '\0'; p++)
		if (strncasecmp(p, "'nonce-", 7) == 0 || strncasecmp(p, "'sha", 4) == 0 ||
		    strncasecmp(p, "'strict-dynamic'", 16) == 0 || strncasecmp(p, "data:", 5) == 0)
			return (-1);
	for (i = 11; policy[i] != '\0'; i++)
		if ((strncasecmp(policy + i, "'unsafe-inline'", 15) == 0 &&
		    strchr(" \t", policy[i + 15]) != NULL) ||
		    (strncasecmp(policy + i, "'unsafe-eval'", 13) == 0 &&
		    strchr(" \t", policy[i + 13]) != NULL))
			if (strchr(" \t", policy[i - 1]) != NULL)
				unsafe = 1;
	return (unsafe);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scan_results results;
	struct http_observation o;
	char *block, *small, value[2048];
	size_t i, cut, len;
	json_t *d;

	if (size < 8)
		return (0);
	memset(&o, 0, sizeof(o));
	o.host = "www.example.test";
	o.now = 1767225600;
	o.https = (enum http_reach)(data[0] % 7);
	o.http = (enum http_reach)(data[1] % 7);
	o.https_status = 100 + data[2] * 2;
	o.http_status = 100 + data[3] * 2;
	o.redirects = data[4] & 7;
	o.tls.seen = data[5] & 1;
	o.tls.verify_error = (data[5] >> 1) & 3;
	o.tls.hostname_match = (data[5] >> 3) & 1;
	o.tls.self_signed = (data[5] >> 4) & 1;
	o.tls.not_before = o.now - 86400L * data[6];
	o.tls.not_after = o.now + 86400L * ((int)data[7] - 60);
	o.tls.key_bits = data[6] * 16;
	snprintf(o.tls.version, sizeof(o.tls.version), "%s", data[7] & 1 ? "TLSv1.3" : "TLSv1");
	snprintf(o.tls.key_type, sizeof(o.tls.key_type), "%s", data[7] & 2 ? "RSA" : "EC");
	snprintf(o.tls.signature, sizeof(o.tls.signature), "sha256WithRSAEncryption");
	snprintf(o.tls.issuer, sizeof(o.tls.issuer), "/CN=Fuzz CA");
	if (data[4] & 8)
		snprintf(o.refused_address, sizeof(o.refused_address), "10.0.0.1");
	block = fuzz_strndup(data + 8, size - 8);
	o.https_headers = block;
	o.http_location = http_checks_header(block, "location", 0, value, sizeof(value));
	/* The block doubles as the HTML body. */
	o.https_body_read = (data[4] >> 4) & 1;
	o.https_body = o.https_body_read ? block : NULL;
	o.https_body_len = o.https_body_read ? size - 8 : 0;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (http_checks_header(block, names[i], 0, value, sizeof(value)) == NULL)
			continue;
		len = strlen(value);
		FUZZ_CHECK(strchr(value, '\n') == NULL);
		FUZZ_CHECK(len == 0 || (value[0] != ' ' && value[0] != '\t' &&
		    strchr(" \t\r", value[len - 1]) == NULL));
		for (cut = 1; cut <= 64; cut *= 2) {
			FUZZ_CHECK((small = malloc(cut)) != NULL);
			/* Values are never cut: a value that does not fit gives NULL. */
			if (len < cut) {
				FUZZ_CHECK(http_checks_header(block, names[i], 0, small, cut) == small);
				FUZZ_CHECK(strcmp(small, value) == 0);
			} else {
				FUZZ_CHECK(http_checks_header(block, names[i], 0, small, cut) == NULL);
			}
			free(small);
		}
		FUZZ_CHECK(http_checks_hsts_max_age(value) >= -1);
		(void)http_checks_version_disclosed(value);
		(void)http_checks_csp_directive(value, "frame-ancestors");
		if (len < 1000 && reference_csp_unsafe(value) >= 0)
			FUZZ_CHECK(http_checks_csp_unsafe(value) == reference_csp_unsafe(value));
	}
	memset(&results, 0, sizeof(results));
	(void)http_checks_run(&o, &results);
	FUZZ_CHECK(results.n <= SCAN_RESULTS_MAX);
	for (i = 0; i < results.n; i++) {
		const struct scan_result *r = &results.items[i];

		FUZZ_CHECK(strncmp(r->code, "tls.", 4) == 0 ||
		    strncmp(r->code, "web_headers.", 12) == 0);
		FUZZ_CHECK(strcmp(r->outcome, "pass") == 0 || strcmp(r->outcome, "fail") == 0 ||
		    strcmp(r->outcome, "info") == 0);
		FUZZ_TEXT(r->details);
		d = json_loads(r->details, 0, NULL);
		FUZZ_CHECK(json_is_object(d));
		json_decref(d);
	}
	free(block);
	return (0);
}
