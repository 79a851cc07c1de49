/* fairrate plan SLUG --target GRADE|SCORE: the shortest sequence of fixes that the
 * engine says reaches the target (rater/plan.h), with the score after each step. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/commands.h"
#include "common/db.h"
#include "common/log.h"
#include "rater/methodology_store.h"
#include "rater/plan.h"
#include "rater/rating_json.h"
#include "rater/rating_store.h"

static void
plan_usage(FILE *out)
{
	fprintf(out, "usage: fairrate plan SLUG --target GRADE|SCORE [--json]\n\n"
	    "Prints the shortest sequence of fixes that reaches the target grade (e.g. B) or\n"
	    "score (e.g. 80) on the company's current evidence, under the methodology of its\n"
	    "latest rating: each step is the fix with the largest exact gain, rescored by\n"
	    "the engine; fixes that raise the score only together form one step. With\n"
	    "--json, the plan as GET /v1/me/plan returns it.\n\n"
	    "The database is $DATABASE_URL, or the private cluster under ./var/pg.\n");
}

static void
plan_print(const char *slug, const struct plan *p, const struct methodology *m)
{
	size_t i, j;

	if (p->status == PLAN_INSUFFICIENT_DATA) {
		printf("%s has insufficient data for a rating: no plan is possible until more "
		    "of it is observed.\n", slug);
		return;
	}
	printf("%s: %.1f (%s) now; target %.1f%s%s%s\n", slug, p->start_score,
	    p->start_grade, p->target_score, p->target_grade[0] ? " (grade " : "",
	    p->target_grade, p->target_grade[0] ? ")" : "");
	if (p->nsteps == 0 && p->status == PLAN_REACHED)
		printf("  already there: nothing to fix\n");
	for (i = 0; i < p->nsteps; i++) {
		const struct plan_step *s = &p->steps[i];

		printf("  %2zu. %+6.2f -> %5.1f %-2s  %s%s\n", i + 1, s->gain,
		    s->score_after_rounded, s->grade_after, m->factors[s->factor].name,
		    s->together ? " (these only help together)" : "");
		for (j = s->first_fix; j < s->first_fix + s->nfixes; j++) {
			const struct plan_fix *f = &p->fixes[j];

			printf("        fix %-40s evidence %-8" PRId64 "%s\n",
			    m->checks[f->check].code, f->evidence_id,
			    f->same_fact_as ? " (another source of the same fact)" : "");
		}
	}
	if (p->status == PLAN_UNREACHABLE)
		printf("  fixing every finding reaches %.1f (%s), short of the target\n",
		    p->end_score, p->end_grade);
}

static int
plan_company(PGconn *conn, const char *slug, int64_t id, const char *target, int json)
{
	struct methodology *m = NULL;
	struct plan p;
	PGresult *res;
	json_t *o = NULL;
	char err[200];
	int rc = 1, r;

	memset(&p, 0, sizeof(p));
	if ((res = rating_store_latest(conn, id)) == NULL)
		return (1);
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 5)) {
		log_error("plan: %s has no rating yet (run fairrate score)", slug);
		goto done;
	}
	if ((m = methodology_store_load(conn, PQgetvalue(res, 0, 6))) == NULL)
		goto done;
	r = rating_store_plan(conn, id, m, strtoll(PQgetvalue(res, 0, 17), NULL, 10),
	    target, &p, err, sizeof(err));
	if (r == 2) {
		log_error("plan: --target '%s': %s", target, err);
		rc = 2;
		goto done;
	}
	if (r != 0)
		goto done;
	if (json) {
		if ((o = plan_json(&p, m)) == NULL ||
		    json_dumpf(o, stdout, RATING_JSON_DUMP_FLAGS | JSON_INDENT(2)) != 0)
			goto done;
		putchar('\n');
	} else
		plan_print(slug, &p, m);
	rc = 0;
done:
	json_decref(o);
	plan_free(&p);
	methodology_free(m);
	PQclear(res);
	return (rc);
}

int
cmd_plan(int argc, char **argv)
{
	static const struct option opts[] = {
		{"target", required_argument, NULL, 't'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *target = NULL;
	PGconn *conn;
	int64_t id = 0;
	int c, rc, json = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			target = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			plan_usage(stdout);
			return (0);
		default:
			plan_usage(stderr);
			return (2);
		}
	}
	if (optind + 1 != argc || target == NULL) {
		plan_usage(stderr);
		return (2);
	}
	if ((conn = db_connect(NULL)) == NULL)
		return (1);
	rc = rating_store_company_id(conn, argv[optind], &id);
	if (rc == 1)
		log_error("plan: no company has the slug '%s'", argv[optind]);
	rc = rc == 0 ? plan_company(conn, argv[optind], id, target, json) : 1;
	PQfinish(conn);
	return (rc);
}
