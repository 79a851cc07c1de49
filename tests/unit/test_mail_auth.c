/* SPF and DMARC parsing and evaluation, with TXT records from a table. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "collector/dns_mail.h"
#include "collector/mail_auth.h"

struct zone_entry {
	const char *name;
	const char *txt[3];
};

/* A lookup over a NULL-ended table; "fail.test" fails. */
static int
zone_lookup(void *arg, const char *name, struct mail_auth_txt *out)
{
	const struct zone_entry *z = arg;
	size_t i;

	out->n = 0;
	if (strcmp(name, "fail.test") == 0)
		return (-1);
	for (; z->name != NULL; z++)
		if (strcmp(z->name, name) == 0)
			for (i = 0; i < 3 && z->txt[i] != NULL; i++)
				snprintf(out->rec[out->n++], MAIL_AUTH_MAX_TXT, "%s", z->txt[i]);
	return (0);
}

static const char *
outcome(const struct scan_results *r, const char *code)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->items[i].code, code) == 0)
			return (r->items[i].outcome);
	return ("-");
}

Test(mail_auth, spf_parse_accepts_valid_records)
{
	struct mail_auth_spf s;

	cr_assert_eq(mail_auth_spf_parse("v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a mx"
	    " include:_spf.example.net -all", &s), 0, "%s", s.error);
	cr_assert_eq(s.all, '-');
	cr_assert_eq(s.lookups, 3);
	cr_assert_eq(s.nincludes, 1);
	cr_assert_str_eq(s.includes[0], "_spf.example.net");
	cr_assert_eq(mail_auth_spf_parse("v=spf1 a:mail.example.com/24 mx//64 ~all", &s), 0,
	    "%s", s.error);
	cr_assert_eq(s.all, '~');
	cr_assert_eq(mail_auth_spf_parse("v=spf1 redirect=_spf.example.com", &s), 0);
	cr_assert_str_eq(s.redirect, "_spf.example.com");
	cr_assert_eq(s.all, 0);
	cr_assert_eq(mail_auth_spf_parse("V=SPF1 exists:%{i}.bl.example ?all exp=x.example",
	    &s), 0, "%s", s.error);
}

Test(mail_auth, spf_parse_rejects_syntax_errors)
{
	struct mail_auth_spf s;

	cr_assert_eq(mail_auth_spf_parse("v=spf1 ip4:300.1.1.1 -all", &s), -1);
	cr_assert(strstr(s.error, "IPv4") != NULL, "%s", s.error);
	cr_assert_eq(mail_auth_spf_parse("v=spf1 ip4:192.0.2.0/33 -all", &s), -1);
	cr_assert_eq(mail_auth_spf_parse("v=spf1 include -all", &s), -1);
	cr_assert_eq(mail_auth_spf_parse("v=spf1 foo:bar -all", &s), -1);
	cr_assert(strstr(s.error, "unknown mechanism") != NULL, "%s", s.error);
	cr_assert_eq(mail_auth_spf_parse("v=spf1 redirect=a.example redirect=b.example", &s),
	    -1);
	cr_assert_eq(mail_auth_spf_parse("v=spf1 ip6:zz::1 -all", &s), -1);
	cr_assert_eq(mail_auth_spf_parse("v=spf10 -all", &s), -1);
	cr_assert(!mail_auth_is_spf("v=spf10"));
	cr_assert(mail_auth_is_spf("v=spf1"));
}

Test(mail_auth, dmarc_parse)
{
	struct mail_auth_dmarc d;

	cr_assert_eq(mail_auth_dmarc_parse("v=DMARC1; p=reject; rua=mailto:d@example.com;"
	    " pct=50; sp=quarantine", &d), 0, "%s", d.error);
	cr_assert_str_eq(d.policy, "reject");
	cr_assert_str_eq(d.subdomain_policy, "quarantine");
	cr_assert_eq(d.pct, 50);
	cr_assert(d.has_rua);
	cr_assert_eq(mail_auth_dmarc_parse("v=DMARC1;p=none", &d), 0);
	cr_assert_str_eq(d.policy, "none");
	cr_assert_eq(d.pct, 100);
	cr_assert_eq(mail_auth_dmarc_parse("v=DMARC1; p=REJECT; sp=None", &d), 0);
	cr_expect_str_eq(d.policy, "reject", "one spelling in the evidence details");
	cr_expect_str_eq(d.subdomain_policy, "none");
	cr_assert_eq(mail_auth_dmarc_parse("v=DMARC1; p=maybe", &d), -1);
	/* RFC 7489 6.6.3 step 6: no valid p= but a valid rua reads as p=none. */
	cr_assert_eq(mail_auth_dmarc_parse("v=DMARC1; rua=mailto:x@example.com", &d), 0);
	cr_assert_str_eq(d.policy, "none");
	cr_assert(d.policy_defaulted);
	cr_assert_eq(mail_auth_dmarc_parse("v=DMARC1; p=maybe; rua=mailto:x@example.com", &d), 0);
	cr_assert(d.policy_defaulted);
	cr_assert_eq(mail_auth_dmarc_parse("v=DMARC1; sp=never", &d), -1);
	cr_assert(strstr(d.error, "no policy") != NULL, "%s", d.error);
	cr_assert_eq(mail_auth_dmarc_parse("p=reject; v=DMARC1", &d), -1);
	/* An invalid pct is ignored (100); any URI is a report address. */
	cr_assert_eq(mail_auth_dmarc_parse("v=DMARC1; p=reject; pct=150", &d), 0);
	cr_assert_eq(d.pct, 100);
	cr_assert_eq(mail_auth_dmarc_parse("v=DMARC1; p=reject; rua=https://r.example/d", &d), 0);
	cr_assert(d.has_rua);
	cr_assert_eq(mail_auth_dmarc_parse("v=DMARC1; p=reject; p=none", &d), -1);
	/* A missing ';' joins two tags into a version that is not DMARC1. */
	cr_assert_eq(mail_auth_dmarc_parse("v=DMARC1 p=reject", &d), -1);
}

static const struct zone_entry zone[] = {
	{"strong.test", {"v=spf1 include:_spf.strong.test -all", "google-site-verification=x"}},
	{"_spf.strong.test", {"v=spf1 ip4:192.0.2.0/24 ~all"}},
	{"_dmarc.strong.test", {"v=DMARC1; p=reject; rua=mailto:d@strong.test"}},
	{"weak.test", {"v=spf1 a mx +all"}},
	{"_dmarc.weak.test", {"v=DMARC1; p=none"}},
	{"broken.test", {"v=spf1 ip4:999.0.0.1 -all"}},
	{"_dmarc.broken.test", {"v=DMARC1; p=sometimes"}},
	{"two.test", {"v=spf1 -all", "v=spf1 ~all"}},
	{"redir.test", {"v=spf1 redirect=_spf.weak.test"}},
	{"_spf.weak.test", {"v=spf1 ?all"}},
	{"deep.test", {"v=spf1 include:l1.test include:l2.test include:l3.test -all"}},
	{"l1.test", {"v=spf1 a mx include:l4.test -all"}},
	{"l2.test", {"v=spf1 a mx ptr exists:x.test -all"}},
	{"l3.test", {"v=spf1 a mx -all"}},
	{"l4.test", {"v=spf1 a -all"}},
	{"loop.test", {"v=spf1 include:loop.test -all"}},
	{"dangling.test", {"v=spf1 include:nothing.test -all"}},
	{"query.test", {"v=spf1 ?all"}},
	{"_dmarc.query.test", {"v=dmarc1; p=reject"}},
	{"nosemi.test", {"v=spf1 -all"}},
	{"_dmarc.nosemi.test", {"v=DMARC1 p=reject"}},
	{"twodmarc.test", {"v=spf1 -all"}},
	{"_dmarc.twodmarc.test", {"v=DMARC1; p=reject", "v=DMARC1; p=none"}},
	{"httpsrua.test", {"v=spf1 -all"}},
	{"_dmarc.httpsrua.test", {"v=DMARC1; p=quarantine; rua=https://reports.example/x"}},
	{"_dmarc.org.example", {"v=DMARC1; p=reject; rua=mailto:d@org.example"}},
	{"mail.org.example", {"v=spf1 -all"}},
	{"_dmarc.lax.example", {"v=DMARC1; p=reject; sp=none"}},
	{"shop.lax.example", {"v=spf1 -all"}},
	{"macro.test", {"v=spf1 include:%{d}._spf.macro.test include:%{i}._ip.macro.test -all"}},
	{"macro.test._spf.macro.test", {"v=spf1 ip4:192.0.2.0/24 -all"}},
	{NULL, {NULL}},
};

static void
run(const char *domain, struct scan_results *r, int expect_rc)
{
	memset(r, 0, sizeof(*r));
	cr_assert_eq(mail_auth_run(domain, zone_lookup, (void *)zone, r), expect_rc);
}

Test(mail_auth, strong_domain_passes)
{
	struct scan_results r;
	size_t i;

	run("strong.test", &r, 0);
	cr_assert_eq(r.n, 7);
	for (i = 0; i < r.n; i++)
		cr_expect_str_eq(r.items[i].outcome, "pass", "%s: %s", r.items[i].code,
		    r.items[i].details);
}

Test(mail_auth, weak_policies_fail)
{
	struct scan_results r;

	/* +all authorises every sender, ?all says nothing: the cost of no SPF. */
	run("weak.test", &r, 0);
	cr_expect_str_eq(outcome(&r, "email_auth.spf_missing"), "fail");
	cr_expect_str_eq(outcome(&r, "email_auth.spf_weak"), "info");
	cr_expect_str_eq(outcome(&r, "email_auth.dmarc_policy_none"), "fail");
	run("query.test", &r, 0);
	cr_expect_str_eq(outcome(&r, "email_auth.spf_missing"), "fail", "?all");
	run("redir.test", &r, 0);
	cr_expect_str_eq(outcome(&r, "email_auth.spf_missing"), "fail", "?all via redirect");
	cr_expect_str_eq(outcome(&r, "email_auth.dmarc_missing"), "fail");
	cr_expect_str_eq(outcome(&r, "email_auth.dmarc_policy_none"), "-");
}

Test(mail_auth, syntax_errors_and_missing_records)
{
	struct scan_results r;

	/* A permanent error is no usable policy: the cost of none, the reason as info. */
	run("broken.test", &r, 0);
	cr_expect_str_eq(outcome(&r, "email_auth.spf_missing"), "fail");
	cr_expect_str_eq(outcome(&r, "email_auth.spf_syntax_error"), "info");
	cr_expect_str_eq(outcome(&r, "email_auth.spf_weak"), "-");
	cr_expect_str_eq(outcome(&r, "email_auth.dmarc_missing"), "fail", "p=sometimes, no rua");
	cr_expect_str_eq(outcome(&r, "email_auth.dmarc_syntax_error"), "info");
	run("two.test", &r, 0);
	cr_expect_str_eq(outcome(&r, "email_auth.spf_missing"), "fail",
	    "two SPF records are a permanent error");
	cr_expect_str_eq(outcome(&r, "email_auth.spf_syntax_error"), "info");
	run("dangling.test", &r, 0);
	cr_expect_str_eq(outcome(&r, "email_auth.spf_missing"), "fail",
	    "an include without a record is a permanent error");
	run("none.test", &r, 0);
	cr_expect_str_eq(outcome(&r, "email_auth.spf_missing"), "fail");
	cr_expect_str_eq(outcome(&r, "email_auth.dmarc_missing"), "fail");
	cr_expect_eq(r.n, 2);
}

Test(mail_auth, lookups_are_counted_through_includes)
{
	struct mail_auth_spf_result s;
	struct scan_results r;

	cr_assert_eq(mail_auth_spf_check("deep.test", zone_lookup, (void *)zone, &s), 0);
	/* 3 includes, then l1 (a mx include: 6), l4 (a: 7), l2 (a mx ptr exists: 11);
	 * past the limit, l3 is not fetched. */
	cr_expect_eq(s.lookups, 11);
	run("deep.test", &r, 0);
	cr_expect_str_eq(outcome(&r, "email_auth.spf_missing"), "fail", "more than 10 lookups");
	cr_expect_str_eq(outcome(&r, "email_auth.spf_too_many_lookups"), "info");
	cr_assert_eq(mail_auth_spf_check("strong.test", zone_lookup, (void *)zone, &s), 0);
	cr_expect_eq(s.lookups, 1);
	/* A loop stops counting once past the limit. */
	cr_assert_eq(mail_auth_spf_check("loop.test", zone_lookup, (void *)zone, &s), 0);
	cr_expect_gt(s.lookups, MAIL_AUTH_MAX_LOOKUPS);
}

Test(mail_auth, a_failed_lookup_concludes_nothing)
{
	struct scan_results r;

	run("fail.test", &r, -1);
	cr_expect_eq(r.n, 0);
}

/* A domain's owner writes its records: a long record of control characters must not
 * grow the details past what a result holds and so make the email checks vanish. */
Test(mail_auth, a_hostile_record_cannot_hide_the_email_checks)
{
	static char spf[MAIL_AUTH_MAX_TXT], dmarc[MAIL_AUTH_MAX_TXT];
	struct zone_entry hostile[3] = {
		{"hostile.test", {spf}},
		{"_dmarc.hostile.test", {dmarc}},
		{NULL, {NULL}},
	};
	struct scan_results r;
	size_t i, n = MAIL_AUTH_MAX_TXT - 1;

	memset(spf, 0x01, n);
	memcpy(spf, "v=spf1 ", 7);
	memcpy(spf + n - 5, " -all", 5);
	spf[n] = '\0';
	memset(dmarc, 0x02, n);
	memcpy(dmarc, "v=DMARC1; p=reject; ", 20);
	dmarc[n] = '\0';
	memset(&r, 0, sizeof(r));
	cr_assert_eq(mail_auth_run("hostile.test", zone_lookup, (void *)hostile, &r), 0);
	cr_assert_eq(r.truncated, 0);
	cr_expect_str_eq(outcome(&r, "email_auth.spf_missing"), "fail", "it does not parse");
	cr_expect_str_neq(outcome(&r, "email_auth.dmarc_missing"), "-");
	for (i = 0; i < r.n; i++)
		cr_expect(strlen(r.items[i].details) < 600, "%s: %zu bytes of details",
		    r.items[i].code, strlen(r.items[i].details));
}

/* A DNS answer with one TXT record made of the text at txt (len bytes) cut into
 * character-strings of at most 255 bytes; its length is returned. */
static int
txt_answer(unsigned char *msg, size_t cap, const char *txt, size_t len)
{
	size_t at = 12, rdlen_at, off, chunk;

	memset(msg, 0, 12);
	msg[7] = 1;                                   /* one answer, no question */
	cr_assert_lt(len + len / 255 + 32, cap);
	msg[at++] = 0;                                /* the root name */
	msg[at++] = 0, msg[at++] = 16, msg[at++] = 0, msg[at++] = 1;
	msg[at++] = 0, msg[at++] = 0, msg[at++] = 0, msg[at++] = 60;
	rdlen_at = at;
	at += 2;
	for (off = 0; off < len; off += chunk) {
		chunk = len - off > 255 ? 255 : len - off;
		msg[at++] = (unsigned char)chunk;
		memcpy(msg + at, txt + off, chunk);
		at += chunk;
	}
	msg[rdlen_at] = (unsigned char)((at - rdlen_at - 2) >> 8);
	msg[rdlen_at + 1] = (unsigned char)((at - rdlen_at - 2) & 0xff);
	return ((int)at);
}

/* The same records for every name. */
static int
answer_lookup(void *arg, const char *name, struct mail_auth_txt *out)
{
	(void)name;
	memcpy(out, arg, sizeof(*out));
	return (0);
}

/* RFC 7208 3.3: a TXT record's strings are joined whole, up to MAIL_AUTH_MAX_TXT - 1
 * bytes; past that the record is marked too long and the checks say so, rather than
 * judging a record with a piece missing. */
Test(mail_auth, txt_strings_join_whole_up_to_the_cap)
{
	static unsigned char msg[16384];
	static char rec[MAIL_AUTH_MAX_TXT + 600];
	static struct mail_auth_txt t;
	struct scan_results r;
	size_t n, i;
	int len;

	/* 1026 bytes, " -all" in the fifth string. */
	snprintf(rec, sizeof(rec), "v=spf1");
	while (strlen(rec) < 1021)
		strcat(rec, " ip4:192.0.2.1");
	rec[1021] = '\0';
	strcat(rec, " -all");
	cr_assert_eq(strlen(rec), 1026);
	len = txt_answer(msg, sizeof(msg), rec, strlen(rec));
	cr_assert_eq(dns_mail_parse_txt(msg, len, &t), 0);
	cr_assert_eq(t.n, 1);
	cr_expect_str_eq(t.rec[0], rec);
	cr_expect_eq(t.too_long[0], 0);

	/* Past the cap: marked, its first bytes kept, nothing appended after a gap. */
	n = sizeof(rec) - 1;
	memset(rec, 'a', n);
	memcpy(rec, "v=spf1 ", 7);
	memcpy(rec + n - 5, " -all", 5);
	rec[n] = '\0';
	len = txt_answer(msg, sizeof(msg), rec, n);
	cr_assert_eq(dns_mail_parse_txt(msg, len, &t), 0);
	cr_assert_eq(t.n, 1);
	cr_expect_eq(t.too_long[0], 1);
	cr_expect_eq(strlen(t.rec[0]), MAIL_AUTH_MAX_TXT - 1);
	cr_expect_eq(memcmp(t.rec[0], rec, MAIL_AUTH_MAX_TXT - 1), 0);
	memset(&r, 0, sizeof(r));
	cr_assert_eq(mail_auth_run("long.test", answer_lookup, &t, &r), 0);
	cr_expect_str_eq(outcome(&r, "email_auth.spf_missing"), "-", "not judged on a part");
	cr_expect_str_eq(outcome(&r, "email_auth.spf_syntax_error"), "info");
	cr_expect_str_eq(outcome(&r, "email_auth.spf_weak"), "-", "not judged on a part");
	for (i = 0; i < r.n; i++)
		if (strcmp(r.items[i].code, "email_auth.spf_syntax_error") == 0)
			cr_expect(strstr(r.items[i].details, "longer than 4095 bytes") != NULL,
			    "%s", r.items[i].details);
}

/* Issue 11: DMARC as RFC 7489 6.6.3 discovers it. */
Test(mail_auth, dmarc_is_discovered_as_the_rfc_says)
{
	struct scan_results r;

	run("query.test", &r, 0);
	cr_expect_str_eq(outcome(&r, "email_auth.dmarc_missing"), "fail", "v=dmarc1 is not DMARC");
	run("nosemi.test", &r, 0);
	cr_expect_str_eq(outcome(&r, "email_auth.dmarc_missing"), "fail", "a missing ';'");
	cr_expect_str_eq(outcome(&r, "email_auth.dmarc_syntax_error"), "info");
	run("twodmarc.test", &r, 0);
	cr_expect_str_eq(outcome(&r, "email_auth.dmarc_missing"), "fail", "two records");
	run("httpsrua.test", &r, 0);
	cr_expect_str_eq(outcome(&r, "email_auth.dmarc_missing"), "pass", "rua=https: is valid");
	cr_expect_str_eq(outcome(&r, "email_auth.dmarc_syntax_error"), "pass");
	cr_expect_str_eq(outcome(&r, "email_auth.dmarc_policy_none"), "pass");
	/* A subdomain with no record of its own takes the organisational domain's. */
	run("mail.org.example", &r, 0);
	cr_expect_str_eq(outcome(&r, "email_auth.dmarc_missing"), "pass", "p=reject at org.example");
	cr_expect_str_eq(outcome(&r, "email_auth.dmarc_policy_none"), "pass");
	/* ... and its sp=, when it has one. */
	run("shop.lax.example", &r, 0);
	cr_expect_str_eq(outcome(&r, "email_auth.dmarc_missing"), "pass");
	cr_expect_str_eq(outcome(&r, "email_auth.dmarc_policy_none"), "fail", "sp=none");
}

/* SPF macros are expanded where they can be (%{d}) and never looked up as written. */
static int macro_asked_literally;

static int
macro_lookup(void *arg, const char *name, struct mail_auth_txt *out)
{
	if (strchr(name, '%') != NULL)
		macro_asked_literally = 1;
	return (zone_lookup(arg, name, out));
}

Test(mail_auth, spf_macros_are_never_looked_up_as_written)
{
	struct mail_auth_spf_result s;
	struct scan_results r;

	macro_asked_literally = 0;
	cr_assert_eq(mail_auth_spf_check("macro.test", macro_lookup, (void *)zone, &s), 0);
	cr_expect(s.syntax_ok, "%s", s.error);
	cr_expect_eq(s.unevaluated, 1, "%%{i} needs the message");
	cr_expect_eq(s.lookups, 2);
	cr_expect_not(macro_asked_literally);
	memset(&r, 0, sizeof(r));
	cr_assert_eq(mail_auth_run("macro.test", macro_lookup, (void *)zone, &r), 0);
	cr_expect_str_eq(outcome(&r, "email_auth.spf_missing"), "pass");
	cr_expect_str_eq(outcome(&r, "email_auth.spf_syntax_error"), "pass");
	cr_expect_not(macro_asked_literally);
}
