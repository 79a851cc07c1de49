/* MTA-STS, TLS-RPT, CAA and DNSSEC judged from records a table serves. */
#include <criterion/criterion.h>
#include <string.h>

#include "collector/dns_policy.h"

Test(dns_policy, mta_sts_records)
{
	char err[96];

	cr_expect_eq(dns_policy_mta_sts("v=STSv1; id=20260101T000000", err, sizeof(err)), 0);
	cr_expect_eq(dns_policy_mta_sts("v=STSv1;id=abc;", err, sizeof(err)), 0);
	cr_expect_eq(dns_policy_mta_sts(" v = STSv1 ; id = x1 ; ext=1", err, sizeof(err)), 0,
	    "blanks around the separators and unknown fields are allowed");
	cr_expect_eq(dns_policy_mta_sts("v=STSv1;", err, sizeof(err)), -1);
	cr_expect_str_eq(err, "no id");
	cr_expect_eq(dns_policy_mta_sts("v=STSv1; id=not-alnum", err, sizeof(err)), -1);
	cr_expect_eq(dns_policy_mta_sts("v=STSv1; id=123456789012345678901234567890123", err,
	    sizeof(err)), -1, "33 characters");
	cr_expect_eq(dns_policy_mta_sts("id=1; v=STSv1", err, sizeof(err)), -1);
	cr_expect_str_eq(err, "does not begin with v=STSv1");
	cr_expect_eq(dns_policy_mta_sts("v=stsv1; id=1", err, sizeof(err)), -1,
	    "the version is case-sensitive");
}

Test(dns_policy, tls_rpt_records)
{
	char err[96];

	cr_expect_eq(dns_policy_tlsrpt("v=TLSRPTv1; rua=mailto:tls@example.com", err,
	    sizeof(err)), 0);
	cr_expect_eq(dns_policy_tlsrpt("v=TLSRPTv1;rua=mailto:a@example.com,https://r.example.com/",
	    err, sizeof(err)), 0);
	cr_expect_eq(dns_policy_tlsrpt("v=TLSRPTv1;", err, sizeof(err)), -1);
	cr_expect_str_eq(err, "no rua");
	cr_expect_eq(dns_policy_tlsrpt("v=TLSRPTv1; rua=ftp://x.example.com/", err,
	    sizeof(err)), -1);
	cr_expect_eq(dns_policy_tlsrpt("v=TLSRPTv2; rua=mailto:a@b.c", err, sizeof(err)), -1);
}

Test(dns_policy, caa_rdata)
{
	static const unsigned char issue[] = {0, 5, 'i', 's', 's', 'u', 'e', 'l', 'e', 't', 's'};
	static const unsigned char crit[] = {128, 3, 'T', 'B', 'S', 'x'};
	static const unsigned char bad_tag[] = {0, 3, 'a', '-', 'b'};
	static const unsigned char no_tag[] = {0, 0};
	static const unsigned char short_tag[] = {0, 9, 'i'};
	struct dns_caa c;

	cr_assert_eq(dns_policy_caa_rdata(issue, sizeof(issue), &c), 0);
	cr_expect_eq(c.flags, 0);
	cr_expect_str_eq(c.tag, "issue");
	cr_expect_str_eq(c.value, "lets");
	cr_assert_eq(dns_policy_caa_rdata(crit, sizeof(crit), &c), 0);
	cr_expect_eq(c.flags, 128);
	cr_expect_str_eq(c.tag, "tbs", "tags compare without case");
	cr_expect_eq(dns_policy_caa_rdata(bad_tag, sizeof(bad_tag), &c), -1);
	cr_expect_eq(dns_policy_caa_rdata(no_tag, sizeof(no_tag), &c), -1);
	cr_expect_eq(dns_policy_caa_rdata(short_tag, sizeof(short_tag), &c), -1);
}

/* ---- dns_policy_run over a table ---- */

struct zone {
	const char *name;
	int mx;
	const char *txt[3];
	const char *caa_tag;                  /* one CAA record with this tag, or NULL */
	int ad;
	int fail;                             /* the lookups of this name fail */
};

static const struct zone zones[] = {
	{"mail.example", 2, {NULL}, NULL, 1, 0},
	{"_mta-sts.mail.example", 0, {"v=STSv1; id=2026", "unrelated"}, NULL, 0, 0},
	{"_smtp._tls.mail.example", 0, {"v=TLSRPTv1; rua=mailto:t@mail.example"}, NULL, 0, 0},
	{"two.example", 1, {NULL}, "issue", 0, 0},
	{"_mta-sts.two.example", 0, {"v=STSv1; id=1", "v=STSv1; id=2"}, NULL, 0, 0},
	{"www.web.example", 0, {NULL}, NULL, 0, 0},
	{"web.example", 0, {NULL}, "iodef", 0, 0},
	{"down.example", 0, {NULL}, NULL, 0, 1},
};

static const struct zone *
zone(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		if (strcmp(zones[i].name, name) == 0)
			return (&zones[i]);
	return (NULL);
}

static int
t_txt(void *arg, const char *name, struct mail_auth_txt *out)
{
	const struct zone *z = zone(name);
	size_t k;

	(void)arg;
	if (z != NULL && z->fail)
		return (-1);
	for (k = 0; z != NULL && k < 3 && z->txt[k] != NULL; k++)
		snprintf(out->rec[out->n++], MAIL_AUTH_MAX_TXT, "%s", z->txt[k]);
	return (0);
}

static int
t_mx(void *arg, const char *name, int *count)
{
	const struct zone *z = zone(name);

	(void)arg;
	*count = z != NULL ? z->mx : 0;
	return (z != NULL && z->fail ? -1 : 0);
}

static int
t_caa(void *arg, const char *name, struct dns_caa_set *out)
{
	const struct zone *z = zone(name);

	(void)arg;
	if (z != NULL && z->caa_tag != NULL) {
		snprintf(out->rr[0].tag, sizeof(out->rr[0].tag), "%s", z->caa_tag);
		snprintf(out->rr[0].value, sizeof(out->rr[0].value), "ca.example");
		out->n = 1;
	}
	return (z != NULL && z->fail ? -1 : 0);
}

static int
t_secure(void *arg, const char *name, int *ad)
{
	const struct zone *z = zone(name);

	(void)arg;
	*ad = z != NULL && z->ad;
	return (0);
}

static const char *
details(const struct scan_results *r, const char *code)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->items[i].code, code) == 0)
			return (r->items[i].details);
	return ("");
}

Test(dns_policy, each_domain_judged)
{
	struct dns_policy_lookup l = {.txt = t_txt, .mx = t_mx, .caa = t_caa,
	    .secure = t_secure};
	struct scan_results r;

	memset(&r, 0, sizeof(r));
	cr_assert_eq(dns_policy_run("mail.example", &l, &r), 0);
	cr_expect_str_eq(scan_results_outcome(&r, "email_auth.mta_sts_missing"), "pass");
	cr_expect_str_eq(scan_results_outcome(&r, "email_auth.tls_rpt_missing"), "pass");
	cr_expect_str_eq(scan_results_outcome(&r, "tls.caa_missing"), "fail");
	cr_expect_str_eq(scan_results_outcome(&r, "email_auth.dnssec_unsigned"), "pass");

	memset(&r, 0, sizeof(r));
	cr_assert_eq(dns_policy_run("two.example", &l, &r), 0);
	cr_expect_str_eq(scan_results_outcome(&r, "email_auth.mta_sts_missing"), "fail",
	    "two STS records are no policy (RFC 8461 3.1)");
	cr_expect(strstr(details(&r, "email_auth.mta_sts_missing"), "2 records") != NULL);
	cr_expect_str_eq(scan_results_outcome(&r, "email_auth.tls_rpt_missing"), "fail");
	cr_expect_str_eq(scan_results_outcome(&r, "tls.caa_missing"), "pass");
	cr_expect_str_eq(scan_results_outcome(&r, "email_auth.dnssec_unsigned"), "fail");

	memset(&r, 0, sizeof(r));
	cr_assert_eq(dns_policy_run("www.web.example", &l, &r), 0);
	cr_expect_str_eq(scan_results_outcome(&r, "email_auth.mta_sts_missing"), "-",
	    "no MX: mail policies are not judged");
	cr_expect_str_eq(scan_results_outcome(&r, "tls.caa_missing"), "fail",
	    "the parent's set applies, and an iodef alone restricts nothing");
	cr_expect(strstr(details(&r, "tls.caa_missing"), "\"name\":\"web.example\"") != NULL,
	    "%s", details(&r, "tls.caa_missing"));

	memset(&r, 0, sizeof(r));
	l.secure = NULL;
	cr_expect_eq(dns_policy_run("down.example", &l, &r), -1);
	cr_expect_str_eq(scan_results_outcome(&r, "email_auth.dnssec_unsigned"), "-",
	    "no validating resolver: not judged");
	cr_expect_str_eq(scan_results_outcome(&r, "email_auth.mta_sts_missing"), "-");
	cr_expect_str_eq(scan_results_outcome(&r, "tls.caa_missing"), "-", "a failed lookup concludes nothing");
}

Test(dns_policy, mta_sts_policy_files)
{
	char mode[16], err[120];

	cr_expect_eq(dns_policy_sts_file("version: STSv1\r\nmode: enforce\r\nmx: mail.example\r\n"
	    "mx: *.example.net\r\nmax_age: 604800\r\n", mode, sizeof(mode), err, sizeof(err)),
	    0, "%s", err);
	cr_expect_str_eq(mode, "enforce");
	cr_expect_eq(dns_policy_sts_file("version: STSv1\nmode: none\nmax_age: 0\n", mode,
	    sizeof(mode), err, sizeof(err)), 0, "mode none needs no mx");
	cr_expect_eq(dns_policy_sts_file("version: STSv1\nmode: enforce\nmax_age: 86400\n",
	    mode, sizeof(mode), err, sizeof(err)), -1);
	cr_expect_str_eq(err, "policy file: no mx");
	cr_expect_eq(dns_policy_sts_file("version: STSv2\nmode: enforce\nmx: a\nmax_age: 1\n",
	    mode, sizeof(mode), err, sizeof(err)), -1);
	cr_expect_eq(dns_policy_sts_file("version: STSv1\nmode: strict\nmx: a\nmax_age: 1\n",
	    mode, sizeof(mode), err, sizeof(err)), -1);
	cr_expect_eq(dns_policy_sts_file("version: STSv1\nmode: enforce\nmx: a\n"
	    "max_age: 31557601\n", mode, sizeof(mode), err, sizeof(err)), -1, "over a year");
	cr_expect_eq(dns_policy_sts_file("<html>not found</html>", mode, sizeof(mode), err,
	    sizeof(err)), -1);
}

/* A policy fetcher over a table: mail.example serves enforce, two.example testing,
 * down.example times out. */
static int
t_policy(void *arg, const char *domain, char *body, size_t cap, char *err, size_t errlen)
{
	(void)arg;
	if (strcmp(domain, "down.example") == 0)
		return (-1);
	if (strcmp(domain, "two.example") == 0) {
		snprintf(err, errlen, "policy file: HTTP status 404 (a redirect is not"
		    " followed)");
		return (0);
	}
	snprintf(body, cap, "version: STSv1\nmode: enforce\nmx: mail.example\nmax_age: 60\n");
	return (1);
}

Test(dns_policy, the_policy_file_decides)
{
	struct dns_policy_lookup l = {.txt = t_txt, .mx = t_mx, .caa = t_caa,
	    .policy = t_policy};
	struct scan_results r;

	memset(&r, 0, sizeof(r));
	cr_assert_eq(dns_policy_run("mail.example", &l, &r), 0);
	cr_expect_str_eq(scan_results_outcome(&r, "email_auth.mta_sts_missing"), "pass");
	cr_expect_str_eq(scan_results_outcome(&r, "email_auth.mta_sts_not_enforced"), "pass");
}

/* RFC 8461 3.3: the policy file is served as text/plain (parameters allowed). */
Test(dns_policy, mta_sts_policy_media_type)
{
	cr_expect(dns_policy_sts_media_type("text/plain"));
	cr_expect(dns_policy_sts_media_type("text/plain; charset=utf-8"));
	cr_expect(dns_policy_sts_media_type(" Text/Plain ;charset=us-ascii"));
	cr_expect(!dns_policy_sts_media_type("text/html"));
	cr_expect(!dns_policy_sts_media_type("text/plainx"));
	cr_expect(!dns_policy_sts_media_type("application/octet-stream"));
	cr_expect(!dns_policy_sts_media_type("text/plain-ish; a=b"));
	cr_expect(!dns_policy_sts_media_type(""));
	cr_expect(!dns_policy_sts_media_type(NULL));
}
