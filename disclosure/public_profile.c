#include "disclosure/public_profile.h"

#include <string.h>

/* A new object with the named members of from (null for those it lacks). */
static json_t *
pick(const json_t *from, const char *const *names)
{
	json_t *out = json_object(), *v;
	size_t i;

	for (i = 0; out != NULL && names[i] != NULL; i++) {
		v = json_object_get(from, names[i]);
		if (json_object_set_new(out, names[i], v != NULL ? json_deep_copy(v) :
		    json_null()) != 0) {
			json_decref(out);
			return (NULL);
		}
	}
	return (out);
}

static json_t *
pick_factors(const json_t *factors)
{
	static const char *const names[] = {"name", "kind", "has_data", "score", "weight",
	    NULL};
	json_t *out = json_object(), *f;
	const char *code;

	json_object_foreach((json_t *)factors, code, f)
		if (out != NULL && json_object_set_new(out, code, pick(f, names)) != 0) {
			json_decref(out);
			out = NULL;
		}
	return (out);
}

static json_t *
pick_array(const json_t *a, const char *const *names, size_t max, const char *only_field,
    const char *only_value)
{
	json_t *out = json_array(), *e;
	size_t i;

	json_array_foreach((json_t *)a, i, e) {
		const char *v = only_field != NULL ?
		    json_string_value(json_object_get(e, only_field)) : NULL;

		if (out == NULL || json_array_size(out) >= max)
			break;
		if (only_field != NULL && (v == NULL || strcmp(v, only_value) != 0))
			continue;
		if (json_array_append_new(out, pick(e, names)) != 0) {
			json_decref(out);
			out = NULL;
		}
	}
	return (out);
}

json_t *
public_profile_build(const json_t *summary, const json_t *history,
    const json_t *disclosures, const char *statement, const char *published_at)
{
	static const char *const company[] = {"slug", "name", "sector", NULL};
	static const char *const rating[] = {"status", "score", "grade", "confidence",
	    "methodology_version", "as_of", NULL};
	static const char *const trend[] = {"as_of", "status", "score", "grade", NULL};
	static const char *const disclosure[] = {"item", "check_code", "statement",
	    "publication", "certification", "verified_at", NULL};

	return (json_pack("{s:o*, s:s?, s:s?, s:o*, s:o*, s:o*, s:o*}",
	    "company", pick(summary, company),
	    "statement", statement,
	    "published_at", published_at,
	    "rating", pick(summary, rating),
	    "factors", pick_factors(json_object_get(summary, "factors")),
	    "trend", pick_array(history, trend, PUBLIC_PROFILE_TREND, NULL, NULL),
	    "disclosures", pick_array(json_object_get(disclosures, "items"), disclosure,
	    5, "status", "verified")));
}
