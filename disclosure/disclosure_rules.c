#include "disclosure/disclosure_rules.h"

#include <string.h>

#include "common/timefmt.h"
#include "common/utf8.h"

static const char *const item_names[DISCLOSURE_NITEMS] = {
	"basic_policy", "management_structure", "education_training",
	"information_sharing", "third_party_certification",
};

static const char *const item_codes[DISCLOSURE_NITEMS] = {
	"governance.basic_policy", "governance.management_structure",
	"governance.education_training", "governance.information_sharing",
	"governance.third_party_certification",
};

const char *
disclosure_item_name(enum disclosure_item i)
{
	return ((unsigned)i < DISCLOSURE_NITEMS ? item_names[i] : "?");
}

const char *
disclosure_item_check_code(enum disclosure_item i)
{
	return ((unsigned)i < DISCLOSURE_NITEMS ? item_codes[i] : "?");
}

int
disclosure_item_parse(const char *s, enum disclosure_item *out)
{
	int i;

	for (i = 0; s != NULL && i < DISCLOSURE_NITEMS; i++)
		if (strcmp(s, item_names[i]) == 0) {
			*out = (enum disclosure_item)i;
			return (0);
		}
	return (-1);
}

int
disclosure_date_parse(const char *s, int64_t *out)
{
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return (-1);
	return (timefmt_parse(s, out));
}

int
disclosure_past_valid_until(int64_t valid_until, int64_t now)
{
	return (valid_until != 0 && now >= valid_until);
}

static int
problem(struct disclosure_problem *p, int status, const char *code, const char *field,
    const char *message)
{
	p->status = status;
	p->code = code;
	p->field = field;
	p->message = message;
	return (-1);
}

/* A present field: non-empty valid UTF-8 of at most max characters. 0, or -1 with
 * *p (too_long names the limit for people). */
static int
text_ok(const char *v, const char *field, size_t max, const char *too_long,
    struct disclosure_problem *p)
{
	size_t n = strlen(v);

	if (n == 0 || !utf8_valid(v, n))
		return (problem(p, 400, "invalid_field", field,
		    "the field must be non-empty UTF-8 text"));
	if (utf8_length(v, n) > max)
		return (problem(p, 400, "field_too_long", field, too_long));
	return (0);
}

static int
publication_ok(const struct disclosure_submission *s, struct disclosure_problem *p)
{
	if (s->published_url == NULL && s->report_name == NULL)
		return (problem(p, 400, "missing_field", "published_url",
		    "say where the disclosure is published: published_url, report_name"
		    " or both"));
	if (s->published_url != NULL) {
		if (text_ok(s->published_url, "published_url", DISCLOSURE_URL_MAX,
		    "published_url holds at most 500 characters", p) != 0)
			return (-1);
		if (strncmp(s->published_url, "https://", 8) != 0 &&
		    strncmp(s->published_url, "http://", 7) != 0)
			return (problem(p, 400, "invalid_field", "published_url",
			    "published_url is an http:// or https:// address"));
	}
	if (s->report_name != NULL && text_ok(s->report_name, "report_name",
	    DISCLOSURE_REPORT_NAME_MAX, "report_name holds at most 200 characters", p) != 0)
		return (-1);
	if (s->report_page != NULL) {
		if (s->report_name == NULL)
			return (problem(p, 400, "invalid_field", "report_page",
			    "report_page goes with report_name"));
		if (text_ok(s->report_page, "report_page", DISCLOSURE_REPORT_PAGE_MAX,
		    "report_page holds at most 40 characters", p) != 0)
			return (-1);
	}
	return (0);
}

static int
certificate_ok(const struct disclosure_submission *s, int certification, int64_t now,
    struct disclosure_problem *p)
{
	const char *const fields[6] = {"certification.scheme", "certification.number",
	    "certification.body", "certification.scope", "certification.valid_from",
	    "certification.valid_until"};
	const char *const values[6] = {s->cert_scheme, s->cert_number, s->cert_body,
	    s->cert_scope, s->valid_from, s->valid_until};
	int64_t from, until;
	int i;

	for (i = 0; i < 6; i++) {
		if (!certification && values[i] != NULL)
			return (problem(p, 400, "invalid_field", fields[i],
			    "only third_party_certification carries a certification"));
		if (certification && values[i] == NULL)
			return (problem(p, 400, "missing_field", fields[i],
			    "third_party_certification needs the scheme, number, body,"
			    " scope, valid_from and valid_until of the certificate"));
	}
	if (!certification)
		return (0);
	for (i = 0; i < 4; i++)
		if (text_ok(values[i], fields[i], i == 3 ? DISCLOSURE_CERT_SCOPE_MAX :
		    DISCLOSURE_CERT_FIELD_MAX, i == 3 ? "the scope holds at most 1000"
		    " characters" : "a certificate field holds at most 200 characters",
		    p) != 0)
			return (-1);
	if (disclosure_date_parse(s->valid_from, &from) != 0)
		return (problem(p, 422, "invalid_date", fields[4],
		    "valid_from is a calendar date YYYY-MM-DD"));
	if (disclosure_date_parse(s->valid_until, &until) != 0)
		return (problem(p, 422, "invalid_date", fields[5],
		    "valid_until is a calendar date YYYY-MM-DD"));
	if (until <= from)
		return (problem(p, 422, "invalid_date", fields[5],
		    "valid_until comes after valid_from"));
	if (from > now)
		return (problem(p, 422, "invalid_date", fields[4],
		    "valid_from is not in the future: a certificate not yet in force is not"
		    " held"));
	if (disclosure_past_valid_until(until, now))
		return (problem(p, 422, "invalid_date", fields[5],
		    "the certificate has expired: valid_until has come"));
	return (0);
}

int
disclosure_submission_check(const struct disclosure_submission *s, int64_t now,
    struct disclosure_problem *p)
{
	enum disclosure_item item;

	if (s->item == NULL)
		return (problem(p, 400, "missing_field", "item", "item is required"));
	if (disclosure_item_parse(s->item, &item) != 0)
		return (problem(p, 400, "invalid_field", "item", "item is basic_policy,"
		    " management_structure, education_training, information_sharing or"
		    " third_party_certification"));
	if (s->statement == NULL)
		return (problem(p, 400, "missing_field", "statement",
		    "statement is required"));
	if (text_ok(s->statement, "statement", DISCLOSURE_STATEMENT_MAX,
	    "statement holds at most 4000 characters", p) != 0 ||
	    publication_ok(s, p) != 0)
		return (-1);
	return (certificate_ok(s, item == DISCLOSURE_THIRD_PARTY_CERTIFICATION, now, p));
}
