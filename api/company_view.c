#include "api/company_view.h"

#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/timefmt.h"
#include "rater/rating_json.h"

json_t *
company_view_time(const char *epoch)
{
	char iso[21];

	if (epoch == NULL || epoch[0] == '\0')
		return (json_null());
	return (json_string(timefmt_format(strtoll(epoch, NULL, 10), iso)));
}

json_t *
company_view_number(const char *text)
{
	if (text == NULL || text[0] == '\0')
		return (json_null());
	return (json_real(strtod(text, NULL)));
}

static json_t *
company_view_string(const char *s)
{
	return (s != NULL ? json_string(s) : json_null());
}

/* Whether any check in checks (a JSON array) belongs to factor index f of m. */
static int
company_view_factor_disputed(const json_t *checks, const struct methodology *m, int f)
{
	const struct methodology_check *c;
	size_t i;

	if (f < 0)
		return (0);
	for (i = 0; i < json_array_size(checks); i++) {
		c = methodology_find_check(m, json_string_value(json_array_get(checks, i)) ?
		    json_string_value(json_array_get(checks, i)) : "");
		if (c != NULL && c->factor == (size_t)f)
			return (1);
	}
	return (0);
}

json_t *
company_view_factors(const char *factors, const char *disputed_checks,
    const struct methodology *m)
{
	static const char *const keep[] = {"name", "kind", "has_data", "score", "weight",
	    "findings_by_severity"};
	json_t *in = NULL, *checks = NULL, *out = NULL, *f, *o, *v;
	const char *code;
	size_t i;
	int disputed;

	if (m == NULL || (in = rating_json_factors_expand(factors, m)) == NULL)
		goto fail;
	if (disputed_checks != NULL &&
	    ((checks = json_loads(disputed_checks, 0, NULL)) == NULL || !json_is_array(checks)))
		goto fail;
	if ((out = json_object()) == NULL)
		goto fail;
	json_object_foreach(in, code, f) {
		if (!json_is_object(f) || (o = json_object()) == NULL ||
		    json_object_set_new(out, code, o) != 0)
			goto fail;
		for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
			if ((v = json_object_get(f, keep[i])) != NULL &&
			    json_object_set(o, keep[i], v) != 0)
				goto fail;
		disputed = json_is_true(json_object_get(f, "disputed")) ||
		    company_view_factor_disputed(checks, m, methodology_find_factor(m, code));
		if (json_object_set_new(o, "disputed", json_boolean(disputed)) != 0)
			goto fail;
	}
	json_decref(in);
	json_decref(checks);
	return (out);
fail:
	json_decref(in);
	json_decref(checks);
	json_decref(out);
	return (NULL);
}

static int
company_view_set(json_t *o, const char *key, json_t *v)
{
	return (v == NULL || json_object_set_new(o, key, v) != 0 ? -1 : 0);
}

static int
company_view_common(json_t *o, const struct company_view_row *row)
{
	int bad = 0;

	bad |= company_view_set(o, "slug", company_view_string(row->slug));
	bad |= company_view_set(o, "name", company_view_string(row->name));
	bad |= company_view_set(o, "sector", company_view_string(row->sector));
	bad |= company_view_set(o, "size_band", company_view_string(row->size_band));
	bad |= company_view_set(o, "country", company_view_string(row->country));
	bad |= company_view_set(o, "status", json_string(row->status ? row->status :
	    "not_rated"));
	bad |= company_view_set(o, "score", company_view_number(row->score));
	bad |= company_view_set(o, "grade", company_view_string(row->grade));
	bad |= company_view_set(o, "confidence", company_view_string(row->confidence));
	bad |= company_view_set(o, "methodology_version",
	    company_view_string(row->methodology_version));
	bad |= company_view_set(o, "as_of", company_view_time(row->as_of));
	return (bad ? -1 : 0);
}

json_t *
company_view_item(const struct company_view_row *row)
{
	json_t *o = json_object();

	if (o == NULL || company_view_common(o, row) != 0) {
		json_decref(o);
		return (NULL);
	}
	return (o);
}

json_t *
company_view_summary(const struct company_view_row *row, const struct methodology *m)
{
	json_t *o = json_object(), *factors, *up = json_null();
	int bad = 0;

	if (o == NULL || company_view_common(o, row) != 0)
		goto fail;
	if (row->status != NULL) {
		if ((factors = company_view_factors(row->factors, row->disputed_checks, m)) ==
		    NULL) {
			log_error("company %s: its latest rating's factors are malformed",
			    row->slug ? row->slug : "?");
			goto fail;
		}
	} else
		factors = json_object();
	bad |= company_view_set(o, "insufficient_reason",
	    company_view_string(row->insufficient_reason));
	bad |= company_view_set(o, "disputed", json_boolean(row->disputed_checks != NULL &&
	    strcmp(row->disputed_checks, "[]") != 0));
	if (row->upcoming_version != NULL)
		up = json_pack("{s:s, s:o}", "version", row->upcoming_version, "effective_at",
		    company_view_time(row->upcoming_effective_at));
	bad |= company_view_set(o, "upcoming_methodology", up);
	bad |= company_view_set(o, "factors", factors);
	if (bad)
		goto fail;
	return (o);
fail:
	json_decref(o);
	return (NULL);
}
