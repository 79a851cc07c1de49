/* SPF and DMARC over real DNS: a local UDP responder the test starts. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collector/dns_mail.h"
#include "collector/dns_policy.h"
#include "collector/mail_auth.h"
#include "tests/support/scan_fixture.h"
#include "tests/support/testdb.h"

/* An SPF record of 1033 bytes: five character-strings of the answer, the last one
 * carrying " -all" past the first 1023 bytes. */
#define IP " ip4:192.0.2.1"
#define IP8 IP IP IP IP IP IP IP IP
#define LONG_SPF "v=spf1" IP8 IP8 IP8 IP8 IP8 IP8 IP8 IP8 IP8 IP " -all"

static const struct dns_fixture_name names[] = {
	{"good.test", {"v=spf1 ip4:192.0.2.0/24 include:_spf.good.test -all",
	    "site-verification=abc"}, 0, 0, {NULL}, 0, 0, NULL, 0},
	{"_spf.good.test", {"v=spf1 ip6:2001:db8::/32 ~all"}, 0, 0, {NULL}, 0, 0, NULL, 0},
	{"_dmarc.good.test", {"v=DMARC1; p=quarantine; rua=mailto:r@good.test"}, 0, 0, {NULL}, 0, 0, NULL, 0},
	{"weak.test", {"v=spf1 mx ?all"}, 0, 0, {NULL}, 0, 0, NULL, 0},
	{"_dmarc.weak.test", {"v=DMARC1; p=none"}, 0, 0, {NULL}, 0, 0, NULL, 0},
	{"broken.test", {"v=spf1 ip4:1.2.3 -all"}, 0, 0, {NULL}, 0, 0, NULL, 0},
	{"_dmarc.broken.test", {"v=DMARC1 p=reject"}, 0, 0, {NULL}, 0, 0, NULL, 0},
	{"long.test", {"v=spf1 ip4:192.0.2.1 ip4:192.0.2.2 ip4:192.0.2.3 ip4:192.0.2.4"
	    " ip4:192.0.2.5 ip4:192.0.2.6 ip4:192.0.2.7 ip4:192.0.2.8 ip4:192.0.2.9"
	    " ip4:192.0.2.10 ip4:192.0.2.11 ip4:192.0.2.12 ip4:192.0.2.13 ip4:192.0.2.14"
	    " ip4:192.0.2.15 ip4:192.0.2.16 ip4:192.0.2.17 ip4:192.0.2.18 -all"}, 0, 0, {NULL}, 0, 0, NULL, 0},
	{"many.test", {"v=spf1 a mx ptr exists:a.test include:m1.test include:m2.test -all"}, 0, 0, {NULL}, 0, 0, NULL, 0},
	{"m1.test", {"v=spf1 a mx ptr -all"}, 0, 0, {NULL}, 0, 0, NULL, 0},
	{"m2.test", {"v=spf1 a mx -all"}, 0, 0, {NULL}, 0, 0, NULL, 0},
	{"servfail.test", {NULL}, 1, 0, {NULL}, 0, 0, NULL, 0},
	{"longspf.test", {LONG_SPF}, 0, 0, {NULL}, 0, 0, NULL, 0},
	{"mx.test", {NULL}, 0, 2, {"0 issue ca.test", "0 iodef mailto:sec@mx.test"}, 1, 0, NULL, 0},
	{"_mta-sts.mx.test", {"v=STSv1; id=20261204"}, 0, 0, {NULL}, 0, 0, NULL, 0},
	{"_smtp._tls.mx.test", {"v=TLSRPTv1; rua=mailto:tls@mx.test"}, 0, 0, {NULL}, 0, 0, NULL, 0},
	{"www.mx.test", {NULL}, 0, 0, {NULL}, 1, 0, NULL, 0},
	{"nullmx.test", {NULL}, 0, -1, {"0 iodef mailto:sec@nullmx.test"}, 0, 0, NULL, 0},
	{"testing.test", {NULL}, 0, 1, {NULL}, 0, 0, NULL, 0},
	{"_mta-sts.testing.test", {"v=STSv1; id=1"}, 0, 0, {NULL}, 0, 0, NULL, 0},
	{"html.test", {NULL}, 0, 1, {NULL}, 0, 0, NULL, 0},
	{"_mta-sts.html.test", {"v=STSv1; id=1"}, 0, 0, {NULL}, 0, 0, NULL, 0},
};

static pid_t dns_pid;
static struct dns_mail *dns;
static char ns[32];

static void
setup(void)
{
	int port = dns_fixture_start(names, sizeof(names) / sizeof(names[0]), &dns_pid);

	snprintf(ns, sizeof(ns), "127.0.0.1:%d", port);
	cr_assert_not_null(dns = dns_mail_new(ns, 1, 1));
}

static void
teardown(void)
{
	dns_mail_free(dns);
	dns_fixture_stop(dns_pid);
}

TestSuite(dns_mail, .init = setup, .fini = teardown, .timeout = 30);

static const char *
outcome(const struct scan_results *r, const char *code)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->items[i].code, code) == 0)
			return (r->items[i].outcome);
	return ("-");
}

Test(dns_mail, txt_records_come_back_whole)
{
	struct mail_auth_txt t;

	cr_assert_eq(dns_mail_lookup(dns, "good.test", &t), 0);
	cr_assert_eq(t.n, 2);
	cr_assert_str_eq(t.rec[0], "v=spf1 ip4:192.0.2.0/24 include:_spf.good.test -all");
	/* Longer than one 255-byte string: the strings are joined. */
	cr_assert_eq(dns_mail_lookup(dns, "long.test", &t), 0);
	cr_assert_eq(t.n, 1);
	cr_assert_eq(strlen(t.rec[0]), strlen(names[7].txt[0]));
	cr_assert_eq(dns_mail_lookup(dns, "nowhere.test", &t), 0, "NXDOMAIN is an answer");
	cr_assert_eq(t.n, 0);
	cr_assert_eq(dns_mail_lookup(dns, "servfail.test", &t), -1);
}

Test(dns_mail, good_weak_and_broken_domains)
{
	struct scan_results r;
	size_t i;

	memset(&r, 0, sizeof(r));
	cr_assert_eq(mail_auth_run("good.test", dns_mail_lookup, dns, &r), 0);
	cr_assert_eq(r.n, 7);
	for (i = 0; i < r.n; i++)
		cr_expect_str_eq(r.items[i].outcome, "pass", "%s %s", r.items[i].code,
		    r.items[i].details);
	memset(&r, 0, sizeof(r));
	cr_assert_eq(mail_auth_run("weak.test", dns_mail_lookup, dns, &r), 0);
	/* ?all protects nothing: the cost of no SPF (RFC 7208 neutral). */
	cr_expect_str_eq(outcome(&r, "email_auth.spf_missing"), "fail");
	cr_expect_str_eq(outcome(&r, "email_auth.spf_weak"), "info");
	cr_expect_str_eq(outcome(&r, "email_auth.dmarc_policy_none"), "fail");
	memset(&r, 0, sizeof(r));
	cr_assert_eq(mail_auth_run("broken.test", dns_mail_lookup, dns, &r), 0);
	/* Permanent errors: no usable SPF, no DMARC (a missing ';'); reasons as info. */
	cr_expect_str_eq(outcome(&r, "email_auth.spf_missing"), "fail");
	cr_expect_str_eq(outcome(&r, "email_auth.spf_syntax_error"), "info");
	cr_expect_str_eq(outcome(&r, "email_auth.dmarc_missing"), "fail");
	cr_expect_str_eq(outcome(&r, "email_auth.dmarc_syntax_error"), "info");
	memset(&r, 0, sizeof(r));
	cr_assert_eq(mail_auth_run("many.test", dns_mail_lookup, dns, &r), 0);
	cr_expect_str_eq(outcome(&r, "email_auth.spf_missing"), "fail");
	cr_expect_str_eq(outcome(&r, "email_auth.spf_too_many_lookups"), "info");
	memset(&r, 0, sizeof(r));
	cr_assert_eq(mail_auth_run("absent.test", dns_mail_lookup, dns, &r), 0);
	cr_expect_str_eq(outcome(&r, "email_auth.spf_missing"), "fail");
	cr_expect_str_eq(outcome(&r, "email_auth.dmarc_missing"), "fail");
	memset(&r, 0, sizeof(r));
	cr_assert_eq(mail_auth_run("servfail.test", dns_mail_lookup, dns, &r), -1);
	cr_expect_eq(r.n, 0, "a failing server concludes nothing");
}

/* fairrate scan with --nameserver: the mail results become evidence. The web part
 * meets a closed port on loopback (no web service: no web findings). */
Test(dns_mail, scan_writes_mail_evidence)
{
	const char *bin = getenv("FAIRRATE_BIN");
	PGconn *conn = testdb_create();
	struct scan_fixture fx;
	char sts1[96], sts2[96], sts3[96];
	PGresult *res;
	int status;
	pid_t pid;

	cr_assert_not_null(bin);
	res = PQexec(conn, "INSERT INTO companies (slug, name, sector, size_band, country)"
	    " VALUES ('acme', 'Acme', 'retail', 'small', 'DE');"
	    " INSERT INTO assets (company_id, kind, value, source) SELECT id, 'domain', v, 't'"
	    " FROM companies, unnest(ARRAY['weak.test', 'good.test', 'mx.test',"
	    " 'testing.test', 'html.test']) v");
	cr_assert_eq(PQresultStatus(res), PGRES_COMMAND_OK, "%s", PQerrorMessage(conn));
	PQclear(res);
	/* The MTA-STS policy hosts are the fixture's nginx; everything else meets a
	 * closed port. */
	scan_fixture_start(&fx);
	snprintf(sts1, sizeof(sts1), "mta-sts.mx.test:443:127.0.0.1:%d", fx.https_port);
	snprintf(sts2, sizeof(sts2), "mta-sts.testing.test:443:127.0.0.1:%d", fx.https_port);
	snprintf(sts3, sizeof(sts3), "mta-sts.html.test:443:127.0.0.1:%d", fx.https_port);
	if ((pid = fork()) == 0) {
		execl(bin, bin, "scan", "--once", "--nameserver", ns, "--dnssec-resolver", ns,
		    "--ca-file", fx.ca_file, "--connect-to", sts1, "--connect-to", sts2,
		    "--connect-to", sts3,
		    "--allow", "127.0.0.0/8",
		    "--connect-timeout", "2", "--connect-to", ":443:127.0.0.1:9",
		    "--connect-to", ":80:127.0.0.1:9", (char *)NULL);
		_exit(127);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	scan_fixture_stop(&fx);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* The policy files: enforce for mx.test, testing for testing.test. */
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence e JOIN assets a"
	    " ON a.id = e.asset_id WHERE (a.value, e.check_code, e.outcome) IN ("
	    " ('mx.test', 'email_auth.mta_sts_missing', 'pass'),"
	    " ('mx.test', 'email_auth.mta_sts_not_enforced', 'pass'),"
	    " ('testing.test', 'email_auth.mta_sts_missing', 'pass'),"
	    " ('testing.test', 'email_auth.mta_sts_not_enforced', 'fail'))"), 4);
	/* A policy served as text/html is none: MTA-STS is not in effect. */
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence e JOIN assets a"
	    " ON a.id = e.asset_id WHERE a.value = 'html.test' AND e.check_code ="
	    " 'email_auth.mta_sts_missing' AND e.outcome = 'fail' AND e.details->>'reason'"
	    " LIKE '%text/html%not text/plain%'"), 1);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence e JOIN assets a"
	    " ON a.id = e.asset_id WHERE a.value = 'html.test' AND e.check_code ="
	    " 'email_auth.mta_sts_not_enforced'"), 0);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence e JOIN assets a"
	    " ON a.id = e.asset_id WHERE a.value = 'weak.test' AND e.outcome = 'fail' AND"
	    " e.check_code IN ('email_auth.spf_missing', 'email_auth.dmarc_policy_none')"), 2);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence e JOIN assets a"
	    " ON a.id = e.asset_id WHERE a.value = 'good.test' AND e.outcome = 'pass'"
	    " AND e.check_code LIKE 'email_auth.%'"), 7);
	/* The DNS policies: weak.test and good.test have no MX, no CAA, no AD bit;
	 * mx.test has all four (unweighted evidence). */
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence e JOIN assets a"
	    " ON a.id = e.asset_id WHERE a.value IN ('weak.test', 'good.test')"
	    " AND e.outcome = 'fail' AND e.check_code IN ('tls.caa_missing',"
	    " 'email_auth.dnssec_unsigned')"), 4);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence e JOIN assets a"
	    " ON a.id = e.asset_id WHERE a.value = 'testing.test'"
	    " AND e.check_code = 'tls.caa_missing'"), 1);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence e JOIN assets a"
	    " ON a.id = e.asset_id WHERE a.value = 'mx.test' AND e.outcome = 'pass'"
	    " AND e.check_code IN ('tls.caa_missing', 'email_auth.dnssec_unsigned',"
	    " 'email_auth.mta_sts_missing', 'email_auth.tls_rpt_missing')"), 4);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"
	    " WHERE check_code NOT LIKE 'email_auth.%' AND check_code <> 'tls.caa_missing'"),
	    0, "no web findings without a web service");
	testdb_drop(conn);
}

/* RFC 7208 3.3: the strings of a TXT record are joined whole; a record longer than
 * 1023 bytes is not cut in the middle and glued to its later strings. */
Test(dns_mail, a_long_spf_record_is_read_whole)
{
	struct mail_auth_txt t;
	struct scan_results r;
	size_t i;

	cr_assert_gt(strlen(LONG_SPF), 1023);
	cr_assert_eq(dns_mail_lookup(dns, "longspf.test", &t), 0);
	cr_assert_eq(t.n, 1);
	cr_expect_str_eq(t.rec[0], LONG_SPF);
	cr_expect_eq(t.too_long[0], 0);
	memset(&r, 0, sizeof(r));
	cr_assert_eq(mail_auth_run("longspf.test", dns_mail_lookup, dns, &r), 0);
	cr_expect_str_eq(outcome(&r, "email_auth.spf_syntax_error"), "pass");
	cr_expect_str_eq(outcome(&r, "email_auth.spf_weak"), "pass");
	for (i = 0; i < r.n; i++)
		if (strcmp(r.items[i].code, "email_auth.spf_weak") == 0)
			cr_expect_str_eq(r.items[i].details, "{\"all\":\"-\"}");
}

/* MTA-STS, TLS-RPT, CAA and the AD bit over real DNS answers. */
Test(dns_mail, mx_caa_and_the_ad_bit)
{
	struct dns_mail *validating = dns_mail_new(ns, 1, 1);
	struct dns_policy_lookup l = {.txt = dns_mail_lookup, .mx = dns_mail_mx,
	    .caa = dns_mail_caa, .secure = dns_mail_secure, .arg = dns,
	    .secure_arg = validating};
	struct dns_caa_set caa;
	struct scan_results r;
	int n = -1, ad = -1;

	cr_assert_not_null(validating);
	cr_assert_eq(dns_mail_validating(validating), 0);
	cr_assert_eq(dns_mail_mx(dns, "mx.test", &n), 0);
	cr_expect_eq(n, 2);
	cr_assert_eq(dns_mail_mx(dns, "nullmx.test", &n), 0);
	cr_expect_eq(n, 0, "a null MX is no mail exchanger (RFC 7505)");
	cr_assert_eq(dns_mail_mx(dns, "nosuch.test", &n), 0);
	cr_expect_eq(n, 0);
	cr_expect_eq(dns_mail_mx(dns, "servfail.test", &n), -1);
	cr_assert_eq(dns_mail_caa(dns, "mx.test", &caa), 0);
	cr_assert_eq(caa.n, 2);
	cr_expect_str_eq(caa.rr[0].tag, "issue");
	cr_expect_str_eq(caa.rr[0].value, "ca.test");
	cr_assert_eq(dns_mail_secure(validating, "mx.test", &ad), 0);
	cr_expect_eq(ad, 1);
	cr_assert_eq(dns_mail_secure(dns, "mx.test", &ad), 0);
	cr_expect_eq(ad, 0, "without trust-ad glibc drops the AD bit");
	cr_assert_eq(dns_mail_secure(validating, "good.test", &ad), 0);
	cr_expect_eq(ad, 0);

	memset(&r, 0, sizeof(r));
	cr_assert_eq(dns_policy_run("mx.test", &l, &r), 0);
	cr_expect_str_eq(outcome(&r, "email_auth.mta_sts_missing"), "pass");
	cr_expect_str_eq(outcome(&r, "email_auth.tls_rpt_missing"), "pass");
	cr_expect_str_eq(outcome(&r, "tls.caa_missing"), "pass");
	cr_expect_str_eq(outcome(&r, "email_auth.dnssec_unsigned"), "pass");
	memset(&r, 0, sizeof(r));
	cr_assert_eq(dns_policy_run("www.mx.test", &l, &r), 0);
	cr_expect_str_eq(outcome(&r, "tls.caa_missing"), "pass", "mx.test's set applies");
	cr_expect_str_eq(outcome(&r, "email_auth.mta_sts_missing"), "-", "no MX");
	memset(&r, 0, sizeof(r));
	cr_assert_eq(dns_policy_run("nullmx.test", &l, &r), 0);
	cr_expect_str_eq(outcome(&r, "email_auth.mta_sts_missing"), "-");
	cr_expect_str_eq(outcome(&r, "tls.caa_missing"), "fail", "an iodef alone");
	cr_expect_str_eq(outcome(&r, "email_auth.dnssec_unsigned"), "fail");
	dns_mail_free(validating);
}
