#ifndef FAIRRATE_DISCLOSURE_RULES_H
#define FAIRRATE_DISCLOSURE_RULES_H

#include <stdint.h>

/*
 * What a governance disclosure holds and how a submission is judged, pure: no I/O.
 * The five items are those of the methodology's governance factor (check code
 * "governance.<item>"); docs/disclosure.md lists the fields and their limits.
 */

enum disclosure_item {
	DISCLOSURE_BASIC_POLICY = 0,
	DISCLOSURE_MANAGEMENT_STRUCTURE,
	DISCLOSURE_EDUCATION_TRAINING,
	DISCLOSURE_INFORMATION_SHARING,
	DISCLOSURE_THIRD_PARTY_CERTIFICATION,
	DISCLOSURE_NITEMS
};

/* Limits, in characters (Unicode code points), as the schema (0030) counts them. */
#define DISCLOSURE_STATEMENT_MAX 4000
#define DISCLOSURE_URL_MAX 500
#define DISCLOSURE_REPORT_NAME_MAX 200
#define DISCLOSURE_REPORT_PAGE_MAX 40
#define DISCLOSURE_CERT_FIELD_MAX 200
#define DISCLOSURE_CERT_SCOPE_MAX 1000
#define DISCLOSURE_REASON_MAX 4000

/* A submission as received; every string may be NULL (absent). Dates are text,
 * "YYYY-MM-DD". */
struct disclosure_submission {
	const char *item;
	const char *statement;
	const char *published_url;
	const char *report_name;
	const char *report_page;
	const char *cert_scheme;
	const char *cert_number;
	const char *cert_body;
	const char *cert_scope;
	const char *valid_from;
	const char *valid_until;
};

/* Why a submission is refused: the HTTP status (400 or 422), the error code and a
 * sentence naming the field. Static strings. */
struct disclosure_problem {
	int status;
	const char *code;              /* missing_field, invalid_field, field_too_long,
	                                  invalid_date */
	const char *field;
	const char *message;
};

/* disclosure_item_name: "basic_policy", ...; "?" out of range. Static. */
const char *disclosure_item_name(enum disclosure_item i);

/* disclosure_item_check_code: "governance.basic_policy", ...; "?" out of range. */
const char *disclosure_item_check_code(enum disclosure_item i);

/* disclosure_item_parse: name to item; 0, or -1 when unknown. */
int disclosure_item_parse(const char *s, enum disclosure_item *out);

/* disclosure_date_parse: s as a calendar date "YYYY-MM-DD" (exactly), into *out as
 * 00:00:00 UTC of that day. 0, or -1 when it is no such date (2026-02-30 included). */
int disclosure_date_parse(const char *s, int64_t *out);

/* disclosure_submission_check: judge s at now. 0 when it may be stored; -1 and *p
 * when not, in this order: the item (400), the statement (400), the publication
 * reference (published_url http(s):// or report_name, report_page only with a
 * report_name; 400), the certificate fields (all five with valid dates for
 * third_party_certification, none for the other items; 400), then the dates (422
 * invalid_date: not a calendar date, valid_until not after valid_from, valid_from
 * after now, or valid_until already come at now). */
int disclosure_submission_check(const struct disclosure_submission *s, int64_t now,
    struct disclosure_problem *p);

/* disclosure_past_valid_until: 1 when a certificate valid until valid_until (00:00
 * UTC of that date; 0: no date, never) no longer counts at now: from that moment
 * on. */
int disclosure_past_valid_until(int64_t valid_until, int64_t now);

#endif
