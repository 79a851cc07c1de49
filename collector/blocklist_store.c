#include "collector/blocklist_store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "collector/blocklist.h"
#include "collector/coverage.h"
#include "common/db.h"
#include "common/log.h"
#include "common/progress.h"
#include "common/timefmt.h"

#define BLOCKLIST_MAX_ERRORS 20
#define BLOCKLIST_MAX_NETWORKS 2000000

static const char *const blocklist_checks[] = {"compromised_systems.botnet_infection",
    "compromised_systems.malware_host", "compromised_systems.spam_source"};

int
blocklist_category_parse(const char *s, enum blocklist_category *out)
{
	static const char *const names[] = {"botnet", "malware", "spam"};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum blocklist_category)i;
			return (0);
		}
	return (-1);
}

/* Read the file into a JSON array of {net, ref, line}. 0, 1 (bad lines reported), -1. */
static int
blocklist_read(const struct blocklist_options *opt, json_t *listed, long *errors)
{
	struct blocklist_reader rd = {0};
	char net[BLOCKLIST_NET_MAX], ref[BLOCKLIST_REF_MAX], why[200], label[300];
	struct progress *meter = NULL;
	struct stat st;
	const char *name = opt->label ? opt->label : opt->path;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	FILE *f;
	int r;

	if ((f = strcmp(opt->path, "-") == 0 ? stdin : fopen(opt->path, "r")) == NULL) {
		log_error("feed: cannot open %s: %s", opt->path, strerror(errno));
		return (-1);
	}
	snprintf(label, sizeof(label), "reading %s", name);
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode))
		meter = progress_new(label, (uint64_t)st.st_size, "bytes");
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (meter != NULL && lineno % 4096 == 0)
			progress_update(meter, (uint64_t)ftello(f));
		if (len > 0 && line[len - 1] == '\n')
			len--;
		r = blocklist_line(&rd, line, (size_t)len, net, ref, why, sizeof(why));
		if (r < 0 && (*errors)++ < BLOCKLIST_MAX_ERRORS)
			fprintf(opt->errors, "%s:%ld: %s\n", name, lineno, why);
		if (r == 1 && (json_array_size(listed) >= BLOCKLIST_MAX_NETWORKS ||
		    json_array_append_new(listed, json_pack("{sssssI}", "net", net, "ref", ref,
		    "line", (json_int_t)lineno)) != 0)) {
			fprintf(opt->errors, "%s:%ld: more than %d networks, or out of memory\n",
			    name, lineno, BLOCKLIST_MAX_NETWORKS);
			(*errors)++;
			break;
		}
	}
	progress_finish(meter);
	free(line);
	if (f != stdin)
		fclose(f);
	return (*errors > 0 ? 1 : 0);
}

static void
blocklist_report(void *arg, long line, const char *message)
{
	const struct blocklist_options *opt = arg;

	fprintf(opt->errors, "%s:%ld: %s\n", opt->label ? opt->label : opt->path, line,
	    message);
}

int
blocklist_run(PGconn *conn, const struct blocklist_options *opt,
    struct blocklist_counts *counts)
{
	struct coverage_batch cov;
	struct import_store *s = NULL;
	struct import_evidence ev;
	json_t *listed = json_array();
	char *text = NULL, collector[64], details[600];
	const char *params[1];
	PGresult *match = NULL, *covered = NULL;
	long errors = 0, rejected = 0;
	int i, rc = -1;

	memset(counts, 0, sizeof(*counts));
	coverage_batch_init(&cov);
	snprintf(collector, sizeof(collector), "feed:%s", opt->source);
	if (listed == NULL || (rc = blocklist_read(opt, listed, &errors)) != 0) {
		if (rc > 0)
			fprintf(opt->errors, "%s: rejected; nothing was imported\n",
			    opt->label ? opt->label : opt->path);
		goto out;
	}
	rc = -1;
	counts->listed = (long)json_array_size(listed);
	if ((text = json_dumps(listed, JSON_COMPACT)) == NULL)
		goto out;
	params[0] = text;
	/* Every listed network that overlaps an attributed range (inet &&). */
	if ((match = db_query(conn, "SELECT c.slug, a.value, l.net::text, l.ref, l.line"
	    " FROM jsonb_to_recordset($1::jsonb) AS l(net cidr, ref text, line bigint)"
	    " JOIN assets a ON a.kind = 'ip_range' AND a.detached_at IS NULL"
	    "  AND a.value::inet && l.net"
	    " JOIN companies c ON c.id = a.company_id ORDER BY l.line, c.slug, a.value", 1,
	    params)) == NULL || (covered = db_query(conn, "SELECT DISTINCT c.slug FROM"
	    " companies c JOIN assets a ON a.company_id = c.id AND a.kind = 'ip_range'"
	    " AND a.detached_at IS NULL ORDER BY 1", 0, NULL)) == NULL)
		goto out;
	if ((s = import_store_begin(conn, IMPORT_EVIDENCE)) == NULL)
		goto out;
	for (i = 0; i < PQntuples(match); i++) {
		json_t *d = json_pack("{ssssss}", "listed", PQgetvalue(match, i, 2),
		    "reference", PQgetvalue(match, i, 3), "list", opt->source);
		char *dt = d ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

		json_decref(d);
		if (dt == NULL)
			goto out;
		snprintf(details, sizeof(details), "%s", dt);
		free(dt);
		memset(&ev, 0, sizeof(ev));
		snprintf(ev.company, sizeof(ev.company), "%s", PQgetvalue(match, i, 0));
		ev.asset.kind = IMPORT_ASSET_IP_RANGE;
		snprintf(ev.asset.value, sizeof(ev.asset.value), "%s", PQgetvalue(match, i, 1));
		snprintf(ev.check_code, sizeof(ev.check_code), "%s",
		    blocklist_checks[opt->category]);
		snprintf(ev.outcome, sizeof(ev.outcome), "fail");
		snprintf(ev.observation_key, sizeof(ev.observation_key), "%s",
		    PQgetvalue(match, i, 2));
		ev.first_seen = ev.last_seen = opt->observed_at;
		snprintf(ev.source, sizeof(ev.source), "%s", opt->source);
		snprintf(ev.collector_version, sizeof(ev.collector_version), "blocklist/1");
		ev.details = details;
		ev.details_len = strlen(details);
		if (import_store_add_evidence(s, strtol(PQgetvalue(match, i, 4), NULL, 10),
		    &ev) != 0)
			goto out;
		counts->matched++;
	}
	for (i = 0; i < PQntuples(covered); i++)
		if (coverage_batch_add(&cov, collector, PQgetvalue(covered, i, 0),
		    opt->observed_at) != 0)
			goto out;
	counts->companies_covered = PQntuples(covered);
	import_store_set_coverage(s, &cov);
	rc = import_store_finish(s, opt->source, BLOCKLIST_MAX_ERRORS, blocklist_report,
	    (void *)opt, &rejected, &counts->evidence);
	s = NULL;
out:
	import_store_abort(s);
	coverage_batch_free(&cov);
	PQclear(match);
	PQclear(covered);
	free(text);
	json_decref(listed);
	return (rc);
}
