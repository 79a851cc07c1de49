/* The pure web checks and the scanner's address policy. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <string.h>

#include "collector/http_checks.h"
#include "collector/address_policy.h"
#include "collector/http_scan.h"

#define NOW 1780000000L                       /* 2026-05-28 */

static const char *
outcome(const struct scan_results *r, const char *code)
{
	return (scan_results_outcome(r, code));
}

static void
good_tls(struct http_observation *o)
{
	memset(o, 0, sizeof(*o));
	o->host = "example.com";
	o->now = NOW;
	o->https = HTTP_REACH_OK;
	o->https_status = 200;
	o->http = HTTP_REACH_OK;
	o->http_status = 301;
	o->http_location = "https://example.com/";
	o->tls.seen = 1;
	strcpy(o->tls.version, "TLSv1.3");
	o->tls.not_before = NOW - 30 * 86400;
	o->tls.not_after = NOW + 60 * 86400;
	o->tls.hostname_match = 1;
	strcpy(o->tls.key_type, "EC");
	o->tls.key_bits = 256;
	strcpy(o->tls.signature, "ecdsa-with-SHA256");
}

Test(http_checks, header_lookup_is_case_insensitive_and_trims)
{
	const char *block = "HTTP/1.1 200 OK\r\nServer:  nginx/1.2 \r\nSet-Cookie: a=1\r\n"
	    "set-cookie: b=2\r\n";
	char v[64];

	cr_assert_str_eq(http_checks_header(block, "server", 0, v, sizeof(v)), "nginx/1.2");
	cr_assert_str_eq(http_checks_header(block, "SET-COOKIE", 1, v, sizeof(v)), "b=2");
	cr_assert_null(http_checks_header(block, "set-cookie", 2, v, sizeof(v)));
	cr_assert_null(http_checks_header(block, "serve", 0, v, sizeof(v)));
}

Test(http_checks, version_disclosure)
{
	cr_assert(http_checks_version_disclosed("nginx/1.18.0"));
	cr_assert(http_checks_version_disclosed("PHP/7.4.3"));
	cr_assert(http_checks_version_disclosed("Apache 2.4"));
	cr_assert(http_checks_version_disclosed("Microsoft-IIS/10.0"));
	cr_assert(!http_checks_version_disclosed("nginx"));
	cr_assert(!http_checks_version_disclosed("cloudflare"));
	cr_assert(!http_checks_version_disclosed("AmazonS3"));
	cr_assert(!http_checks_version_disclosed("gws"));
}

Test(http_checks, hsts_max_age)
{
	cr_assert_eq(http_checks_hsts_max_age("max-age=31536000; includeSubDomains"), 31536000);
	cr_assert_eq(http_checks_hsts_max_age("includeSubDomains; max-age=\"600\""), 600);
	cr_assert_eq(http_checks_hsts_max_age("max-age = 10"), 10);
	cr_assert_eq(http_checks_hsts_max_age("includeSubDomains"), -1);
	cr_assert_eq(http_checks_hsts_max_age("max-age=abc"), -1);
	cr_assert_eq(http_checks_hsts_max_age("max-age=10x"), -1);
}

Test(http_checks, csp_unsafe_looks_at_script_sources)
{
	cr_assert(http_checks_csp_unsafe("default-src 'self' 'unsafe-inline'"));
	cr_assert(http_checks_csp_unsafe("script-src 'self' 'UNSAFE-EVAL'; object-src 'none'"));
	cr_assert(!http_checks_csp_unsafe("script-src 'self'; style-src 'unsafe-inline'"));
	cr_assert(!http_checks_csp_unsafe("default-src 'unsafe-inline'; script-src 'self'"));
	/* No script-src nor default-src: scripts are not restricted (2026.1 passed it). */
	cr_assert(http_checks_csp_unsafe("frame-ancestors 'none'"));
	cr_assert(http_checks_csp_directive("default-src 'self'; frame-ancestors 'none'",
	    "frame-ancestors"));
	cr_assert(!http_checks_csp_directive("default-src 'self'", "frame-ancestors"));
}

Test(http_checks, a_clean_site_passes)
{
	struct http_observation o;
	struct scan_results r = {0};

	good_tls(&o);
	o.https_headers = "HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=63072000;"
	    " includeSubDomains; preload\r\n"
	    "Content-Security-Policy: default-src 'self'; object-src 'none';"
	    " frame-ancestors 'none'\r\n"
	    "X-Content-Type-Options: nosniff\r\nReferrer-Policy: same-origin\r\n"
	    "Set-Cookie: s=1; Secure; HttpOnly; SameSite=Strict\r\nServer: nginx\r\n";
	cr_assert_eq(http_checks_run(&o, &r), 0);
	cr_assert_eq(r.n, 29);
	for (size_t i = 0; i < r.n; i++)
		cr_expect_str_eq(r.items[i].outcome, "pass", "%s: %s", r.items[i].code,
		    r.items[i].details);
}

Test(http_checks, missing_headers_and_bad_cookies_fail)
{
	struct http_observation o;
	struct scan_results r = {0};

	good_tls(&o);
	o.http_status = 200;
	o.http_location = NULL;
	o.https_headers = "HTTP/1.1 200 OK\r\nX-Powered-By: Express 4.17\r\n"
	    "Set-Cookie: a=1; HttpOnly\r\nSet-Cookie: b=2; Secure; HttpOnly\r\n"
	    "X-Frame-Options: ALLOW-FROM https://x\r\nX-Content-Type-Options: sniff\r\n";
	cr_assert_eq(http_checks_run(&o, &r), 0);
	cr_expect_str_eq(outcome(&r, "web_headers.hsts_missing"), "fail");
	cr_expect_str_eq(outcome(&r, "web_headers.hsts_short_max_age"), "-");
	cr_expect_str_eq(outcome(&r, "web_headers.csp_missing"), "fail");
	cr_expect_str_eq(outcome(&r, "web_headers.csp_unsafe"), "-");
	cr_expect_str_eq(outcome(&r, "web_headers.frame_options_missing"), "fail");
	cr_expect_str_eq(outcome(&r, "web_headers.content_type_options_missing"), "fail");
	cr_expect_str_eq(outcome(&r, "web_headers.referrer_policy_missing"), "fail");
	cr_expect_str_eq(outcome(&r, "web_headers.cookie_insecure"), "fail");
	cr_expect_str_eq(outcome(&r, "web_headers.version_disclosure"), "fail");
	cr_expect_str_eq(outcome(&r, "tls.no_https_redirect"), "fail");
}

Test(http_checks, certificate_problems)
{
	struct http_observation o;
	struct scan_results r = {0};

	good_tls(&o);
	o.https = HTTP_REACH_UNTRUSTED;
	o.tls.not_after = NOW - 86400;
	o.tls.verify_error = 0;           /* the leaf's dates are not a chain fault */
	strcpy(o.tls.version, "TLSv1.1");
	strcpy(o.tls.key_type, "RSA");
	o.tls.key_bits = 1024;
	strcpy(o.tls.signature, "sha1WithRSAEncryption");
	o.tls.hostname_match = 0;
	cr_assert_eq(http_checks_run(&o, &r), 0);
	cr_expect_str_eq(outcome(&r, "tls.https_unavailable"), "pass");
	cr_expect_str_eq(outcome(&r, "tls.certificate_expired"), "fail");
	cr_expect_str_eq(outcome(&r, "tls.certificate_expiring"), "-");
	cr_expect_str_eq(outcome(&r, "tls.self_signed"), "pass", "expiry alone is not distrust");
	cr_expect_str_eq(outcome(&r, "tls.hostname_mismatch"), "fail");
	cr_expect_str_eq(outcome(&r, "tls.legacy_protocol"), "fail");
	cr_expect_str_eq(outcome(&r, "tls.weak_key"), "fail");
	cr_expect_str_eq(outcome(&r, "tls.weak_signature"), "fail");
	cr_expect_str_eq(outcome(&r, "web_headers.hsts_missing"), "-",
	    "no headers were received");

	memset(&r, 0, sizeof(r));
	good_tls(&o);
	o.tls.not_after = NOW + 10 * 86400;
	o.tls.self_signed = 1;
	o.https = HTTP_REACH_UNTRUSTED;
	cr_assert_eq(http_checks_run(&o, &r), 0);
	cr_expect_str_eq(outcome(&r, "tls.certificate_expiring"), "fail");
	cr_expect_str_eq(outcome(&r, "tls.self_signed"), "fail");
}

Test(http_checks, unreachable_and_unknown)
{
	struct http_observation o;
	struct scan_results r = {0};

	memset(&o, 0, sizeof(o));
	o.host = "example.com";
	o.now = NOW;
	o.https = HTTP_REACH_UNAVAILABLE;
	o.http = HTTP_REACH_UNAVAILABLE;
	cr_assert_eq(http_checks_run(&o, &r), 0);
	cr_expect_eq(r.n, 0, "a domain without any web service has no web findings");
	o.http = HTTP_REACH_OK;
	o.http_status = 200;
	cr_assert_eq(http_checks_run(&o, &r), 0);
	cr_expect_str_eq(outcome(&r, "tls.https_unavailable"), "fail");
	cr_expect_str_eq(outcome(&r, "tls.no_https_redirect"), "fail");
	memset(&r, 0, sizeof(r));
	o.https = HTTP_REACH_TIMEOUT;
	o.http = HTTP_REACH_TIMEOUT;
	cr_assert_eq(http_checks_run(&o, &r), 0);
	cr_expect_eq(r.n, 0, "a timeout concludes nothing");
}

static int
allowed(const char *addr, const char *allow)
{
	struct address_policy_net nets[8];
	struct sockaddr_storage ss;
	size_t n;

	memset(&ss, 0, sizeof(ss));
	cr_assert_eq(address_policy_parse_allow(allow, nets, 8, &n), 0);
	if (strchr(addr, ':') != NULL) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		cr_assert_eq(inet_pton(AF_INET6, addr, &s6->sin6_addr), 1);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		cr_assert_eq(inet_pton(AF_INET, addr, &s4->sin_addr), 1);
	}
	return (address_policy_allowed((struct sockaddr *)&ss, nets, n));
}

Test(http_checks, address_policy)
{
	struct address_policy_net nets[4];
	size_t n;

	cr_assert(allowed("93.184.216.34", NULL));
	cr_assert(allowed("2606:2800:220:1:248:1893:25c8:1946", NULL));
	cr_assert(!allowed("127.0.0.1", NULL));
	cr_assert(!allowed("10.1.2.3", NULL));
	cr_assert(!allowed("172.16.0.1", NULL));
	cr_assert(allowed("172.32.0.1", NULL));
	cr_assert(!allowed("192.168.1.1", NULL));
	cr_assert(!allowed("169.254.169.254", NULL));
	cr_assert(!allowed("100.64.0.1", NULL));
	cr_assert(!allowed("0.0.0.0", NULL));
	cr_assert(!allowed("224.0.0.1", NULL));
	cr_assert(!allowed("::1", NULL));
	cr_assert(!allowed("fe80::1", NULL));
	cr_assert(!allowed("fd00::1", NULL));
	cr_assert(!allowed("::ffff:127.0.0.1", NULL), "IPv4-mapped loopback");
	cr_assert(!allowed("::ffff:10.0.0.1", NULL));
	cr_assert(allowed("127.0.0.1", "127.0.0.0/8"));
	cr_assert(allowed("::ffff:127.0.0.5", "127.0.0.0/8"));
	cr_assert(!allowed("10.0.0.1", "127.0.0.0/8"));
	cr_assert(allowed("::1", "127.0.0.0/8,::1/128"));
	cr_assert(allowed("10.9.255.1", "10.8.0.0/15"));
	cr_assert(!allowed("10.10.0.1", "10.8.0.0/15"));
	cr_assert_eq(address_policy_parse_allow("10.0.0.0/33", nets, 4, &n), -1);
	cr_assert_eq(address_policy_parse_allow("nonsense", nets, 4, &n), -1);
	cr_assert_eq(address_policy_parse_allow("1.2.3.4,", nets, 4, &n), -1);
	cr_assert_eq(address_policy_parse_allow("", nets, 4, &n), 0);
	cr_assert_eq(n, 0);
}

/* A copy is never cut: a value that does not fit is no value. */
Test(http_checks, header_copy_refuses_what_does_not_fit)
{
	const char *v;
	char out[8];
	size_t len;

	cr_assert_null(http_checks_header("Server: nginx/1.18.0\r\n", "server", 0, out,
	    sizeof(out)));
	cr_assert_eq(http_checks_header_span("Server: nginx/1.18.0 \r\n", "server", 0, &v,
	    &len), 0);
	cr_assert_eq(len, 12);
	cr_assert_eq(strncmp(v, "nginx/1.18.0", len), 0);
}

/* Long security headers are judged on their whole value, and quoted as an excerpt
 * that keeps every result within SCAN_RESULT_DETAILS. */
Test(http_checks, long_values_are_judged_whole_and_quoted_short)
{
	static char block[16384];
	struct http_observation o;
	struct scan_results r = {0};
	char pad[1500];
	size_t used = 0, i;

	memset(pad, 'a', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	used += (size_t)snprintf(block + used, sizeof(block) - used,
	    "HTTP/1.1 200 OK\r\nStrict-Transport-Security: includeSubDomains; x=%s;"
	    " max-age=600\r\nContent-Security-Policy: default-src 'self'; img-src %s;"
	    " script-src 'unsafe-eval'\r\nServer: %s nginx/1.18.0\r\n"
	    "Set-Cookie: s=%s; Secure; HttpOnly\r\n", pad, pad, pad, pad);
	for (i = 0; i < 16; i++)
		used += (size_t)snprintf(block + used, sizeof(block) - used,
		    "Set-Cookie: \"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"%02zu"
		    "=1\r\n", i);
	cr_assert_lt(used, sizeof(block) - 1);
	good_tls(&o);
	o.https_headers = block;
	cr_assert_eq(http_checks_run(&o, &r), 0);
	cr_assert_eq(r.truncated, 0);
	cr_expect_str_eq(outcome(&r, "web_headers.hsts_short_max_age"), "fail");
	cr_expect_str_eq(outcome(&r, "web_headers.csp_unsafe"), "fail");
	cr_expect_str_eq(outcome(&r, "web_headers.version_disclosure"), "fail");
	cr_expect_str_eq(outcome(&r, "web_headers.cookie_insecure"), "fail");
	for (i = 0; i < r.n; i++) {
		cr_expect_lt(strlen(r.items[i].details), SCAN_RESULT_DETAILS, "%s",
		    r.items[i].code);
		if (strcmp(r.items[i].code, "web_headers.cookie_insecure") == 0)
			cr_expect(strstr(r.items[i].details, "\"insecure\":16,") != NULL &&
			    strstr(r.items[i].details, "\"list_truncated\":true") != NULL,
			    "%s", r.items[i].details);
	}
	cr_expect(http_checks_csp_unsafe(strstr(block, "default-src")));
}
