#include "api/methodology_draft_store.h"

#include <stdlib.h>
#include <string.h>

#include "api/methodology_cache.h"
#include "api/publication_store.h"
#include "common/buf.h"
#include "common/log.h"
#include "rater/methodology.h"
#include "rater/methodology_diff.h"
#include "rater/methodology_store.h"
#include "rater/rating.h"
#include "rater/rating_json.h"
#include "rater/rating_store.h"
#include "common/timefmt.h"

#define DRAFT_CONNINFO_LIMIT 4096

char *
methodology_draft_store_document(const json_t *body, size_t *len, json_t **errors)
{
	struct methodology_errors errs;
	struct methodology *m;
	json_t *list;
	char *text;
	size_t i;

	*errors = NULL;
	if ((text = json_dumps(body, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(17))) == NULL)
		return (NULL);
	*len = strlen(text);
	if (*len > METHODOLOGY_MAX_DOCUMENT) {
		*errors = json_pack("[{s:s, s:s}]", "path", "", "message",
		    "the document is larger than 1 MB");
		free(text);
		return (NULL);
	}
	if ((m = methodology_parse(text, *len, &errs)) != NULL) {
		methodology_free(m);
		return (text);
	}
	free(text);
	if ((list = json_array()) == NULL)
		return (NULL);
	for (i = 0; i < errs.n && i < METHODOLOGY_MAX_ERRORS; i++)
		if (json_array_append_new(list, json_pack("{s:s, s:s}", "path",
		    errs.items[i].where, "message", errs.items[i].message)) != 0) {
			json_decref(list);
			return (NULL);
		}
	*errors = list;
	return (NULL);
}

int
methodology_draft_store_with_diff(PGconn *conn, json_t *draft, int64_t now)
{
	struct methodology *a = NULL, *b = NULL;
	json_t *changes = NULL, *text_doc;
	struct methodology_errors errs;
	char *text = NULL;
	int rc = -1;

	text_doc = json_object_get(draft, "definition");
	if ((text = json_dumps(text_doc, JSON_COMPACT)) == NULL)
		goto done;
	if ((b = methodology_parse(text, strlen(text), &errs)) == NULL) {
		log_error("drafts: stored draft %s no longer validates",
		    json_string_value(json_object_get(draft, "version")));
		goto done;
	}
	if ((a = methodology_store_load_in_force(conn, now)) == NULL) {
		rc = json_object_set_new(draft, "diff", json_null());
		goto done;
	}
	if ((changes = methodology_diff(a, b)) == NULL)
		goto done;
	rc = json_object_set_new(draft, "diff", json_pack("{s:s, s:O}", "against",
	    a->version, "changes", changes));
done:
	json_decref(changes);
	methodology_free(a);
	methodology_free(b);
	free(text);
	return (rc);
}

/* Append key='value' with the value's backslashes and quotes escaped. */
static int
draft_conninfo_pair(struct buf *b, const char *key, const char *val)
{
	const char *p;
	int bad = buf_appendf(b, "%s='", key);

	for (p = val; !bad && *p != '\0'; p++) {
		if (*p == '\\' || *p == '\'')
			bad |= buf_append(b, "\\", 1);
		bad |= buf_append(b, p, 1);
	}
	bad |= buf_append(b, "' ", 2);
	return (bad ? -1 : 0);
}

char *
methodology_draft_store_conninfo(PGconn *conn)
{
	PQconninfoOption *opts = PQconninfo(conn), *o;
	struct buf b;
	int bad = 0;

	if (opts == NULL)
		return (NULL);
	buf_init(&b, DRAFT_CONNINFO_LIMIT);
	bad |= buf_append(&b, "", 0);
	for (o = opts; !bad && o->keyword != NULL; o++)
		if (o->val != NULL && o->val[0] != '\0')
			bad |= draft_conninfo_pair(&b, o->keyword, o->val);
	PQconninfoFree(opts);
	if (bad) {
		log_error("drafts: the connection string does not fit");
		buf_free(&b);
		return (NULL);
	}
	return (b.data);
}

static json_t *
draft_side(const struct rating *r)
{
	return (json_pack("{s:s, s:o, s:o, s:s}", "status",
	    r->status == RATING_RATED ? "rated" : "insufficient_data",
	    "score", r->status == RATING_RATED ? json_real(r->score) : json_null(),
	    "grade", r->status == RATING_RATED ? json_string(r->grade) : json_null(),
	    "confidence", rating_confidence_name(r->confidence)));
}

int
methodology_draft_store_projection(struct db_pool *pool, PGconn *conn,
    int64_t company_id, int64_t now, json_t **out)
{
	const struct methodology *up, *cur;
	struct rating_remediation *plan = NULL;
	struct rating *ru = NULL, *rc_ = NULL;
	struct rating_store_input in;
	json_t *state, *upcoming, *in_force, *expl = NULL;
	PGresult *latest = NULL;
	char when[24];
	size_t nplan = 0;
	int rc = -1;

	*out = NULL;
	memset(&in, 0, sizeof(in));
	if ((state = publication_store_current(pool, conn, now)) == NULL)
		return (-1);
	upcoming = json_object_get(state, "upcoming");
	in_force = json_object_get(state, "in_force");
	if (!json_is_object(upcoming) || !json_is_object(in_force)) {
		rc = 0;
		goto done;
	}
	if ((up = methodology_cache_get(pool, conn, json_string_value(json_object_get(
	    upcoming, "version")))) == NULL || (cur = methodology_cache_get(pool, conn,
	    json_string_value(json_object_get(in_force, "version")))) == NULL ||
	    rating_store_load_input(conn, company_id, up, now, &in) != 0 ||
	    (latest = rating_store_latest(conn, company_id)) == NULL ||
	    PQntuples(latest) != 1)
		goto done;
	if ((ru = rating_compute(&in.in)) == NULL ||
	    rating_remediation_plan(&in.in, ru, &plan, &nplan) != 0)
		goto done;
	in.in.methodology = cur;
	if ((rc_ = rating_compute(&in.in)) == NULL ||
	    (expl = rating_json_explanation(ru, up, plan, nplan)) == NULL)
		goto done;
	/* A projection is computed now and never stored: it names the stored rating it
	 * is set beside (null before the first), and never matches a stored one. */
	if (json_object_set_new(expl, "rating_id", PQgetisnull(latest, 0, 5) ? json_null() :
	    json_integer(strtoll(PQgetvalue(latest, 0, 5), NULL, 10))) != 0 ||
	    json_object_set_new(expl, "computed_at",
	    json_string(timefmt_format(now, when))) != 0 ||
	    json_object_set_new(expl, "reason", json_string("projection")) != 0 ||
	    json_object_set_new(expl, "matches_stored_rating", json_false()) != 0)
		goto done;
	*out = json_pack("{s:O, s:O, s:O, s:o, s:O, s:o}", "version",
	    json_object_get(upcoming, "version"), "effective_at",
	    json_object_get(upcoming, "effective_at"), "in_force_version",
	    json_object_get(in_force, "version"), "current", draft_side(rc_),
	    "projection", expl, "score_change",
	    ru->status == RATING_RATED && rc_->status == RATING_RATED ?
	    json_real((double)(long)((ru->score - rc_->score) * 10.0 +
	    (ru->score >= rc_->score ? 0.5 : -0.5)) / 10.0) : json_null());
	rc = *out != NULL ? 1 : -1;
done:
	json_decref(expl);
	rating_free(ru);
	rating_free(rc_);
	free(plan);
	rating_store_input_free(&in);
	PQclear(latest);
	json_decref(state);
	return (rc);
}
