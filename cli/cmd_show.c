#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/commands.h"
#include "common/db.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "rater/methodology_store.h"
#include "rater/rating.h"
#include "rater/rating_json.h"
#include "rater/rating_store.h"

/* Columns of rating_store_latest. */
enum {
	SHOW_NAME, SHOW_SECTOR, SHOW_SIZE, SHOW_COUNTRY, SHOW_VISIBILITY, SHOW_ID,
	SHOW_VERSION, SHOW_STATUS, SHOW_SCORE, SHOW_GRADE, SHOW_CONFIDENCE,
	SHOW_INSUFFICIENT, SHOW_FACTORS, SHOW_EVIDENCE, SHOW_INPUTS, SHOW_OUTCOME,
	SHOW_REASON, SHOW_AS_OF, SHOW_COMPUTED, SHOW_DISPUTED
};

/* The catalogue of --lang (NULL: English). */
static const struct i18n *show_cat;

static const char *
L(const char *s)
{
	return (i18n_text(show_cat, s));
}

static void
show_usage(FILE *out)
{
	fprintf(out, "usage: fairrate show SLUG [--lang ja|en] [--json]\n\n"
	    "Prints a company's latest rating for a person: score, grade and confidence (or\n"
	    "why data is insufficient), methodology version, as-of time, whether evidence\n"
	    "is disputed, each factor with its findings and their cost in points, the\n"
	    "remediation plan (exact gain of fixing each finding) and the inputs digest.\n"
	    "--lang ja prints it in Japanese (po/ja.po, methodology/i18n/ja.po); --json\n"
	    "prints the company and the explanation as GET /v1/me/rating gives it.\n\n"
	    "The database is $DATABASE_URL, or the private cluster under ./var/pg.\n");
}

static double
show_number(const json_t *o, const char *key)
{
	return (json_number_value(json_object_get(o, key)));
}

/* One factor of the stored explanation, with its findings. */
static void
show_factor(const struct methodology_factor *mf, const json_t *f)
{
	static const char *const sev[] = {"critical", "high", "medium", "low", "info"};
	const json_t *counts = json_object_get(f, "findings_by_severity");
	const json_t *findings = json_object_get(f, "findings"), *it;
	const char *name = i18n_ctext(show_cat, "factor", mf->name);
	size_t i;

	if (!json_is_true(json_object_get(f, "has_data"))) {
		printf("  %-20s %-36s %s\n", mf->code, name, L("no data (left out of the score)"));
		return;
	}
	if (mf->kind == METHODOLOGY_FACTOR_BONUS)
		printf("  %-20s %-36s +%.1f %s (%s %.1f)", mf->code, name,
		    show_number(f, "score"), L("points"), L("cap"), mf->bonus_cap);
	else
		printf("  %-20s %-36s %5.1f  %s %g", mf->code, name,
		    show_number(f, "score"), L("weight"), mf->weight);
	printf("%s\n", json_is_true(json_object_get(f, "disputed")) ? L("  [disputed]") : "");
	printf("  %-20s %s", "", L("findings:"));
	for (i = 0; i < sizeof(sev) / sizeof(sev[0]); i++)
		printf(" %s %lld", L(sev[i]),
		    (long long)json_integer_value(json_object_get(counts, sev[i])));
	printf("\n");
	json_array_foreach(findings, i, it) {
		double cost = show_number(it, "cost");

		printf("  %-22s %s %-40s %s %-8lld %s %.2f %s%s\n", "",
		    cost < 0 ? L("bonus") : L("cost "),
		    json_string_value(json_object_get(it, "check")), L("evidence"),
		    (long long)json_integer_value(json_object_get(it, "evidence_id")),
		    L(json_string_value(json_object_get(it, "severity"))), cost < 0 ? -cost : cost,
		    L("points"), json_is_true(json_object_get(it, "disputed")) ?
		    L("  [disputed]") : "");
	}
}

/* The remediation plan on the company's current evidence at the rating's as-of. */
static int
show_plan(PGconn *conn, int64_t company_id, const struct methodology *m, int64_t as_of,
    const char *stored_inputs)
{
	struct rating_remediation *plan = NULL;
	struct rating_store_input in;
	struct rating *r = NULL;
	size_t nplan = 0, i;
	int rc = -1;

	if (rating_store_load_input(conn, company_id, m, as_of, &in) != 0)
		goto done;
	if ((r = rating_compute(&in.in)) == NULL ||
	    rating_remediation_plan(&in.in, r, &plan, &nplan) != 0) {
		log_error("show: out of memory");
		goto done;
	}
	printf("\n%s\n", L("Remediation plan (exact score gain of fixing each finding "
	    "alone):"));
	if (strcmp(r->inputs_digest, stored_inputs) != 0)
		printf("  %s\n", L("(the evidence has changed since this rating; the plan uses "
		    "the current evidence)"));
	if (nplan == 0)
		printf("  %s\n", L("nothing to fix"));
	for (i = 0; i < nplan; i++)
		printf("  %+7.2f  %-40s %s %-8" PRId64 " %s\n", plan[i].gain,
		    m->checks[plan[i].check].code, L("evidence"), plan[i].evidence_id,
		    i18n_ctext(show_cat, "check", m->checks[plan[i].check].title));
	rc = 0;
done:
	free(plan);
	rating_free(r);
	rating_store_input_free(&in);
	return (rc);
}

/* --json: the company and the explanation of its latest rating, as GET /v1/me/rating
 * gives it (null when it has none yet). */
static int
show_json(PGconn *conn, const char *slug, int64_t id)
{
	struct methodology *m = NULL;
	json_t *o = NULL, *expl = json_null();
	PGresult *res;
	int rc = 1;

	if ((res = rating_store_latest(conn, id)) == NULL || PQntuples(res) != 1)
		goto done;
	if (!PQgetisnull(res, 0, SHOW_ID) &&
	    ((m = methodology_store_load(conn, PQgetvalue(res, 0, SHOW_VERSION))) == NULL ||
	    (expl = rating_store_explain(conn, id, m, res)) == NULL))
		goto done;
	o = json_pack("{s:{s:s, s:s, s:s, s:s, s:s, s:s}, s:O}", "company", "slug", slug,
	    "name", PQgetvalue(res, 0, SHOW_NAME), "sector", PQgetvalue(res, 0, SHOW_SECTOR),
	    "size_band", PQgetvalue(res, 0, SHOW_SIZE), "country",
	    PQgetvalue(res, 0, SHOW_COUNTRY), "visibility", PQgetvalue(res, 0,
	    SHOW_VISIBILITY), "rating", expl);
	if (o != NULL && json_dumpf(o, stdout, RATING_JSON_DUMP_FLAGS | JSON_INDENT(2)) == 0) {
		putchar('\n');
		rc = 0;
	}
done:
	json_decref(o);
	json_decref(expl);
	methodology_free(m);
	PQclear(res);
	return (rc);
}

static int
show_company(PGconn *conn, const char *slug, int64_t id)
{
	PGresult *res;
	struct methodology *m = NULL;
	json_t *factors = NULL;
	char asof[21];
	int64_t as_of;
	size_t i;
	int rc = 1;

	if ((res = rating_store_latest(conn, id)) == NULL || PQntuples(res) != 1)
		goto done;
	printf("%s (%s): %s, %s, %s%s\n", PQgetvalue(res, 0, SHOW_NAME), slug,
	    PQgetvalue(res, 0, SHOW_SECTOR), PQgetvalue(res, 0, SHOW_SIZE),
	    PQgetvalue(res, 0, SHOW_COUNTRY),
	    strcmp(PQgetvalue(res, 0, SHOW_VISIBILITY), "private") == 0 ?
	    L(", private (no rating is published)") : "");
	if (PQgetisnull(res, 0, SHOW_ID)) {
		printf("%s\n", L("not rated yet: run 'fairrate score'"));
		rc = 0;
		goto done;
	}
	as_of = strtoll(PQgetvalue(res, 0, SHOW_AS_OF), NULL, 10);
	if (strcmp(PQgetvalue(res, 0, SHOW_STATUS), "rated") == 0)
		printf("%s: %s  %s %s  %s %s", L("Rating"), PQgetvalue(res, 0, SHOW_SCORE),
		    L("grade"), PQgetvalue(res, 0, SHOW_GRADE), L("confidence"),
		    L(PQgetvalue(res, 0, SHOW_CONFIDENCE)));
	else
		printf("%s: %s (%s)", L("Rating"), L("insufficient data"),
		    PQgetvalue(res, 0, SHOW_INSUFFICIENT));
	printf("%s\n", PQgetvalue(res, 0, SHOW_DISPUTED)[0] == 't' ?
	    L("  [DISPUTED: some evidence is under dispute]") : "");
	printf("%s %s, %s %s, %s %s (%s), %s %s\n", L("Methodology"),
	    PQgetvalue(res, 0, SHOW_VERSION), L("as of"), timefmt_format(as_of, asof),
	    L("computed"), PQgetvalue(res, 0, SHOW_COMPUTED), PQgetvalue(res, 0, SHOW_REASON),
	    L("evidence items used:"), PQgetvalue(res, 0, SHOW_EVIDENCE));
	if ((m = methodology_store_load(conn, PQgetvalue(res, 0, SHOW_VERSION))) == NULL)
		goto done;
	if ((factors = rating_json_factors_expand(PQgetvalue(res, 0, SHOW_FACTORS), m)) ==
	    NULL) {
		log_error("show: the stored factors are not those of methodology %s",
		    m->version);
		goto done;
	}
	printf("\n%s\n", L("Factors (score 0-100, weight; each finding's cost in points of "
	    "the overall score):"));
	for (i = 0; i < m->nfactors; i++) {
		const json_t *f = json_object_get(factors, m->factors[i].code);

		if (f != NULL)
			show_factor(&m->factors[i], f);
	}
	if (show_plan(conn, id, m, as_of, PQgetvalue(res, 0, SHOW_INPUTS)) != 0)
		goto done;
	printf("\n%s: %s\n%s\n", L("Inputs digest"), PQgetvalue(res, 0, SHOW_INPUTS),
	    L("(recompute it from the evidence export with the published methodology: "
	    "/v1/methodology/document)"));
	rc = 0;
done:
	json_decref(factors);
	methodology_free(m);
	PQclear(res);
	return (rc);
}

int
cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{"lang", required_argument, NULL, 'l'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *lang = "en";
	struct i18n cat;
	char err[300];
	PGconn *conn;
	int64_t id = 0;
	int c, rc, json = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			lang = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			show_usage(stdout);
			return (0);
		default:
			show_usage(stderr);
			return (2);
		}
	}
	if (optind + 1 != argc) {
		show_usage(stderr);
		return (2);
	}
	if ((rc = i18n_open(&cat, lang, NULL, err, sizeof(err))) != 0) {
		log_error("show: %s", err);
		return (rc > 0 ? 2 : 1);
	}
	show_cat = &cat;
	if ((conn = db_connect(NULL)) == NULL) {
		i18n_free(&cat);
		return (1);
	}
	rc = rating_store_company_id(conn, argv[optind], &id);
	if (rc == 1)
		log_error("show: no company has the slug '%s'", argv[optind]);
	if (rc == 0)
		rc = json ? show_json(conn, argv[optind], id) : show_company(conn, argv[optind], id);
	else
		rc = 1;
	PQfinish(conn);
	show_cat = NULL;
	i18n_free(&cat);
	return (rc);
}
