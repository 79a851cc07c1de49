/* fairrate discover against a local DNS responder and a CT file, the company's
 * decisions (api/candidate_store) and their routes over HTTP. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api/candidate_store.h"
#include "tests/support/api_call.h"
#include "tests/support/api_client.h"
#include "tests/support/api_world.h"
#include "tests/support/scan_fixture.h"
#include "tests/support/testdb.h"

static const struct dns_fixture_name zones[] = {
	{.name = "acme.test", .mx = 1, .a = 1,
	    .txt = {"v=spf1 include:_spf.mailer.test -all"}},
	{.name = "mx.acme.test", .a = 1},
	{.name = "vpn.acme.test", .a = 1},
	{.name = "shop.acme.test", .a = 1},
	{.name = "www.acme.test", .cname = "acme.cdn-provider.test"},
	{.name = "acme.cdn-provider.test", .a = 1},
	{.name = "wild.test", .a = 1, .wildcard = 1},
};

static const char ct_json[] =
    "[{\"common_name\":\"acme.test\",\"name_value\":\"acme.test\\nshop.acme.test\\n"
    "old.acme.test\\nstranger.test\"},"
    "{\"common_name\":\"unrelated.test\",\"name_value\":\"unrelated.test\"}]\n";

static PGconn *conn;
static pid_t dns_pid;
static char ns[32], dir[64];

static void
setup(void)
{
	char path[128];
	FILE *f;

	snprintf(ns, sizeof(ns), "127.0.0.1:%d", dns_fixture_start(zones,
	    sizeof(zones) / sizeof(zones[0]), &dns_pid));
	conn = testdb_create();
	testdb_exec(conn, "INSERT INTO companies (slug, name, sector, size_band, country)"
	    " VALUES ('acme', 'Acme', 'retail', 'small', 'DE'),"
	    " ('wild', 'Wild', 'retail', 'small', 'DE');"
	    " INSERT INTO assets (company_id, kind, value, source) SELECT id, 'domain',"
	    " slug || '.test', 'import' FROM companies");
	snprintf(dir, sizeof(dir), "/tmp/fairrate-discover-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ct.json", dir);
	cr_assert_not_null(f = fopen(path, "w"));
	fputs(ct_json, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/words.txt", dir);
	cr_assert_not_null(f = fopen(path, "w"));
	fputs("# test words\nwww\nvpn\nnothere\n", f);
	fclose(f);
}

static void
teardown(void)
{
	char cmd[128];

	testdb_drop(conn);
	dns_fixture_stop(dns_pid);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		cr_log_warn("cannot remove %s", dir);
}

TestSuite(discover, .init = setup, .fini = teardown, .timeout = 60);

/* Run fairrate discover with the fixture's files (ct_source: a path or URL, or NULL
 * for the file); its output into out. Returns the exit status. */
static int
discover(const char *ct_source, char *out, size_t n)
{
	char args[512], ct[160];

	snprintf(ct, sizeof(ct), "%s/ct.json", dir);
	snprintf(args, sizeof(args), "discover --nameserver %s --ct-json '%s' --wordlist"
	    " %s/words.txt", ns, ct_source ? ct_source : ct, dir);
	return (testdb_cli(args, out, n));
}

static long
asset(const char *value, const char *extra)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM assets WHERE value = '%s'"
	    " AND detached_at IS NULL %s", value, extra);
	return (testdb_scalar(conn, sql));
}

static long
candidate(const char *value, const char *extra)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM asset_candidates WHERE value = '%s'"
	    " %s", value, extra);
	return (testdb_scalar(conn, sql));
}

Test(discover, names_are_found_and_attributed_by_their_rule)
{
	char out[4096];

	cr_assert_eq(discover(NULL, out, sizeof(out)), 0, "%s", out);
	cr_expect(strstr(out, "discovered 2 companies") != NULL, "%s", out);
	cr_expect(strstr(out, "1 wildcard zones skipped") != NULL, "%s", out);
	/* Under the seed's registered domain and resolving: attributed at 0.9. */
	cr_expect_eq(asset("mx.acme.test", "AND source = 'discovery' AND confidence = 0.9"), 1);
	cr_expect_eq(candidate("mx.acme.test", "AND sources = '{dns}'"), 1);
	cr_expect_eq(asset("vpn.acme.test", "AND confidence = 0.9"), 1);
	cr_expect_eq(candidate("vpn.acme.test", "AND sources = '{wordlist}'"), 1);
	cr_expect_eq(asset("www.acme.test", ""), 1, "a CNAME resolves");
	cr_expect_eq(asset("shop.acme.test", ""), 1);
	cr_expect_eq(candidate("shop.acme.test", "AND rule = 'registered_domain'"), 1);
	/* Found but not attributed: a certificate name that no longer resolves, a
	 * stranger on the company's certificate, a CDN and a mail provider. */
	cr_expect_eq(asset("old.acme.test", ""), 0);
	cr_expect_eq(candidate("old.acme.test", "AND rule = 'registered_domain'"), 1);
	cr_expect_eq(asset("stranger.test", ""), 0);
	cr_expect_eq(candidate("stranger.test", "AND rule = 'certificate_san'"
	    " AND confidence = 0.5"), 1);
	cr_expect_eq(asset("acme.cdn-provider.test", ""), 0);
	cr_expect_eq(candidate("acme.cdn-provider.test", "AND rule = 'third_party'"), 1);
	cr_expect_eq(candidate("_spf.mailer.test", "AND rule = 'third_party'"), 1);
	cr_expect_eq(candidate("unrelated.test", ""), 0, "a certificate naming none of acme's");
	cr_expect_eq(candidate("nothere.acme.test", ""), 0);
	/* The wildcard zone: no wordlist name is taken for a host. */
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM asset_candidates c JOIN"
	    " companies co ON co.id = c.company_id WHERE co.slug = 'wild'"), 0);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM collector_coverage"
	    " WHERE collector = 'discovery'"), 2);
	/* Again: nothing doubles. */
	cr_assert_eq(discover(NULL, out, sizeof(out)), 0, "%s", out);
	cr_expect(strstr(out, "0 newly attributed") != NULL, "%s", out);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM assets WHERE source ="
	    " 'discovery'"), 4);
}

Test(discover, decisions_stick_across_rediscovery)
{
	char out[4096], url[160];
	json_t *v = NULL;
	long acme = testdb_scalar(conn, "SELECT id FROM companies WHERE slug = 'acme'");
	long id;

	snprintf(url, sizeof(url), "file://%s/ct.json", dir);
	cr_assert_eq(discover(url, out, sizeof(out)), 0, "%s", out);
	/* A stranger on the certificate: rejected; an old name: confirmed. */
	id = testdb_scalar(conn, "SELECT id FROM asset_candidates WHERE value = 'stranger.test'");
	cr_assert_eq(candidate_store_decide(conn, acme, id, 0, "not ours", 1, &v), CANDIDATE_OK);
	cr_expect_str_eq(json_string_value(json_object_get(v, "decision")), "rejected");
	json_decref(v);
	id = testdb_scalar(conn, "SELECT id FROM asset_candidates WHERE value = 'old.acme.test'");
	cr_assert_eq(candidate_store_decide(conn, acme, id, 1, NULL, 1, &v), CANDIDATE_OK);
	cr_expect_eq(json_is_true(json_object_get(v, "counted")), 1);
	json_decref(v);
	cr_expect_eq(asset("old.acme.test", "AND confidence = 1.0"), 1);
	/* A counted name is not rejected here: that is an attribution dispute. */
	id = testdb_scalar(conn, "SELECT id FROM asset_candidates WHERE value = 'vpn.acme.test'");
	cr_expect_eq(candidate_store_decide(conn, acme, id, 0, NULL, 1, &v), CANDIDATE_COUNTED);
	/* Another company's candidate is not found. */
	cr_expect_eq(candidate_store_decide(conn, acme + 1, id, 1, NULL, 1, &v),
	    CANDIDATE_NOT_FOUND);
	/* A correction detached vpn (an accepted attribution dispute). */
	testdb_exec(conn, "UPDATE assets SET detached_at = now(), detached_reason ="
	    " 'attribution corrected by dispute 1' WHERE value = 'vpn.acme.test'");
	cr_assert_eq(discover(url, out, sizeof(out)), 0, "%s", out);
	cr_expect_eq(asset("vpn.acme.test", ""), 0, "a correction sticks");
	cr_expect_eq(candidate("stranger.test", "AND decision = 'rejected'"), 1);
	cr_expect(strstr(out, "1 kept rejected") != NULL, "%s", out);
	cr_expect_eq(asset("old.acme.test", "AND confidence = 1.0"), 1,
	    "a confirmation is not lowered");
	cr_expect_eq(candidate_store_decide(conn, acme, id, 1, NULL, 1, &v), CANDIDATE_DETACHED);
}

Test(discover, bad_input)
{
	char out[4096], cmd[512];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s/ct.json", dir);
	cr_assert_not_null(f = fopen(cmd, "w"));
	fputs("{\"not\": \"an array\"}", f);
	fclose(f);
	cr_expect_eq(discover(NULL, out, sizeof(out)), 1);
	cr_expect(strstr(out, "ct.json: not a JSON array of certificates") != NULL, "%s", out);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM asset_candidates"), 0);
	snprintf(cmd, sizeof(cmd), "%s/words.txt", dir);
	cr_assert_not_null(f = fopen(cmd, "w"));
	fputs("www\nno.dots.please\n", f);
	fclose(f);
	cr_expect_eq(discover(NULL, out, sizeof(out)), 1);
	cr_expect(strstr(out, "words.txt:2: not a host label") != NULL, "%s", out);
	snprintf(cmd, sizeof(cmd), "DATABASE_URL='%s' %s discover --company nosuch"
	    " --nameserver %s 2>&1", testdb_url(), getenv("FAIRRATE_BIN"), ns);
	cr_expect_neq(system(cmd), 0);
}

/* The routes, on the rated world of tests/support/api_world.h. */
Test(discover, the_company_sees_confirms_and_rejects_over_http, .timeout = 120)
{
	struct api_client *c;
	PGconn *w;
	char *key, *other, path[128];
	json_t *v;
	long cand, counted;

	c = api_world_start(&w, NULL);
	key = api_client_create_key("company", "acme");
	other = api_client_create_key("company", "beta");
	testdb_exec(w, "INSERT INTO asset_candidates (company_id, value, rule, confidence,"
	    " sources, first_seen, last_seen) SELECT id, v, r, c, '{ct}', now(), now() FROM"
	    " companies, (VALUES ('cdn.stranger.example', 'certificate_san', 0.5),"
	    " ('acme.example', 'registered_domain', 0.9)) AS x(v, r, c) WHERE slug = 'acme'");
	cand = testdb_scalar(w, "SELECT id FROM asset_candidates WHERE value ="
	    " 'cdn.stranger.example'");
	counted = testdb_scalar(w, "SELECT id FROM asset_candidates WHERE value ="
	    " 'acme.example'");
	v = api_call_json(c, "GET", "/v1/me/asset-candidates", key, NULL, 200);
	cr_expect_eq(json_array_size(json_object_get(v, "items")), 2);
	cr_expect_eq(json_is_true(json_object_get(json_array_get(json_object_get(v, "items"), 1),
	    "counted")), 1, "acme.example is an attributed asset");
	json_decref(v);
	v = api_call_json(c, "GET", "/v1/me/asset-candidates", other, NULL, 200);
	cr_expect_eq(json_array_size(json_object_get(v, "items")), 0, "beta sees none of it");
	json_decref(v);
	snprintf(path, sizeof(path), "/v1/me/asset-candidates/%ld/reject", cand);
	v = api_call_json(c, "POST", path, other, "{}", 404);
	json_decref(v);
	v = api_call_json(c, "POST", path, key, "{\"reason\": 7}", 400);
	cr_expect_str_eq(api_call_error_code(v), "invalid_field");
	json_decref(v);
	v = api_call_json(c, "POST", path, key, "{\"reason\": \"a CDN's name\"}", 200);
	cr_expect_str_eq(json_string_value(json_object_get(v, "decision")), "rejected");
	cr_expect_str_eq(json_string_value(json_object_get(v, "decided_reason")),
	    "a CDN's name");
	json_decref(v);
	snprintf(path, sizeof(path), "/v1/me/asset-candidates/%ld/reject", counted);
	v = api_call_json(c, "POST", path, key, "{}", 409);
	cr_expect_str_eq(api_call_error_code(v), "counted_asset");
	json_decref(v);
	snprintf(path, sizeof(path), "/v1/me/asset-candidates/%ld/confirm", cand);
	v = api_call_json(c, "POST", path, key, "{}", 200);
	cr_expect_str_eq(json_string_value(json_object_get(v, "decision")), "confirmed");
	cr_expect_eq(json_is_true(json_object_get(v, "counted")), 1);
	json_decref(v);
	v = api_call_json(c, "POST", "/v1/me/asset-candidates/x/confirm", key, "{}", 404);
	json_decref(v);
	free(key);
	free(other);
	api_world_stop(c, w);
}
