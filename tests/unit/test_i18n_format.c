/* Translated formats and stored sentences (common/i18n_format.h, api/messages.h):
 * a translation is used only with the same conversions, stored English sentences are
 * recognised by their pattern and translated whole, error messages of a JSON answer
 * are translated and codes are not. */
#include <criterion/criterion.h>
#include <string.h>

#include <jansson.h>

#include "api/messages.h"
#include "common/i18n.h"
#include "common/i18n_format.h"

static const char po[] =
    "msgid \"no claim %lld%s\"\n"
    "msgstr \"\xe7\x94\xb3\xe8\xab\x8b %lld%s \xe3\x81\xaa\xe3\x81\x97\"\n"
    "\n"
    "msgid \"at most %d of %s\"\n"
    "msgstr \"%s \xe3\x81\xae %d\"\n"
    "\n"
    "msgid \"no such company\"\n"
    "msgstr \"\xe4\xbc\x81\xe6\xa5\xad\xe3\x81\xaa\xe3\x81\x97\"\n"
    "\n"
    "msgid \"corrected by dispute %s\"\n"
    "msgstr \"\xe7\x95\xb0\xe8\xad\xb0 %s \xe3\x81\xa7\xe8\xa8\x82\xe6\xad\xa3\"\n"
    "\n"
    "msgid \"%s evidence items in %s factors with findings or observations; a rating"
    " needs at least %s items in %s factors\"\n"
    "msgstr \"%s \xe4\xbb\xb6 %s \xe8\xa6\x81\xe7\xb4\xa0 / %s \xe4\xbb\xb6 %s\"\n";

static struct i18n cat;

static void
load(void)
{
	char err[128];

	memset(&cat, 0, sizeof(cat));
	cr_assert_eq(i18n_parse(&cat, po, sizeof(po) - 1, err, sizeof(err)), 0, "%s", err);
}

static void
unload(void)
{
	i18n_free(&cat);
}

TestSuite(i18n_format, .init = load, .fini = unload);

Test(i18n_format, compares_conversions_in_order)
{
	cr_assert(i18n_format_same("no claim %lld%s", "x %lld y %s z"));
	cr_assert(i18n_format_same("%.40s and %zu, 100%%", "%.3s %zu"));
	cr_assert(i18n_format_same("%*d", "%*d"));
	cr_assert_not(i18n_format_same("%d of %s", "%s of %d"));
	cr_assert_not(i18n_format_same("%d", "%ld"));
	cr_assert_not(i18n_format_same("%d %s", "%d"));
	cr_assert_not(i18n_format_same("%*d", "%d"));
	cr_assert_not(i18n_format_same("%d", "cut %"));
}

Test(i18n_format, uses_a_translation_only_with_the_same_conversions)
{
	const char *fmt = "no claim %lld%s", *bad = "at most %d of %s";

	cr_assert_str_eq(i18n_format(&cat, fmt), "\xe7\x94\xb3\xe8\xab\x8b %lld%s \xe3\x81\xaa\xe3\x81\x97");
	/* Swapped conversions would pass an int as a string: the English is kept. */
	cr_assert_eq(i18n_format(&cat, bad), bad);
	cr_assert_eq(i18n_format(NULL, fmt), fmt);
	cr_assert_eq(i18n_format(&cat, "not in it %d"), (const char *)"not in it %d");
}

Test(i18n_format, matches_stored_patterns)
{
	char caps[I18N_CAPTURES][I18N_CAPTURE_MAX];

	cr_assert_eq(i18n_match("corrected by dispute %s", "corrected by dispute 42", caps), 1);
	cr_assert_str_eq(caps[0], "42");
	cr_assert_eq(i18n_match("%s evidence item%p in %s factor%p", "1 evidence item in 2 factors",
	    caps), 2);
	cr_assert_str_eq(caps[0], "1");
	cr_assert_str_eq(caps[1], "2");
	cr_assert_eq(i18n_match("a %s b %s", "a x b y b z", caps), 2);
	cr_assert_str_eq(caps[0], "x");
	cr_assert_str_eq(caps[1], "y b z");
	cr_assert_eq(i18n_match("corrected by dispute %s", "corrected by dispute ", caps), -1);
	cr_assert_eq(i18n_match("corrected by dispute %s", "accepted", caps), -1);
	cr_assert_eq(i18n_match("exact", "exact", caps), 0);
}

Test(i18n_format, fills_captures_and_cuts_at_a_character)
{
	char caps[I18N_CAPTURES][I18N_CAPTURE_MAX] = {"12", "\xe6\x97\xa5\xe6\x9c\xac"};
	char out[64], small[8];

	cr_assert_eq(i18n_fill("%s and %s, 100%%", caps, 2, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "12 and \xe6\x97\xa5\xe6\x9c\xac, 100%");
	/* 7 bytes: "12 " and one whole 3-byte character fit, not the second. */
	cr_assert_eq(i18n_fill("%s %s", caps, 2, small, sizeof(small)), 0);
	cr_assert_str_eq(small, "12 \xe6\x97\xa5");
	cr_assert_eq(i18n_fill("%s %s %s", caps, 2, out, sizeof(out)), -1);
	cr_assert_eq(i18n_fill("%d", caps, 2, out, sizeof(out)), -1);
}

Test(i18n_format, translates_stored_sentences)
{
	char out[256];
	const char *ins = "1 evidence item in 1 factor with findings or observations; a rating"
	    " needs at least 5 items in 3 factors";

	cr_assert_str_eq(messages_stored(&cat, "corrected by dispute 7", out, sizeof(out)),
	    "\xe7\x95\xb0\xe8\xad\xb0 7 \xe3\x81\xa7\xe8\xa8\x82\xe6\xad\xa3");
	cr_assert_str_eq(messages_stored(&cat, ins, out, sizeof(out)),
	    "1 \xe4\xbb\xb6 1 \xe8\xa6\x81\xe7\xb4\xa0 / 5 \xe4\xbb\xb6 3");
	/* Not a stored pattern, not translated, or English: as it is. */
	cr_assert_str_eq(messages_stored(&cat, "accepted by staff", out, sizeof(out)),
	    "accepted by staff");
	cr_assert_str_eq(messages_stored(&cat, "re-observed on 2026-01-01 after it expired",
	    out, sizeof(out)), "re-observed on 2026-01-01 after it expired");
	cr_assert_str_eq(messages_stored(NULL, "corrected by dispute 7", out, sizeof(out)),
	    "corrected by dispute 7");
}

Test(i18n_format, translates_a_json_answer_but_not_its_codes)
{
	json_t *v = json_pack("{s:{s:s, s:s}}", "error", "code", "no such company",
	    "message", "no such company");
	json_t *list = json_pack("{s:[{s:s, s:s}, {s:{s:s}}]}", "items", "status",
	    "corrected", "status_reason", "corrected by dispute 3", "rating",
	    "insufficient_reason", "2 evidence items in 2 factors with findings or"
	    " observations; a rating needs at least 5 items in 3 factors");
	json_t *items;

	cr_assert_eq(messages_translate_json(&cat, v), 0);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(v, "error"),
	    "message")), "\xe4\xbc\x81\xe6\xa5\xad\xe3\x81\xaa\xe3\x81\x97");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(v, "error"),
	    "code")), "no such company");
	cr_assert_eq(messages_translate_json(&cat, list), 0);
	items = json_object_get(list, "items");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0),
	    "status_reason")), "\xe7\x95\xb0\xe8\xad\xb0 3 \xe3\x81\xa7\xe8\xa8\x82\xe6\xad\xa3");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0),
	    "status")), "corrected");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(json_array_get(
	    items, 1), "rating"), "insufficient_reason")),
	    "2 \xe4\xbb\xb6 2 \xe8\xa6\x81\xe7\xb4\xa0 / 5 \xe4\xbb\xb6 3");
	json_decref(v);
	json_decref(list);
}
