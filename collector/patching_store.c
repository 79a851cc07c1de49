#include "collector/patching_store.h"

#include <stdlib.h>
#include <string.h>

#include "collector/coverage.h"
#include "collector/patching.h"
#include "common/db.h"
#include "common/log.h"
#include "common/timefmt.h"

#define PATCHING_SOURCE "fairrate-patching"
#define PATCHING_MAX_REPORTS 20

int
patching_store_load(PGconn *conn, enum patching_dataset kind, const json_t *rows,
    const char *product, const char *source, int64_t now)
{
	char at[21], *text = json_dumps(rows, JSON_COMPACT);
	const char *cycles[4] = {text, product, source, at}, *catalogue[2] = {text, at};
	const char *records[3] = {text, source, at};
	int rc = -1, ok;

	if (text == NULL) {
		log_error("feed: out of memory");
		return (-1);
	}
	timefmt_format(now, at);
	if (db_begin(conn) != 0)
		goto out;
	switch (kind) {
	case PATCHING_ENDOFLIFE:
		ok = db_exec(conn, "DELETE FROM software_cycles WHERE product = $1", 1,
		    &product) == 0 && db_exec(conn, "INSERT INTO software_cycles (product, cycle,"
		    " eol, eol_reached, latest, source, loaded_at) SELECT $2, cycle, eol::date,"
		    " eol_reached, latest, $3, $4 FROM jsonb_to_recordset($1::jsonb) AS r(cycle"
		    " text, eol text, eol_reached boolean, latest text)", 4, cycles) == 0;
		break;
	case PATCHING_KEV:
		ok = db_exec(conn, "DELETE FROM kev", 0, NULL) == 0 && db_exec(conn,
		    "INSERT INTO kev (cve, vendor, product, date_added, ransomware, loaded_at)"
		    " SELECT DISTINCT ON (cve) cve, vendor, product, date_added::date,"
		    " ransomware, $2 FROM jsonb_to_recordset($1::jsonb) AS r(cve text, vendor"
		    " text, product text, date_added text, ransomware boolean)", 2,
		    catalogue) == 0;
		break;
	default:
		ok = db_exec(conn, "INSERT INTO software_vulns (id, product, aliases, ranges,"
		    " versions, source, loaded_at) SELECT DISTINCT ON (id, product) id, product,"
		    " ARRAY(SELECT jsonb_array_elements_text(aliases)), ranges, versions, $2, $3"
		    " FROM jsonb_to_recordset($1::jsonb) AS r(id text, product text, aliases"
		    " jsonb, ranges jsonb, versions jsonb) ON CONFLICT (id, product) DO UPDATE"
		    " SET aliases = excluded.aliases, ranges = excluded.ranges, versions ="
		    " excluded.versions, source = excluded.source, loaded_at = excluded.loaded_at",
		    3, records) == 0;
		break;
	}
	if (!ok || db_commit(conn) != 0) {
		db_rollback(conn);
		goto out;
	}
	rc = 0;
out:
	free(text);
	return (rc);
}

/* product -> JSON array, from a two-column result. */
static json_t *
by_product(PGresult *res)
{
	json_t *m = json_object();
	int i;

	for (i = 0; m != NULL && i < PQntuples(res); i++)
		json_object_set_new(m, PQgetvalue(res, i, 0), json_loads(PQgetvalue(res, i, 1), 0,
		    NULL));
	return (m);
}

static void
report(void *arg, long line, const char *message)
{
	fprintf(arg, "patching: verdict %ld: %s\n", line, message);
}

struct patching_ctx {
	struct import_store *s;
	struct patching_counts *counts;
	long line;
};

static int
emit(struct patching_ctx *x, PGresult *obs, int row, const char *code, int fail,
    json_t *details, const char *product)
{
	struct import_evidence ev;
	char *text;
	int rc;

	json_object_set_new(details, "seen_in", json_string(PQgetvalue(obs, row, 3)));
	text = json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(details);
	if (text == NULL)
		return (-1);
	memset(&ev, 0, sizeof(ev));
	snprintf(ev.company, sizeof(ev.company), "%s", PQgetvalue(obs, row, 0));
	ev.asset.kind = strcmp(PQgetvalue(obs, row, 1), "ip_range") == 0 ?
	    IMPORT_ASSET_IP_RANGE : IMPORT_ASSET_DOMAIN;
	snprintf(ev.asset.value, sizeof(ev.asset.value), "%s", PQgetvalue(obs, row, 2));
	snprintf(ev.check_code, sizeof(ev.check_code), "%s", code);
	snprintf(ev.outcome, sizeof(ev.outcome), "%s", fail ? "fail" : "pass");
	snprintf(ev.observation_key, sizeof(ev.observation_key), "%s", product);
	ev.first_seen = ev.last_seen = strtoll(PQgetvalue(obs, row, 5), NULL, 10);
	snprintf(ev.source, sizeof(ev.source), PATCHING_SOURCE);
	snprintf(ev.collector_version, sizeof(ev.collector_version), "patching/1");
	ev.details = text;
	ev.details_len = strlen(text);
	rc = import_store_add_evidence(x->s, ++x->line, &ev);
	free(text);
	return (rc);
}

/* Judge one product seen at one row; 1 when a verdict was written, 0 none, -1. */
static int
judge(struct patching_ctx *x, PGresult *obs, int row, const struct software *sw,
    json_t *cycles, json_t *vulns, int kev_loaded, const char *today)
{
	struct patching_verdict v;
	json_t *pv = json_object_get(vulns, sw->product), *cves;
	int judged = 0;

	if (patching_cycle(json_object_get(cycles, sw->product), sw->version, today, &v)) {
		judged = 1;
		x->counts->end_of_life += v.end_of_life;
		if (emit(x, obs, row, "patching.end_of_life_software", v.end_of_life,
		    json_pack("{ssssssss}", "product", sw->product, "version", sw->version,
		    "cycle", v.cycle, "eol", v.eol), sw->product) != 0)
			return (-1);
		if (v.latest[0] != '\0') {
			x->counts->outdated += v.outdated;
			if (emit(x, obs, row, "patching.outdated_software", v.outdated,
			    json_pack("{ssssssss}", "product", sw->product, "version", sw->version,
			    "cycle", v.cycle, "latest", v.latest), sw->product) != 0)
				return (-1);
		}
	}
	/* Exploited vulnerabilities: judged where the catalogue and the product's OSV
	 * records were loaded. */
	if (kev_loaded && pv != NULL) {
		judged = 1;
		if ((cves = patching_exploited(json_object_get(pv, "kev"), sw->version)) == NULL)
			return (-1);
		x->counts->exploited += json_array_size(cves) > 0;
		if (emit(x, obs, row, "patching.known_vulnerability", json_array_size(cves) > 0,
		    json_pack("{sssssosI}", "product", sw->product, "version", sw->version,
		    "cves", cves, "osv_records", (json_int_t)json_integer_value(
		    json_object_get(pv, "records"))), sw->product) != 0)
			return (-1);
	}
	return (judged);
}

int
patching_store_run(PGconn *conn, int64_t now, FILE *errors, struct patching_counts *counts)
{
	struct patching_ctx x;
	struct coverage_batch cov;
	struct software sw[2];
	PGresult *obs = NULL, *cyc = NULL, *vul = NULL, *kev = NULL;
	json_t *cycles = NULL, *vulns = NULL, *done = json_object(), *details;
	json_t *covered = json_object();
	char today[21], key[700];
	long rejected = 0;
	size_t n, k;
	int i, r, rc = -1;

	memset(counts, 0, sizeof(*counts));
	memset(&x, 0, sizeof(x));
	x.counts = counts;
	coverage_batch_init(&cov);
	timefmt_format(now, today);
	today[10] = '\0';
	/* The newest observation of each product on an asset decides: newest first. */
	if ((obs = db_query(conn, "SELECT c.slug, a.kind, a.value, e.check_code,"
	    " e.details::text, extract(epoch FROM e.last_seen)::bigint"
	    " FROM evidence e JOIN assets a ON a.id = e.asset_id AND a.detached_at IS NULL"
	    " JOIN companies c ON c.id = e.company_id"
	    " WHERE e.status IN ('active', 'disputed') AND ((e.check_code ="
	    " 'web_headers.version_disclosure' AND e.outcome = 'fail') OR"
	    " (e.check_code LIKE 'exposed\\_services.%' AND e.details ? 'banner'))"
	    " ORDER BY e.last_seen DESC, e.id", 0, NULL)) == NULL ||
	    (cyc = db_query(conn, "SELECT product, json_agg(json_build_object('cycle', cycle,"
	    " 'eol', to_char(eol, 'YYYY-MM-DD'), 'eol_reached', eol_reached, 'latest',"
	    " latest))::text FROM software_cycles GROUP BY product", 0, NULL)) == NULL ||
	    (vul = db_query(conn, "SELECT v.product, json_build_object('records',"
	    " count(DISTINCT v.id), 'kev', COALESCE(json_agg(json_build_object('cve', k.cve,"
	    " 'ranges', v.ranges, 'versions', v.versions)) FILTER (WHERE k.cve IS NOT NULL),"
	    " '[]'))::text FROM software_vulns v LEFT JOIN kev k ON k.cve = v.id"
	    " OR k.cve = ANY (v.aliases) GROUP BY v.product", 0, NULL)) == NULL ||
	    (kev = db_query(conn, "SELECT count(*) FROM kev", 0, NULL)) == NULL)
		goto out;
	if ((cycles = by_product(cyc)) == NULL || (vulns = by_product(vul)) == NULL ||
	    done == NULL || covered == NULL ||
	    (x.s = import_store_begin(conn, IMPORT_EVIDENCE)) == NULL)
		goto out;
	for (i = 0; i < PQntuples(obs); i++) {
		details = json_loads(PQgetvalue(obs, i, 4), 0, NULL);
		n = details ? patching_software_of(PQgetvalue(obs, i, 3), details, sw, 2) : 0;
		json_decref(details);
		for (k = 0; k < n; k++) {
			snprintf(key, sizeof(key), "%s|%s|%s", PQgetvalue(obs, i, 0),
			    PQgetvalue(obs, i, 2), sw[k].product);
			if (json_object_get(done, key) != NULL)
				continue;     /* an older sighting of the same product */
			json_object_set_new(done, key, json_true());
			counts->observations++;
			if ((r = judge(&x, obs, i, &sw[k], cycles, vulns,
			    strtol(PQgetvalue(kev, 0, 0), NULL, 10) > 0, today)) < 0)
				goto out;
			if (r == 0)
				continue;
			counts->judged++;
			if (json_object_get(covered, PQgetvalue(obs, i, 0)) != NULL)
				continue;
			json_object_set_new(covered, PQgetvalue(obs, i, 0), json_true());
			if (coverage_batch_add(&cov, "patching", PQgetvalue(obs, i, 0), now) != 0)
				goto out;
		}
	}
	counts->companies_covered = (long)cov.n;
	import_store_set_coverage(x.s, &cov);
	rc = import_store_finish(x.s, PATCHING_SOURCE, PATCHING_MAX_REPORTS, report, errors,
	    &rejected, &counts->evidence);
	x.s = NULL;
out:
	import_store_abort(x.s);
	coverage_batch_free(&cov);
	PQclear(obs);
	PQclear(cyc);
	PQclear(vul);
	PQclear(kev);
	json_decref(cycles);
	json_decref(vulns);
	json_decref(done);
	json_decref(covered);
	return (rc);
}
