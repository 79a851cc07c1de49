/* fairrate disputes: the dispute queue and one dispute, read from the database, for
 * operators (decisions stay with a named reviewer's key: the API and the portal). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api/dispute_http.h"
#include "cli/commands.h"
#include "common/db.h"
#include "common/timefmt.h"
#include "dispute/dispute_json.h"
#include "dispute/dispute_sla.h"
#include "dispute/dispute_store.h"

static void
disputes_usage(FILE *out)
{
	fprintf(out, "usage: fairrate disputes [--state STATE] [--overdue] [--company SLUG]\n"
	    "       [--limit N] [--json]\n"
	    "       fairrate disputes show ID [--json]\n\n"
	    "Lists disputes as the staff queue shows them (default: those waiting for staff\n"
	    "or the company, oldest first), or a company's (--company, by id), and shows one\n"
	    "with its items, thread (internal notes included) and SLA. Decisions are made\n"
	    "with a named reviewer's key, through the API or the portal, so that the\n"
	    "audit trail names who decided (docs/disputes.md).\n\n"
	    "  --state STATE  open, in_review, info_requested, accepted, rejected, appealed,\n"
	    "                 in_review_appeal, appeal_accepted, appeal_rejected, withdrawn\n"
	    "  --overdue      only those whose SLA clock is past due\n"
	    "  --company SLUG that company's disputes (every state)\n"
	    "  --limit N      at most N (1-500, default 50)\n"
	    "  --json         the API's JSON instead of lines\n\n"
	    "Exit status: 0 done, 1 failure or no such dispute, 2 bad usage.\n");
}

static void
print_list(const struct dispute_list *l, int64_t now)
{
	char opened[21];
	size_t i;

	(void)now;
	if (l->n == 0) {
		printf("no disputes\n");
		return;
	}
	printf("%-6s %-24s %-11s %-21s %-16s %-10s %5s %s\n", "id", "company", "kind",
	    "reason", "state", "opened", "items", "sla");
	for (i = 0; i < l->n; i++) {
		const struct dispute_summary *d = &l->items[i];

		timefmt_format(d->opened_at, opened);
		opened[10] = '\0';
		printf("%-6lld %-24s %-11s %-21s %-16s %-10s %5zu %s\n", (long long)d->id,
		    d->company_slug, dispute_kind_name(d->kind), dispute_reason_name(d->reason),
		    dispute_state_name(d->state), opened, d->nitems,
		    dispute_sla_state_name(d->sla));
	}
	if (l->next_after > 0)
		printf("(more: the list stops at --limit)\n");
}

static void
print_dispute(const struct dispute *d)
{
	char t[21];
	size_t i;

	timefmt_format(d->sla.opened_at, t);
	printf("dispute %lld: %s, %s on %s, %s\nopened %s by key #%lld\n",
	    (long long)d->id, dispute_kind_name(d->kind), dispute_reason_name(d->reason),
	    d->company_slug, dispute_state_name(d->state), t, (long long)d->opened_by);
	printf("%s:", d->kind == DISPUTE_KIND_EVIDENCE ? "evidence" : "assets");
	for (i = 0; i < d->nitems; i++)
		printf(" #%lld", (long long)d->items[i]);
	printf("\nexplanation: %s\n", d->explanation ? d->explanation : "");
	if (d->decision[0] != '\0')
		printf("decision: %s: %s\n", d->decision, d->decision_rationale ?
		    d->decision_rationale : "");
	printf("thread:\n");
	for (i = 0; i < d->nthread; i++) {
		const struct dispute_thread_entry *e = &d->thread[i];

		timefmt_format(e->at, t);
		printf("  %s %-8s key #%-6lld %s%s%s%s%s%s\n", t, dispute_role_name(e->role),
		    (long long)e->actor_key_id, e->event, e->to_state[0] ? " -> " : "",
		    e->to_state, e->internal ? " (internal)" : "",
		    e->body && e->body[0] ? ": " : "", e->body ? e->body : "");
	}
	for (i = 0; i < d->nattachments; i++)
		printf("attachment #%lld: %s (%s, %zu bytes)\n", (long long)d->attachments[i].id,
		    d->attachments[i].filename, d->attachments[i].content_type,
		    d->attachments[i].size);
}

static int
disputes_show(PGconn *conn, const char *arg, int as_json, int64_t now)
{
	struct dispute_actor staff = {DISPUTE_ROLE_ADMIN, 0, 0};
	struct dispute_sla_config sla;
	struct dispute *d = NULL;
	char *end;
	long long id = strtoll(arg, &end, 10);
	json_t *v;
	int rc;

	if (*end != '\0' || id <= 0) {
		fprintf(stderr, "fairrate disputes show: '%s' is not a dispute id\n", arg);
		return (2);
	}
	dispute_http_sla(&sla);
	rc = dispute_store_get(conn, &staff, id, &d);
	if (rc == DISPUTE_STORE_NOT_FOUND) {
		fprintf(stderr, "fairrate disputes show: no dispute %lld\n", id);
		return (1);
	}
	if (rc != DISPUTE_STORE_OK)
		return (1);
	if (as_json) {
		if ((v = dispute_json_dispute(d, DISPUTE_JSON_STAFF, &sla, now)) == NULL) {
			dispute_free(d);
			return (1);
		}
		json_dumpf(v, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		printf("\n");
		json_decref(v);
	} else
		print_dispute(d);
	dispute_free(d);
	return (0);
}

int
cmd_disputes(int argc, char **argv)
{
	static const struct option opts[] = {{"state", required_argument, NULL, 's'},
	    {"overdue", no_argument, NULL, 'o'}, {"company", required_argument, NULL, 'c'},
	    {"limit", required_argument, NULL, 'l'}, {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct dispute_queue_filter f;
	struct dispute_sla_config sla;
	struct dispute_list *l = NULL;
	const char *company = NULL, *params[1];
	int64_t now = timefmt_now();
	PGconn *conn;
	PGresult *res;
	char *end;
	json_t *v;
	long n;
	int ch, as_json = 0, rc = 1;

	memset(&f, 0, sizeof(f));
	f.limit = 50;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (dispute_state_parse(optarg, &f.state) != 0) {
				fprintf(stderr, "fairrate disputes: unknown state '%s'\n", optarg);
				return (2);
			}
			f.has_state = 1;
			break;
		case 'o': f.overdue = 1; break;
		case 'c': company = optarg; break;
		case 'l':
			n = strtol(optarg, &end, 10);
			if (*end != '\0' || n < 1 || n > 500) {
				fprintf(stderr, "fairrate disputes: --limit is 1 to 500\n");
				return (2);
			}
			f.limit = (size_t)n;
			break;
		case 'j': as_json = 1; break;
		case 'h': disputes_usage(stdout); return (0);
		default: disputes_usage(stderr); return (2);
		}
	}
	if (argc - optind == 2 && strcmp(argv[optind], "show") == 0) {
		if (company != NULL || f.has_state || f.overdue) {
			disputes_usage(stderr);
			return (2);
		}
		if ((conn = db_connect(NULL)) == NULL)
			return (1);
		rc = disputes_show(conn, argv[optind + 1], as_json, now);
		PQfinish(conn);
		return (rc);
	}
	if (optind != argc || (company != NULL && (f.has_state || f.overdue))) {
		disputes_usage(stderr);
		return (2);
	}
	if ((conn = db_connect(NULL)) == NULL)
		return (1);
	dispute_http_sla(&sla);
	if (company != NULL) {
		params[0] = company;
		if ((res = db_query(conn, "SELECT id FROM companies WHERE slug = $1", 1,
		    params)) == NULL)
			goto done;
		if (PQntuples(res) == 0) {
			fprintf(stderr, "fairrate disputes: no company '%s'\n", company);
			PQclear(res);
			goto done;
		}
		n = strtol(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
		if (dispute_store_list_company(conn, n, 0, f.limit, &sla, now, &l) !=
		    DISPUTE_STORE_OK)
			goto done;
	} else if (dispute_store_queue(conn, &f, &sla, now, &l) != DISPUTE_STORE_OK)
		goto done;
	if (as_json) {
		if ((v = dispute_json_list(l, DISPUTE_JSON_STAFF)) == NULL)
			goto done;
		json_dumpf(v, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		printf("\n");
		json_decref(v);
	} else
		print_list(l, now);
	rc = 0;
done:
	dispute_list_free(l);
	PQfinish(conn);
	return (rc);
}
