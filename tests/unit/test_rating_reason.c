/* Rating history: when a new ratings row is written and which reason it records. */
#include <criterion/criterion.h>
#include <string.h>

#include <jansson.h>

#include "common/buf.h"
#include "rater/rating_reason.h"

#define T0_US INT64_C(1780000000000000)   /* the previous rating was computed then */

static struct rating_reason_previous
prev_row(void)
{
	struct rating_reason_previous p;

	memset(&p, 0, sizeof(p));
	p.exists = 1;
	p.id = 41;
	strcpy(p.methodology_version, "2026.1");
	memset(p.outcome_digest, 'a', 64);
	p.computed_at_us = T0_US;
	p.as_of = 1780000000;
	return (p);
}

/* The reason detail as the rescoring writes it, parsed (it must parse). */
static json_t *
detail(enum rating_reason reason, const struct rating_reason_previous *p,
    const struct rating_reason_changes *c, const char *version, int64_t as_of)
{
	struct buf text;
	json_error_t err;
	json_t *d;

	buf_init(&text, 4096);
	cr_assert_eq(rating_reason_detail_text(reason, p, c, version, as_of, &text), 0);
	d = json_loads(text.data, 0, &err);
	cr_assert_not_null(d, "%s: %s", err.text, text.data);
	buf_free(&text);
	return (d);
}

static const char digest_a[] =
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char digest_b[] =
    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

Test(rating_reason, first_rating_is_initial_whatever_else)
{
	struct rating_reason_previous p;
	struct rating_reason_changes c = {T0_US + 5, T0_US + 5, T0_US + 5};

	memset(&p, 0, sizeof(p));
	cr_assert_eq(rating_reason_decide(&p, &c, "2026.1", digest_a, NULL, 1), RATING_REASON_INITIAL);
}

Test(rating_reason, same_outcome_same_version_writes_nothing)
{
	struct rating_reason_previous p = prev_row();
	struct rating_reason_changes c = {T0_US + 1, T0_US + 1, T0_US + 1};

	/* Even with corrections and new evidence: the reader sees the same rating. */
	cr_assert_eq(rating_reason_decide(&p, &c, "2026.1", digest_a, NULL, p.as_of + 86400),
	    RATING_REASON_NONE);
}

Test(rating_reason, another_version_is_a_methodology_change_even_with_same_outcome)
{
	struct rating_reason_previous p = prev_row();
	struct rating_reason_changes c = {T0_US + 1, 0, 0};

	cr_assert_eq(rating_reason_decide(&p, &c, "2026.2", digest_a, NULL, p.as_of),
	    RATING_REASON_METHODOLOGY_CHANGE);
	cr_assert_eq(rating_reason_decide(&p, &c, "2026.2", digest_b, NULL, p.as_of),
	    RATING_REASON_METHODOLOGY_CHANGE);
}

Test(rating_reason, correction_wins_over_new_evidence)
{
	struct rating_reason_previous p = prev_row();
	struct rating_reason_changes c = {T0_US + 1, T0_US + 2, T0_US + 3};

	cr_assert_eq(rating_reason_decide(&p, &c, "2026.1", digest_b, NULL, p.as_of + 10),
	    RATING_REASON_CORRECTION);
}

Test(rating_reason, changes_at_or_before_the_last_rating_do_not_count)
{
	struct rating_reason_previous p = prev_row();
	/* Corrected exactly when the last rating was computed: already reflected. */
	struct rating_reason_changes c = {T0_US, T0_US - 1, T0_US};

	cr_assert_eq(rating_reason_decide(&p, &c, "2026.1", digest_b, NULL, p.as_of + 10),
	    RATING_REASON_EVIDENCE_EXPIRED);
	cr_assert_eq(rating_reason_decide(&p, &c, "2026.1", digest_b, NULL, p.as_of),
	    RATING_REASON_EVIDENCE_CHANGED);
}

Test(rating_reason, new_evidence_one_microsecond_after)
{
	struct rating_reason_previous p = prev_row();
	struct rating_reason_changes c = {0, T0_US + 1, T0_US + 1};

	cr_assert_eq(rating_reason_decide(&p, &c, "2026.1", digest_b, NULL, p.as_of),
	    RATING_REASON_NEW_EVIDENCE);
}

Test(rating_reason, updated_evidence_is_a_change_not_an_expiry)
{
	struct rating_reason_previous p = prev_row();
	struct rating_reason_changes c = {0, T0_US - 10, T0_US + 10};

	cr_assert_eq(rating_reason_decide(&p, &c, "2026.1", digest_b, NULL, p.as_of + 86400),
	    RATING_REASON_EVIDENCE_CHANGED);
}

Test(rating_reason, time_passing_alone_is_expiry_and_going_back_is_a_change)
{
	struct rating_reason_previous p = prev_row();
	struct rating_reason_changes c = {0, 0, 0};

	cr_assert_eq(rating_reason_decide(&p, &c, "2026.1", digest_b, NULL, p.as_of + 1),
	    RATING_REASON_EVIDENCE_EXPIRED);
	cr_assert_eq(rating_reason_decide(&p, &c, "2026.1", digest_b, NULL, p.as_of - 1),
	    RATING_REASON_EVIDENCE_CHANGED);
}

Test(rating_reason, names_match_the_schema)
{
	cr_assert_str_eq(rating_reason_name(RATING_REASON_INITIAL), "initial");
	cr_assert_str_eq(rating_reason_name(RATING_REASON_METHODOLOGY_CHANGE),
	    "methodology_change");
	cr_assert_str_eq(rating_reason_name(RATING_REASON_CORRECTION), "correction");
	cr_assert_str_eq(rating_reason_name(RATING_REASON_NEW_EVIDENCE), "new_evidence");
	cr_assert_str_eq(rating_reason_name(RATING_REASON_EVIDENCE_EXPIRED),
	    "evidence_expired");
	cr_assert_str_eq(rating_reason_name(RATING_REASON_EVIDENCE_CHANGED),
	    "evidence_changed");
	cr_assert_str_eq(rating_reason_name(RATING_REASON_NONE), "none");
	cr_assert_str_eq(rating_reason_name((enum rating_reason)99), "none");
}

Test(rating_reason, detail_names_the_previous_rating_and_the_change)
{
	struct rating_reason_previous p = prev_row();
	/* Corrected 2.5 s after the last rating; recorded before it (not reported). */
	struct rating_reason_changes c = {T0_US + 2500000, T0_US - 1, 0};
	json_t *d = detail(RATING_REASON_CORRECTION, &p, &c, "2026.1", 1780086400);
	char *text;

	cr_assert_not_null(d);
	text = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	cr_assert_str_eq(text, "{\"as_of\":\"2026-05-29T20:26:40Z\","
	    "\"corrected_at\":\"2026-05-28T20:26:42Z\",\"methodology_version\":\"2026.1\","
	    "\"previous_as_of\":\"2026-05-28T20:26:40Z\","
	    "\"previous_computed_at\":\"2026-05-28T20:26:40Z\","
	    "\"previous_methodology_version\":\"2026.1\",\"previous_rating_id\":41}");
	free(text);
	json_decref(d);
}

Test(rating_reason, initial_detail_has_no_previous_rating)
{
	struct rating_reason_previous p;
	struct rating_reason_changes c = {0, 0, 0};
	json_t *d;

	memset(&p, 0, sizeof(p));
	d = detail(RATING_REASON_INITIAL, &p, &c, "2026.1", 0);
	cr_assert_not_null(d);
	cr_assert_null(json_object_get(d, "previous_rating_id"));
	cr_assert_str_eq(json_string_value(json_object_get(d, "as_of")),
	    "1970-01-01T00:00:00Z");
	json_decref(d);
}

/* For every reason and every combination of change times: the version and as-of
 * always; the previous rating's members for every reason but initial; a change time
 * exactly when it came after the previous rating. */
Test(rating_reason, detail_names_what_led_to_every_reason)
{
	static const enum rating_reason reasons[] = {RATING_REASON_INITIAL,
	    RATING_REASON_METHODOLOGY_CHANGE, RATING_REASON_CORRECTION,
	    RATING_REASON_NEW_EVIDENCE, RATING_REASON_EVIDENCE_EXPIRED,
	    RATING_REASON_EVIDENCE_CHANGED};
	struct rating_reason_previous p = prev_row();
	struct rating_reason_changes c;
	struct buf text;
	json_t *d;
	size_t r;
	int mask, exists, prev;

	for (exists = 0; exists < 2; exists++)
		for (r = 0; r < sizeof(reasons) / sizeof(reasons[0]); r++)
			for (mask = 0; mask < 8; mask++) {
				p.exists = exists;
				c.last_corrected_us = T0_US + (mask & 1 ? 1 : -1);
				c.last_recorded_us = T0_US + (mask & 2 ? 2500000 : 0);
				c.last_updated_us = T0_US + (mask & 4 ? 86400000000 : -5);
				d = detail(reasons[r], &p, &c, "2026.1", 1780086400);
				prev = exists && reasons[r] != RATING_REASON_INITIAL;
				cr_assert_str_eq(json_string_value(json_object_get(d,
				    "methodology_version")), "2026.1");
				cr_assert_str_eq(json_string_value(json_object_get(d, "as_of")),
				    "2026-05-29T20:26:40Z");
				cr_assert_eq(json_integer_value(json_object_get(d,
				    "previous_rating_id")), prev ? 41 : 0);
				cr_assert_eq(json_object_get(d, "previous_computed_at") != NULL,
				    prev);
				cr_assert_eq(json_object_get(d, "corrected_at") != NULL,
				    prev && (mask & 1));
				cr_assert_eq(json_object_get(d, "recorded_at") != NULL,
				    prev && (mask & 2) != 0);
				cr_assert_eq(json_object_get(d, "updated_at") != NULL,
				    prev && (mask & 4) != 0);
				json_decref(d);
			}
	buf_init(&text, 10);
	cr_assert_eq(rating_reason_detail_text(RATING_REASON_INITIAL, &p, &c, "2026.1", 0,
	    &text), -1, "past the cap");
	buf_free(&text);
}

/* Form 2 of the inputs digest: a changed inputs digest under an unchanged outcome is
 * a new row too (why: the changes, as for an outcome change); form 1 ignores it. */
Test(rating_reason, a_changed_inputs_digest_writes_a_row_under_form_2)
{
	struct rating_reason_previous p = prev_row();
	struct rating_reason_changes c = {0, T0_US + 5, 0};

	memcpy(p.inputs_digest, digest_a, 65);
	cr_assert_eq(rating_reason_decide(&p, &c, "2026.1", p.outcome_digest, NULL,
	    p.as_of + 10), RATING_REASON_NONE);
	cr_assert_eq(rating_reason_decide(&p, &c, "2026.1", p.outcome_digest, digest_a,
	    p.as_of + 10), RATING_REASON_NONE);
	cr_assert_eq(rating_reason_decide(&p, &c, "2026.1", p.outcome_digest, digest_b,
	    p.as_of + 10), RATING_REASON_NEW_EVIDENCE);
}
