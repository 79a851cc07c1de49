/* What a disclosure submission must hold (docs/disclosure.md): the item, the
 * statement, where it is published, and a certificate's fields and dates, refused in
 * a fixed order with the status and code the API answers. */
#include <criterion/criterion.h>
#include <string.h>

#include "common/timefmt.h"
#include "disclosure/disclosure_rules.h"

#define NOW "2026-03-01T12:00:00Z"

static struct disclosure_submission
certificate(const char *from, const char *until)
{
	struct disclosure_submission s;

	memset(&s, 0, sizeof(s));
	s.item = "third_party_certification";
	s.statement = "ISO/IEC 27001 for the head office";
	s.report_name = "Annual securities report";
	s.report_page = "42";
	s.cert_scheme = "ISO/IEC 27001:2022";
	s.cert_number = "IS 1";
	s.cert_body = "Example Cert";
	s.cert_scope = "IT";
	s.valid_from = from;
	s.valid_until = until;
	return (s);
}

static int64_t
now(void)
{
	int64_t t;

	cr_assert_eq(timefmt_parse(NOW, &t), 0);
	return (t);
}

static void
refused(const struct disclosure_submission *s, int status, const char *code,
    const char *field)
{
	struct disclosure_problem p;

	cr_assert_eq(disclosure_submission_check(s, now(), &p), -1, "accepted: %s", field);
	cr_expect_eq(p.status, status, "%s: %s", field, p.message);
	cr_expect_str_eq(p.code, code, "%s", field);
	cr_expect_str_eq(p.field, field);
}

Test(disclosure_rules, a_certificate_is_accepted)
{
	struct disclosure_submission s = certificate("2025-03-02", "2028-03-01");
	struct disclosure_problem p;

	cr_assert_eq(disclosure_submission_check(&s, now(), &p), 0, "%s", p.message);
}

Test(disclosure_rules, bad_dates_are_422)
{
	struct disclosure_submission s = certificate("2025-02-29", "2028-03-01");

	refused(&s, 422, "invalid_date", "certification.valid_from");
	s = certificate("2025-03-01", "2028-3-1");
	refused(&s, 422, "invalid_date", "certification.valid_until");
	s = certificate("2025-03-01T00:00:00Z", "2028-03-01");
	refused(&s, 422, "invalid_date", "certification.valid_from");
	s = certificate("2025-03-01", "2025-03-01");
	refused(&s, 422, "invalid_date", "certification.valid_until");
	/* Not yet in force, and expired: valid_until 00:00 UTC has come at noon. */
	s = certificate("2026-03-02", "2028-03-01");
	refused(&s, 422, "invalid_date", "certification.valid_from");
	s = certificate("2025-03-01", "2026-03-01");
	refused(&s, 422, "invalid_date", "certification.valid_until");
	s = certificate("2025-03-01", "2026-03-02");
	cr_assert_eq(disclosure_submission_check(&s, now(), &(struct disclosure_problem){0}),
	    0);
}

Test(disclosure_rules, fields_in_order)
{
	struct disclosure_submission s = certificate("2025-03-01", "2028-03-01");
	char long_text[4100];

	s.item = NULL;
	refused(&s, 400, "missing_field", "item");
	s.item = "basic_policy";
	/* The other items carry no certificate. */
	refused(&s, 400, "invalid_field", "certification.scheme");
	s = certificate("2025-03-01", "2028-03-01");
	s.cert_scope = NULL;
	refused(&s, 400, "missing_field", "certification.scope");
	s = certificate("2025-03-01", "2028-03-01");
	s.statement = "";
	refused(&s, 400, "invalid_field", "statement");
	memset(long_text, 'x', 4001);
	long_text[4001] = '\0';
	s.statement = long_text;
	refused(&s, 400, "field_too_long", "statement");
	s = certificate("2025-03-01", "2028-03-01");
	s.report_name = NULL;
	s.published_url = "https://acme.example/isms";
	refused(&s, 400, "invalid_field", "report_page");
	s.report_page = NULL;
	s.published_url = NULL;
	refused(&s, 400, "missing_field", "published_url");
	s.published_url = "javascript:alert(1)";
	refused(&s, 400, "invalid_field", "published_url");
	s.published_url = "https://acme.example/isms";
	s.statement = "\xff\xfe";
	refused(&s, 400, "invalid_field", "statement");
}

Test(disclosure_rules, items_and_dates)
{
	enum disclosure_item i;
	int64_t t;
	int k;

	for (k = 0; k < DISCLOSURE_NITEMS; k++) {
		cr_assert_eq(disclosure_item_parse(disclosure_item_name(k), &i), 0);
		cr_assert_eq((int)i, k);
		cr_assert_eq(strncmp(disclosure_item_check_code(k), "governance.", 11), 0);
		cr_assert_str_eq(disclosure_item_check_code(k) + 11, disclosure_item_name(k));
	}
	cr_assert_eq(disclosure_item_parse("governance.basic_policy", &i), -1);
	cr_assert_eq(disclosure_date_parse("2024-02-29", &t), 0);
	cr_assert_eq(disclosure_date_parse("2023-02-29", &t), -1);
	cr_assert_eq(disclosure_date_parse("2024-02-29 ", &t), -1);
	cr_assert_eq(disclosure_past_valid_until(0, now()), 0);
	cr_assert_eq(disclosure_past_valid_until(now(), now()), 1);
	cr_assert_eq(disclosure_past_valid_until(now() + 1, now()), 0);
}
