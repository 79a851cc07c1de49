#include "api/messages.h"

#include <string.h>

#include "common/i18n_format.h"

/* The sentences the server stores in English (SQL in dispute/dispute_correction.c,
 * disclosure/disclosure_evidence.c and disclosure_store.c, collector/import_store.c;
 * rater/rating.c; api/me_store.c writes one at output time) or makes in modules that
 * know no language (rater/plan.c, api/http_json.c): how each was written (%s a value,
 * %p an English plural "s") and its msgid, the same sentence with a %s for each
 * value. */
static const struct {
	const char *stored;
	const char *msgid;
} messages_stored_texts[] = {
	/* xgettext:c-format */
	{"corrected by dispute %s", N_("corrected by dispute %s")},
	/* xgettext:c-format */
	{"verified disclosure %s", N_("verified disclosure %s")},
	/* xgettext:c-format */
	{"disclosure %s expired", N_("disclosure %s expired")},
	/* xgettext:c-format */
	{"disclosure %s withdrawn", N_("disclosure %s withdrawn")},
	/* xgettext:c-format */
	{"disclosure %s rejected", N_("disclosure %s rejected")},
	/* xgettext:c-format */
	{"disclosure %s superseded", N_("disclosure %s superseded")},
	/* xgettext:c-format */
	{"re-observed on %s after the correction of %s",
	    N_("re-observed on %s after the correction of %s")},
	/* xgettext:c-format */
	{"re-observed on %s after it expired", N_("re-observed on %s after it expired")},
	/* xgettext:c-format */
	{"older than the %s-day lifetime of factor %s under methodology %s",
	    N_("older than the %s-day lifetime of factor %s under methodology %s")},
	/* xgettext:c-format */
	{"%s evidence item%p in %s factor%p with findings or observations; a rating needs"
	    " at least %s items in %s factors", N_("%s evidence items in %s factors with"
	    " findings or observations; a rating needs at least %s items in %s factors")},
	/* xgettext:c-format */
	{"target must be a grade of methodology %s (%s) or a score above 0 and at most 100",
	    N_("target must be a grade of methodology %s (%s) or a score above 0 and at"
	    " most 100")},
	/* xgettext:c-format */
	{"malformed JSON at line %s, column %s: %s",
	    N_("malformed JSON at line %s, column %s: %s")},
};

const char *
messages_stored(const struct i18n *cat, const char *text, char *out, size_t n)
{
	char caps[I18N_CAPTURES][I18N_CAPTURE_MAX];
	const char *t;
	size_t i;
	int k;

	if (cat == NULL || cat->n == 0 || text == NULL)
		return (text);
	if ((t = i18n_text(cat, text)) != text)
		return (t);
	for (i = 0; i < sizeof(messages_stored_texts) / sizeof(messages_stored_texts[0]);
	    i++) {
		if ((k = i18n_match(messages_stored_texts[i].stored, text, caps)) < 0)
			continue;
		t = i18n_text(cat, messages_stored_texts[i].msgid);
		if (t == messages_stored_texts[i].msgid ||
		    !i18n_format_same(t, messages_stored_texts[i].msgid) ||
		    i18n_fill(t, caps, k, out, n) != 0)
			return (text);
		return (out);
	}
	return (text);
}

/* Replace the string at key of object o by its stored-sentence translation. */
static int
messages_stored_member(const struct i18n *cat, json_t *o, const char *key)
{
	char out[1024];
	json_t *s = json_object_get(o, key);
	const char *text, *t;

	if (!json_is_string(s))
		return (0);
	text = json_string_value(s);
	t = messages_stored(cat, text, out, sizeof(out));
	return (t == text ? 0 : json_string_set(s, t));
}

static int
messages_walk(const struct i18n *cat, json_t *v, int depth)
{
	const char *key;
	json_t *child;
	size_t i;
	int rc = 0;

	/* Answers are a few levels deep; a cap keeps a pathological one from
	 * recursing without end. */
	if (depth > 16)
		return (0);
	if (json_is_object(v)) {
		if (messages_stored_member(cat, v, "status_reason") != 0 ||
		    messages_stored_member(cat, v, "insufficient_reason") != 0)
			rc = -1;
		json_object_foreach(v, key, child)
			if ((json_is_object(child) || json_is_array(child)) &&
			    messages_walk(cat, child, depth + 1) != 0)
				rc = -1;
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, child)
			if ((json_is_object(child) || json_is_array(child)) &&
			    messages_walk(cat, child, depth + 1) != 0)
				rc = -1;
	}
	return (rc);
}

int
messages_translate_json(const struct i18n *cat, json_t *v)
{
	json_t *err;

	if (cat == NULL || cat->n == 0 || v == NULL)
		return (0);
	if ((err = json_object_get(v, "error")) != NULL &&
	    messages_stored_member(cat, err, "message") != 0)
		return (-1);
	return (messages_walk(cat, v, 0));
}
