#include "tests/support/api_world.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/timefmt.h"
#include "rater/methodology_store.h"
#include "rater/rating.h"
#include "rater/rating_json.h"
#include "rater/rating_store.h"
#include "tests/support/testdb.h"

void
api_world_exec(PGconn *conn, const char *sql)
{
	testdb_exec(conn, sql);
}

static const char world_sql[] =
    "INSERT INTO methodology_versions (version, status, definition, definition_sha256,"
    " change_log, published_at, effective_at, notice_days)"
    " SELECT '2026.2', 'published', jsonb_set(definition, '{version}', '\"2026.2\"'),"
    " definition_sha256, '2026.2: heavier weight on patching.',"
    " '2026-02-01T00:00:00Z', '2026-04-01T00:00:00Z', 59"
    " FROM methodology_versions WHERE version = '2026.1';"
    "INSERT INTO methodology_versions (version, status, definition, definition_sha256,"
    " change_log) SELECT '2026.3', 'draft', definition, definition_sha256, 'draft'"
    " FROM methodology_versions WHERE version = '2026.1';"
    "INSERT INTO companies (slug, name, sector, size_band, country, visibility) VALUES"
    " ('acme', 'Acme Holdings', 'finance', 'medium', 'DE', 'public'),"
    " ('beta', 'Beta Bank', 'finance', 'small', 'FR', 'public'),"
    " ('gamma', 'Gamma Health', 'health', 'large', 'JP', 'public'),"
    " ('hidden', 'Hidden Finance', 'finance', 'medium', 'US', 'private'),"
    " ('norating', 'No Rating Shop', 'retail', 'micro', 'GB', 'public');"
    "INSERT INTO assets (company_id, kind, value, source, confidence, attributed_at)"
    " SELECT c.id, 'domain', c.slug || '.example', 'registry', 0.95,"
    " '2025-06-01T00:00:00Z' FROM companies c;"
    "INSERT INTO assets (company_id, kind, value, source, confidence, attributed_at)"
    " SELECT id, 'domain', 'secret-host-7f3a.example', 'ct_logs', 0.8,"
    " '2025-07-01T00:00:00Z' FROM companies WHERE slug = 'acme';"
    "INSERT INTO assets (company_id, kind, value, source, confidence, attributed_at,"
    " detached_at, detached_reason) SELECT id, 'domain', 'old-acme.example', 'whois',"
    " 0.5, '2025-01-01T00:00:00Z', '2025-12-01T00:00:00Z', 'dispute accepted'"
    " FROM companies WHERE slug = 'acme';"
    /* Passing checks on every company's main domain, across five factors. */
    "INSERT INTO evidence (company_id, asset_id, check_code, outcome, source,"
    " collector_version, first_seen, last_seen)"
    " SELECT a.company_id, a.id, k.code, 'pass', 'scanner', 'scan/1.0',"
    " '2026-01-10T00:00:00Z', '2026-02-25T00:00:00Z'"
    " FROM assets a JOIN companies c ON c.id = a.company_id,"
    " (VALUES ('tls.certificate_expired'), ('tls.legacy_protocol'),"
    "  ('web_headers.hsts_missing'), ('email_auth.spf_missing'),"
    "  ('email_auth.dmarc_missing'), ('exposed_services.open_port_admin'),"
    "  ('patching.end_of_life_software')) k(code)"
    " WHERE a.value = c.slug || '.example';"
    /* Findings that tell the companies apart. */
    "INSERT INTO evidence (company_id, asset_id, check_code, outcome, source,"
    " collector_version, first_seen, last_seen, details)"
    " SELECT a.company_id, a.id, k.code, 'fail', 'scanner', 'scan/1.0',"
    " '2026-01-10T00:00:00Z', '2026-02-25T00:00:00Z', '{}'"
    " FROM assets a JOIN companies c ON c.id = a.company_id JOIN (VALUES"
    "  ('beta', 'web_headers.csp_missing'), ('gamma', 'email_auth.dmarc_policy_none'),"
    "  ('gamma', 'tls.weak_key'), ('hidden', 'tls.self_signed')) k(slug, code)"
    " ON k.slug = c.slug WHERE a.value = c.slug || '.example';"
    /* acme's host-level findings, on the secret host. */
    "INSERT INTO evidence (company_id, asset_id, check_code, outcome, observation_key,"
    " details, source, collector_version, first_seen, last_seen, status, status_reason)"
    " SELECT a.company_id, a.id, v.code, v.outcome, v.obs, v.details::jsonb, v.source,"
    " 'scan/2.1', v.first_seen::timestamptz, v.last_seen::timestamptz, v.status,"
    " v.reason FROM assets a, (VALUES"
    "  ('exposed_services.open_port_risky', 'fail', '6379',"
    "   '{\"host\": \"secret-host-7f3a.example\", \"ip\": \"203.0.113.77\","
    "   \"port\": 6379, \"service\": \"redis\"}', 'portscan',"
    "   '2026-02-01T00:00:00Z', '2026-02-27T00:00:00Z', 'active', NULL),"
    "  ('patching.outdated_software', 'fail', '',"
    "   '{\"software\": \"nginx/1.14.0\", \"ip\": \"203.0.113.77\"}', 'scanner',"
    "   '2026-02-01T00:00:00Z', '2026-02-27T00:00:00Z', 'active', NULL),"
    "  ('web_headers.version_disclosure', 'fail', '',"
    "   '{\"header\": \"X-Internal-Token\", \"value\": \"x-internal-token-9c2e51\","
    "   \"server\": \"nginx/1.14.0\"}', 'scanner',"
    "   '2026-02-01T00:00:00Z', '2026-02-27T00:00:00Z', 'disputed', 'dispute open'),"
    "  ('tls.self_signed', 'fail', '', '{\"host\": \"secret-host-7f3a.example\"}',"
    "   'scanner', '2025-09-01T00:00:00Z', '2025-10-01T00:00:00Z', 'active', NULL)"
    " ) v(code, outcome, obs, details, source, first_seen, last_seen, status, reason)"
    " WHERE a.value = 'secret-host-7f3a.example';"
    "INSERT INTO evidence (company_id, asset_id, check_code, outcome, details, source,"
    " first_seen, last_seen, status, status_reason, corrected_at)"
    " SELECT a.company_id, a.id, 'tls.hostname_mismatch', 'fail',"
    " '{\"host\": \"secret-host-7f3a.example\", \"port\": 6379}', 'scanner',"
    " '2026-01-15T00:00:00Z', '2026-02-15T00:00:00Z', 'corrected',"
    " 'dispute 1 accepted: the host is not ours', '2026-02-20T00:00:00Z'"
    " FROM assets a WHERE a.value = 'secret-host-7f3a.example';";

long
api_world_rate(PGconn *conn, const char *slug, const char *reason)
{
	struct methodology *m;
	struct rating_evidence *ev = NULL;
	struct rating_input in;
	struct rating *r;
	size_t n = 0, assets = 0;
	int64_t id = 0, now;
	char sid[24], score[16], evcount[16], asof[24];
	struct buf factors;
	const char *params[13];
	PGresult *res;
	long row;

	cr_assert_eq(timefmt_parse(API_WORLD_NOW, &now), 0);
	cr_assert_eq(rating_store_company_id(conn, slug, &id), 0, "no company %s", slug);
	m = methodology_store_load(conn, "2026.1");
	cr_assert_not_null(m);
	cr_assert_eq(rating_store_load_evidence(conn, id, &ev, &n, &assets), 0);
	memset(&in, 0, sizeof(in));
	in.methodology = m;
	in.evidence = ev;
	in.nevidence = n;
	in.asset_count = assets;
	in.as_of = now;
	r = rating_compute(&in);
	cr_assert_not_null(r);
	/* The stored form, as the rater writes it. */
	buf_init(&factors, 1 << 20);
	cr_assert_eq(rating_json_factors_stored(r, m, &factors), 0);
	snprintf(sid, sizeof(sid), "%lld", (long long)id);
	snprintf(score, sizeof(score), "%.1f", r->score);
	snprintf(evcount, sizeof(evcount), "%zu", r->evidence_used);
	snprintf(asof, sizeof(asof), "%lld", (long long)now);
	params[0] = sid;
	params[1] = r->methodology_version;
	params[2] = asof;
	params[3] = r->status == RATING_RATED ? "rated" : "insufficient_data";
	params[4] = r->status == RATING_RATED ? score : NULL;
	params[5] = r->status == RATING_RATED ? r->grade : NULL;
	params[6] = rating_confidence_name(r->confidence);
	params[7] = r->status == RATING_RATED ? NULL : r->insufficient_reason;
	params[8] = factors.data;
	params[9] = evcount;
	params[10] = r->inputs_digest;
	params[11] = r->outcome_digest;
	params[12] = reason;
	res = PQexecParams(conn, "INSERT INTO ratings (company_id, methodology_version,"
	    " as_of, status, score, grade, confidence, insufficient_reason, factors,"
	    " evidence_count, inputs_digest, outcome_digest, reason) VALUES ($1, $2,"
	    " to_timestamp($3), $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
	    13, NULL, params, NULL, NULL, 0);
	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(conn));
	row = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	buf_free(&factors);
	rating_free(r);
	free(ev);
	methodology_free(m);
	return (row);
}

void
api_world_seed(PGconn *conn)
{
	api_world_exec(conn, world_sql);
	api_world_rate(conn, "acme", "initial");
	api_world_exec(conn, "UPDATE evidence SET last_seen = '2026-02-28T00:00:00Z'"
	    " WHERE check_code = 'tls.certificate_expired' AND company_id ="
	    " (SELECT id FROM companies WHERE slug = 'acme')");
	api_world_rate(conn, "acme", "new_evidence");
	api_world_rate(conn, "beta", "initial");
	api_world_rate(conn, "gamma", "initial");
	api_world_rate(conn, "hidden", "initial");
	/* Public pages: acme's published (so that every public route is checked for
	 * host-level detail on a real page), hidden's too, though it is private. */
	api_world_exec(conn, "INSERT INTO company_profiles (company_id, published,"
	    " statement, published_at) SELECT id, true, 'We publish our security posture.',"
	    " '" API_WORLD_NOW "' FROM companies WHERE slug IN ('acme', 'hidden')");
}

struct api_client *
api_world_start(PGconn **conn, const char *const *extra_env)
{
	const char *env[3 + API_WORLD_EXTRA_ENV + 1];
	size_t n = 0;

	env[n++] = API_WORLD_NOW_ENV;
	env[n++] = "FAIRRATE_RATE_LIMIT=0";
	env[n++] = "FAIRRATE_PUBLIC_RATE_LIMIT=0";
	while (extra_env != NULL && *extra_env != NULL) {
		cr_assert_lt(n, 3 + API_WORLD_EXTRA_ENV, "api_world_start: too many entries");
		env[n++] = *extra_env++;
	}
	env[n] = NULL;
	*conn = testdb_create();
	api_world_seed(*conn);
	return (api_client_start(env));
}

void
api_world_stop(struct api_client *c, PGconn *conn)
{
	if (c != NULL)
		api_client_stop(c);
	testdb_drop(conn);
}

void
api_world_path(const char *pattern, long id, const char *other, char *out, size_t n)
{
	const char *p = pattern, *end, *value;
	char name[32], num[24];
	size_t len = 0;

	snprintf(num, sizeof(num), "%ld", id);
	while (*p != '\0' && len + 1 < n) {
		if (*p != '{') {
			out[len++] = *p++;
			continue;
		}
		end = strchr(p, '}');
		cr_assert_not_null(end, "%s: a '{' without its '}'", pattern);
		snprintf(name, sizeof(name), "%.*s", (int)(end - p - 1), p + 1);
		if (strcmp(name, "slug") == 0)
			value = "acme";
		else if (strcmp(name, "version") == 0)
			value = "2026.1";
		else if (strcmp(name, "sector") == 0)
			value = "finance";
		else if (strcmp(name, "id") == 0 || other == NULL)
			value = num;
		else
			value = other;
		len += (size_t)snprintf(out + len, n - len, "%s", value);
		if (len >= n)
			len = n - 1;
		p = end + 1;
	}
	out[len] = '\0';
}
