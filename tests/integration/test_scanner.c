/* The HTTP and TLS scanner against local nginx servers signed by a test CA. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collector/http_checks.h"
#include "collector/http_scan.h"
#include "common/timefmt.h"
#include "tests/support/scan_fixture.h"
#include "tests/support/testdb.h"

static struct scan_fixture fx;

struct seen {
	char host[64];
	struct http_observation obs;
	char headers[4096];
	struct scan_results results;
};

static struct seen seen[16];
static size_t nseen;

static void
setup(void)
{
	scan_fixture_start(&fx);
	nseen = 0;
}

static void
teardown(void)
{
	scan_fixture_stop(&fx);
}

TestSuite(scanner, .init = setup, .fini = teardown, .timeout = 60);

static void
on_done(void *arg, void *tag, const struct http_observation *o)
{
	struct seen *s = &seen[nseen++];

	(void)arg;
	(void)tag;
	cr_assert(nseen <= 16);
	snprintf(s->host, sizeof(s->host), "%s", o->host);
	s->obs = *o;
	snprintf(s->headers, sizeof(s->headers), "%s", o->https_headers ? o->https_headers : "");
	s->obs.host = s->host;
	s->obs.https_headers = s->headers;
	s->obs.http_location = NULL;
	cr_assert_eq(http_checks_run(o, &s->results), 0);
}

/* Scan hosts with the fixture's routes; now_shift moves the certificates' clock. */
static void
scan(const char *const *hosts, int64_t now_shift, const char *allow,
    const char *const *resolve, long timeout_ms, long max_body)
{
	struct http_scan_options opt;
	struct http_scan *s;
	size_t i;

	memset(&opt, 0, sizeof(opt));
	opt.ca_file = fx.ca_file;
	opt.allow = allow;
	opt.connect_to = fx.connect_to;
	opt.resolve = resolve;
	opt.timeout_ms = timeout_ms;
	opt.connect_timeout_ms = 2000;
	opt.max_body = max_body;
	opt.now = timefmt_now() + now_shift;
	cr_assert_not_null(s = http_scan_new(&opt));
	for (i = 0; hosts[i] != NULL; i++)
		cr_assert_eq(http_scan_add(s, hosts[i], NULL), 0);
	while (http_scan_active(s) > 0)
		cr_assert(http_scan_run(s, 200, on_done, NULL) >= 0);
	http_scan_free(s);
}

static const struct seen *
host(const char *name)
{
	size_t i;

	for (i = 0; i < nseen; i++)
		if (strcmp(seen[i].host, name) == 0)
			return (&seen[i]);
	cr_assert_fail("no result for %s", name);
	return (NULL);
}

/* The outcome of check code for name, or "-" when not observed. */
static const char *
outcome(const char *name, const char *code)
{
	const struct seen *s = host(name);
	size_t i;

	for (i = 0; i < s->results.n; i++)
		if (strcmp(s->results.items[i].code, code) == 0)
			return (s->results.items[i].outcome);
	return ("-");
}

static const char *
details(const char *name, const char *code)
{
	const struct seen *s = host(name);
	size_t i;

	for (i = 0; i < s->results.n; i++)
		if (strcmp(s->results.items[i].code, code) == 0)
			return (s->results.items[i].details);
	return ("");
}

#define LOOPBACK "127.0.0.0/8"

Test(scanner, good_site_passes_every_check)
{
	static const char *const hosts[] = {"good.test", NULL};
	static const char *const codes[] = {"tls.https_unavailable", "tls.no_https_redirect",
	    "tls.legacy_protocol", "tls.certificate_expired", "tls.certificate_expiring",
	    "tls.hostname_mismatch", "tls.self_signed", "tls.weak_key", "tls.weak_signature",
	    "web_headers.hsts_missing", "web_headers.hsts_short_max_age",
	    "web_headers.csp_missing", "web_headers.csp_unsafe",
	    "web_headers.frame_options_missing", "web_headers.content_type_options_missing",
	    "web_headers.referrer_policy_missing", "web_headers.cookie_insecure",
	    "web_headers.version_disclosure", NULL};
	size_t i;

	scan(hosts, 0, LOOPBACK, NULL, 5000, 0);
	cr_assert_eq(host("good.test")->obs.https, HTTP_REACH_OK);
	for (i = 0; codes[i] != NULL; i++)
		cr_expect_str_eq(outcome("good.test", codes[i]), "pass", "%s %s", codes[i],
		    details("good.test", codes[i]));
	cr_expect(strstr(details("good.test", "tls.legacy_protocol"), "TLSv1.3") != NULL,
	    "%s", details("good.test", "tls.legacy_protocol"));
	cr_expect(strstr(details("good.test", "tls.weak_key"), "\"EC\"") != NULL);
	cr_expect(strstr(details("good.test", "web_headers.cookie_insecure"),
	    "\"samesite\":\"Lax\"") != NULL, "%s",
	    details("good.test", "web_headers.cookie_insecure"));
}

Test(scanner, weak_headers_cookies_key_and_signature_fail)
{
	static const char *const hosts[] = {"weak.test", NULL};

	scan(hosts, 0, LOOPBACK, NULL, 5000, 0);
	cr_assert_eq(host("weak.test")->obs.https, HTTP_REACH_OK);
	cr_expect_str_eq(outcome("weak.test", "web_headers.hsts_missing"), "pass");
	cr_expect_str_eq(outcome("weak.test", "web_headers.hsts_short_max_age"), "fail");
	cr_expect_str_eq(outcome("weak.test", "web_headers.csp_unsafe"), "fail");
	cr_expect_str_eq(outcome("weak.test", "web_headers.frame_options_missing"), "pass");
	cr_expect_str_eq(outcome("weak.test", "web_headers.content_type_options_missing"),
	    "fail");
	cr_expect_str_eq(outcome("weak.test", "web_headers.referrer_policy_missing"), "fail");
	cr_expect_str_eq(outcome("weak.test", "web_headers.cookie_insecure"), "fail");
	cr_expect(strstr(details("weak.test", "web_headers.cookie_insecure"),
	    "\"insecure\":1") != NULL);
	cr_expect_str_eq(outcome("weak.test", "web_headers.version_disclosure"), "fail");
	cr_expect(strstr(details("weak.test", "web_headers.version_disclosure"),
	    "PHP/7.4.3") != NULL);
	cr_expect_str_eq(outcome("weak.test", "tls.weak_key"), "fail");
	cr_expect_str_eq(outcome("weak.test", "tls.weak_signature"), "fail");
	cr_expect_str_eq(outcome("weak.test", "tls.no_https_redirect"), "fail");
}

Test(scanner, expired_expiring_mismatched_and_self_signed_certificates)
{
	static const char *const hosts[] = {"expired.test", "expiring.test", "wrong.test",
	    "self.test", NULL};

	/* Five days on: the one-day certificate has expired, the 12-day one expires soon. */
	scan(hosts, 5 * TIMEFMT_DAY, LOOPBACK, NULL, 5000, 0);
	cr_expect_eq(host("expired.test")->obs.https, HTTP_REACH_UNTRUSTED);
	cr_expect_str_eq(outcome("expired.test", "tls.certificate_expired"), "fail");
	cr_expect_str_eq(outcome("expired.test", "tls.https_unavailable"), "pass");
	cr_expect_str_eq(outcome("expired.test", "tls.self_signed"), "pass",
	    "%s", details("expired.test", "tls.self_signed"));
	cr_expect_str_eq(outcome("expired.test", "web_headers.hsts_missing"), "fail",
	    "the headers behind an expired certificate are still observed");
	cr_expect_eq(host("expiring.test")->obs.https, HTTP_REACH_OK);
	cr_expect_str_eq(outcome("expiring.test", "tls.certificate_expired"), "pass");
	cr_expect_str_eq(outcome("expiring.test", "tls.certificate_expiring"), "fail");
	cr_expect_eq(host("wrong.test")->obs.https, HTTP_REACH_UNTRUSTED);
	cr_expect_str_eq(outcome("wrong.test", "tls.hostname_mismatch"), "fail");
	cr_expect_str_eq(outcome("wrong.test", "tls.self_signed"), "pass");
	cr_expect_eq(host("self.test")->obs.https, HTTP_REACH_UNTRUSTED);
	cr_expect_str_eq(outcome("self.test", "tls.self_signed"), "fail");
	cr_expect_str_eq(outcome("self.test", "tls.hostname_mismatch"), "pass");
}

/* Issue 11's misses: an expired certificate from an unknown CA passed tls.self_signed
 * (only expiry was seen), a CN without subjectAltName passed the name check, and
 * TLS 1.0/1.1 offered next to 1.2 passed tls.legacy_protocol. */
Test(scanner, tls_versions_suites_and_chain_reasons)
{
	static const char *const hosts[] = {"legacy.test", "modern.test",
	    "expired-unknown.test", "cn-only.test", NULL};
	static const char *const suite_codes[] = {"tls.cipher_insecure", "tls.cipher_3des",
	    "tls.cipher_cbc_sha1", "tls.no_forward_secrecy", NULL};
	size_t i;

	scan(hosts, 5 * TIMEFMT_DAY, LOOPBACK, NULL, 5000, 0);
	cr_expect_eq(host("legacy.test")->obs.https, HTTP_REACH_OK);
	cr_expect_str_eq(host("legacy.test")->obs.tls.version, "TLSv1.2",
	    "the negotiated version alone looks modern");
	cr_expect_str_eq(outcome("legacy.test", "tls.legacy_protocol"), "fail");
	cr_expect(strstr(details("legacy.test", "tls.legacy_protocol"),
	    "\"accepted\":[\"TLSv1\",\"TLSv1.1\",\"TLSv1.2\"]") != NULL, "%s",
	    details("legacy.test", "tls.legacy_protocol"));
	cr_expect_str_eq(outcome("legacy.test", "tls.cipher_insecure"), "fail");
	cr_expect(strstr(details("legacy.test", "tls.cipher_insecure"), "\"null\"") != NULL &&
	    strstr(details("legacy.test", "tls.cipher_insecure"), "\"anonymous\"") != NULL,
	    "%s", details("legacy.test", "tls.cipher_insecure"));
	cr_expect_str_eq(outcome("legacy.test", "tls.cipher_3des"), "pass",
	    "Debian's OpenSSL serves no 3DES suite");
	cr_expect_str_eq(outcome("legacy.test", "tls.cipher_cbc_sha1"), "fail");
	cr_expect_str_eq(outcome("legacy.test", "tls.no_forward_secrecy"), "fail");
	cr_expect_str_eq(outcome("modern.test", "tls.legacy_protocol"), "pass", "%s",
	    details("modern.test", "tls.legacy_protocol"));
	cr_expect(strstr(details("modern.test", "tls.legacy_protocol"),
	    "\"accepted\":[\"TLSv1.2\",\"TLSv1.3\"]") != NULL, "%s",
	    details("modern.test", "tls.legacy_protocol"));
	for (i = 0; suite_codes[i] != NULL; i++)
		cr_expect_str_eq(outcome("modern.test", suite_codes[i]), "pass", "%s %s",
		    suite_codes[i], details("modern.test", suite_codes[i]));
	cr_expect_eq(host("expired-unknown.test")->obs.https, HTTP_REACH_UNTRUSTED);
	cr_expect_str_eq(outcome("expired-unknown.test", "tls.certificate_expired"), "fail");
	cr_expect_str_eq(outcome("expired-unknown.test", "tls.self_signed"), "fail",
	    "an unknown issuer is not hidden by the expiry");
	cr_expect(strstr(details("expired-unknown.test", "tls.self_signed"),
	    "\"verify_error\":20") != NULL, "%s",
	    details("expired-unknown.test", "tls.self_signed"));
	cr_expect_str_eq(outcome("expired-unknown.test", "web_headers.hsts_missing"), "fail");
	cr_expect_str_eq(outcome("cn-only.test", "tls.hostname_mismatch"), "fail",
	    "no fallback to the subject's CN (RFC 9525)");
	cr_expect_str_eq(outcome("cn-only.test", "tls.self_signed"), "pass");
}

Test(scanner, redirects_to_private_addresses_are_refused)
{
	static const char *const hosts[] = {"redirect.test", "internal.test", "hop.test", NULL};
	static const char *const resolve[] = {"inside.test:443:10.0.0.7", NULL};

	scan(hosts, 0, LOOPBACK, resolve, 5000, 0);
	cr_expect_str_eq(host("redirect.test")->obs.refused_address, "10.255.255.1");
	cr_expect_str_eq(host("internal.test")->obs.refused_address, "10.0.0.7");
	cr_expect_eq(host("redirect.test")->obs.https_status, 302);
	/* A redirect to a public-looking name on the allowed network is followed. */
	cr_expect_eq(host("hop.test")->obs.redirects, 1);
	cr_expect_str_eq(outcome("hop.test", "web_headers.hsts_missing"), "pass");
	cr_expect_str_eq(host("hop.test")->obs.refused_address, "");
}

Test(scanner, loopback_is_refused_unless_allowed)
{
	static const char *const hosts[] = {"good.test", NULL};

	scan(hosts, 0, NULL, NULL, 5000, 0);
	cr_expect_eq(host("good.test")->obs.https, HTTP_REACH_REFUSED_ADDRESS);
	cr_expect_eq(host("good.test")->obs.http, HTTP_REACH_REFUSED_ADDRESS);
	cr_expect_str_eq(host("good.test")->obs.refused_address, "127.0.0.1");
	cr_expect_eq(host("good.test")->results.n, 0, "nothing is concluded");
}

Test(scanner, oversized_slow_and_closed_servers)
{
	static const char *const hosts[] = {"big.test", "slow.test", "nohttps.test", NULL};

	scan(hosts, 0, LOOPBACK, NULL, 1500, 64 * 1024);
	/* 2 MB body, 64 KiB read: the headers still count. */
	cr_expect_eq(host("big.test")->obs.https, HTTP_REACH_OK);
	cr_expect_str_eq(outcome("big.test", "web_headers.hsts_missing"), "pass");
	cr_expect_eq(host("slow.test")->obs.https, HTTP_REACH_TIMEOUT);
	cr_expect_eq(host("slow.test")->results.n, 0);
	cr_expect_eq(host("nohttps.test")->obs.https, HTTP_REACH_UNAVAILABLE);
	cr_expect_str_eq(outcome("nohttps.test", "tls.https_unavailable"), "fail");
	cr_expect_str_eq(outcome("nohttps.test", "tls.no_https_redirect"), "fail");
}

/* A scanned site writes its header values: padded with characters that JSON escapes
 * (backslashes, quotes), long, or many, they must not grow a result's details past
 * what a result holds, or the failing check would vanish. Values are quoted as a
 * bounded excerpt marked "..." when cut. */
Test(scanner, padded_headers_cannot_hide_their_findings)
{
	static const char *const hosts[] = {"hsts-pad.test", "csp-pad.test",
	    "powered-pad.test", "cookies-pad.test", NULL};
	const char *d;
	size_t i, k;

	scan(hosts, 0, LOOPBACK, NULL, 5000, 0);
	for (i = 0; hosts[i] != NULL; i++) {
		const struct seen *s = host(hosts[i]);

		cr_assert_eq(s->obs.https, HTTP_REACH_OK, "%s", hosts[i]);
		cr_expect_eq(s->results.truncated, 0, "%s: a result was refused", hosts[i]);
		for (k = 0; k < s->results.n; k++)
			cr_expect_lt(strlen(s->results.items[k].details), SCAN_RESULT_DETAILS);
	}
	cr_expect(strstr(host("hsts-pad.test")->headers, "max-age=600; \\\\\\\\") != NULL,
	    "the padding arrives: %.80s", host("hsts-pad.test")->headers);
	cr_expect_str_eq(outcome("hsts-pad.test", "web_headers.hsts_missing"), "pass");
	cr_expect_str_eq(outcome("hsts-pad.test", "web_headers.hsts_short_max_age"), "fail");
	d = details("hsts-pad.test", "web_headers.hsts_short_max_age");
	cr_expect(strstr(d, "\"max_age\":600") != NULL && strstr(d, "...\"") != NULL, "%s", d);
	cr_expect_str_eq(outcome("csp-pad.test", "web_headers.csp_unsafe"), "fail");
	cr_expect(strstr(details("csp-pad.test", "web_headers.csp_unsafe"), "...\"") != NULL);
	cr_expect_str_eq(outcome("powered-pad.test", "web_headers.version_disclosure"), "fail");
	cr_expect(strstr(details("powered-pad.test", "web_headers.version_disclosure"),
	    "\"x-powered-by\":\"PHP/7.4.3 ") != NULL);
	cr_expect_str_eq(outcome("cookies-pad.test", "web_headers.cookie_insecure"), "fail");
	d = details("cookies-pad.test", "web_headers.cookie_insecure");
	cr_expect(strstr(d, "\"cookies\":16") != NULL && strstr(d, "\"insecure\":16") != NULL &&
	    strstr(d, "\"list_truncated\":true") != NULL, "%s", d);
}

/* A security header is judged on its whole value, not on its first kilobyte. */
Test(scanner, a_long_header_is_judged_whole)
{
	static const char *const hosts[] = {"csp-long.test", NULL};

	scan(hosts, 0, LOOPBACK, NULL, 5000, 0);
	cr_assert_eq(host("csp-long.test")->obs.https, HTTP_REACH_OK);
	cr_expect_str_eq(outcome("csp-long.test", "web_headers.csp_unsafe"), "fail",
	    "script-src lies past the first 1100 bytes: %s",
	    details("csp-long.test", "web_headers.csp_unsafe"));
}

Test(scanner, web_rules_judge_cookies_csp_cors_redirects_and_scripts)
{
	static const char *const hosts[] = {"lax.test", "careful.test", "offhost.test", NULL};
	static const char *const codes[] = {"web_headers.hsts_no_subdomains",
	    "web_headers.hsts_no_preload", "web_headers.csp_broad_sources",
	    "web_headers.csp_insecure_scheme", "web_headers.csp_object_src_open",
	    "web_headers.referrer_policy_unsafe", "web_headers.cookie_insecure",
	    "web_headers.cookie_session_insecure", "web_headers.cookie_samesite_missing",
	    "web_headers.cookie_prefix_invalid", "web_headers.cors_credentials_wildcard",
	    "web_headers.mixed_content", "web_headers.sri_missing", NULL};
	size_t i;

	scan(hosts, 0, LOOPBACK, NULL, 5000, 0);
	for (i = 0; codes[i] != NULL; i++) {
		cr_expect_str_eq(outcome("lax.test", codes[i]), "fail", "lax.test %s %s",
		    codes[i], details("lax.test", codes[i]));
		cr_expect_str_eq(outcome("careful.test", codes[i]), "pass",
		    "careful.test %s %s", codes[i], details("careful.test", codes[i]));
	}
	/* The probe Origin was sent and reflected with credentials. */
	cr_expect(strstr(details("lax.test", "web_headers.cors_credentials_wildcard"),
	    "fairrate-origin-probe.invalid") != NULL);
	cr_expect(strstr(details("lax.test", "web_headers.mixed_content"),
	    "http://cdn.other.test/a.js") != NULL, "%s",
	    details("lax.test", "web_headers.mixed_content"));
	cr_expect_str_eq(outcome("careful.test", "web_headers.csp_unsafe"), "pass");
	cr_expect_str_eq(outcome("careful.test", "web_headers.frame_options_missing"), "pass");
	cr_expect_str_eq(outcome("careful.test", "web_headers.redirect_leaves_host"), "pass");
	cr_expect_str_eq(outcome("offhost.test", "tls.no_https_redirect"), "pass");
	cr_expect_str_eq(outcome("offhost.test", "web_headers.redirect_leaves_host"), "fail");
}

Test(scanner, html_is_read_only_up_to_the_body_cap)
{
	static const char *const hosts[] = {"lax.test", NULL};

	/* The scripts lie past the first 16 bytes: not seen, not judged. */
	scan(hosts, 0, LOOPBACK, NULL, 5000, 16);
	cr_expect_str_eq(outcome("lax.test", "web_headers.mixed_content"), "pass", "%s",
	    details("lax.test", "web_headers.mixed_content"));
	cr_expect(strstr(details("lax.test", "web_headers.sri_missing"),
	    "\"bytes_read\":16") != NULL, "%s", details("lax.test", "web_headers.sri_missing"));
}

/* fairrate scan writes what the padded sites fail on as evidence, and ends cleanly. */
Test(scanner, scan_writes_the_findings_of_padded_sites)
{
	const char *bin = getenv("FAIRRATE_BIN");
	const char *argv[8 + 2 * 64 + 1] = {bin, "scan", "--once", "--no-mail", "--allow",
	    LOOPBACK, "--ca-file", fx.ca_file};
	PGconn *conn = testdb_create();
	size_t argc = 8, i;
	int status;
	pid_t pid;

	cr_assert_not_null(bin);
	testdb_exec(conn, "INSERT INTO companies (slug, name, sector, size_band, country)"
	    " VALUES ('acme', 'Acme', 'retail', 'small', 'DE');"
	    " INSERT INTO assets (company_id, kind, value, source) SELECT id, 'domain', v, 't'"
	    " FROM companies, unnest(ARRAY['hsts-pad.test', 'csp-pad.test',"
	    " 'powered-pad.test', 'cookies-pad.test', 'lax.test']) v");
	for (i = 0; fx.connect_to[i] != NULL; i++) {
		argv[argc++] = "--connect-to";
		argv[argc++] = fx.connect_to[i];
	}
	argv[argc] = NULL;
	if ((pid = fork()) == 0) {
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence e JOIN assets a"
	    " ON a.id = e.asset_id WHERE e.outcome = 'fail' AND (a.value, e.check_code) IN ("
	    " ('hsts-pad.test', 'web_headers.hsts_short_max_age'),"
	    " ('csp-pad.test', 'web_headers.csp_unsafe'),"
	    " ('powered-pad.test', 'web_headers.version_disclosure'),"
	    " ('cookies-pad.test', 'web_headers.cookie_insecure'))"), 4);
	/* New checks are written as unweighted evidence. */
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence e JOIN assets a"
	    " ON a.id = e.asset_id JOIN unweighted_checks u ON u.code = e.check_code"
	    " WHERE a.value = 'lax.test' AND e.outcome = 'fail'"
	    " AND e.check_code LIKE 'web\\_headers.%'"), 12);
	/* So are the suites the enumeration found (the fixture's default cipher list
	 * keeps the CBC-SHA1 suites). */
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence e JOIN assets a"
	    " ON a.id = e.asset_id JOIN unweighted_checks u ON u.code = e.check_code"
	    " WHERE a.value = 'lax.test' AND e.outcome = 'fail'"
	    " AND e.check_code = 'tls.cipher_cbc_sha1'"), 1);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM scan_jobs"
	    " WHERE last_error IS NOT NULL"), 0);
	testdb_drop(conn);
}
