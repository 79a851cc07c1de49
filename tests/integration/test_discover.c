/* fairrate discover against a local DNS responder and a CT file, the company's
 * decisions (api/candidate_store) and their routes over HTTP. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

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

/* RFC 6962 get-entries: one certificate (x509_entry) and one precertificate (its
 * PrecertChainEntry in extra_data), made with the openssl command, served from a
 * file:// log. */
static void
put_u24(unsigned char *p, size_t v)
{
	p[0] = (unsigned char)(v >> 16);
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)v;
}

static size_t
read_der(const char *path, unsigned char *out, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	cr_assert_not_null(f, "%s", path);
	n = fread(out, 1, cap, f);
	fclose(f);
	cr_assert(n > 0 && n < cap);
	return (n);
}

static void
b64(const unsigned char *in, size_t n, char *out)
{
	EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}

Test(discover, ct_log_entries_of_certificates_and_precertificates)
{
	static unsigned char der[4096], leaf[4200], extra[4200];
	static char l64[6000], e64[6000], l2[6000], json[20000];
	char cmd[1024], path[160], out[4096], url[200];
	size_t n, ll, el;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "cd %s && for c in 'api:DNS:api.acme.test,DNS:partner.test'"
	    " 'pre:DNS:pre.acme.test'; do n=${c%%%%:*}; s=${c#*:}; openssl req -x509 -newkey"
	    " ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $n.key -subj /CN=$n.acme.test"
	    " -addext subjectAltName=$s -outform DER -out $n.der -days 2 >/dev/null 2>&1"
	    " || exit 1; done", dir);
	cr_assert_eq(system(cmd), 0, "openssl");
	/* x509_entry: version 0, leaf type 0, timestamp, type 0, ASN.1Cert, no extensions. */
	snprintf(path, sizeof(path), "%s/api.der", dir);
	n = read_der(path, der, sizeof(der));
	memset(leaf, 0, 12);
	put_u24(leaf + 12, n);
	memcpy(leaf + 15, der, n);
	leaf[15 + n] = leaf[16 + n] = 0;
	b64(leaf, 17 + n, l64);
	/* precert_entry: type 1, issuer key hash, a TBS (not read), no extensions; the
	 * precertificate in extra_data. */
	snprintf(path, sizeof(path), "%s/pre.der", dir);
	n = read_der(path, der, sizeof(der));
	memset(leaf, 0, sizeof(leaf));
	leaf[11] = 1;
	put_u24(leaf + 12 + 32, 4);
	memcpy(leaf + 12 + 32 + 3, "\x30\x02\x05\x00", 4);
	ll = 12 + 32 + 3 + 4 + 2;
	b64(leaf, ll, l2);
	put_u24(extra, n);
	memcpy(extra + 3, der, n);
	put_u24(extra + 3 + n, 0);
	el = 3 + n + 3;
	b64(extra, el, e64);
	snprintf(json, sizeof(json), "{\"entries\":[{\"leaf_input\":\"%s\",\"extra_data\":"
	    "\"\"},{\"leaf_input\":\"%s\",\"extra_data\":\"%s\"}]}", l64, l2, e64);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/log/ct/v1", dir);
	cr_assert_eq(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/log/ct/v1/get-entries", dir);
	cr_assert_not_null(f = fopen(path, "w"));
	fputs(json, f);
	fclose(f);
	snprintf(url, sizeof(url), "file://%s/log/", dir);
	snprintf(cmd, sizeof(cmd), "discover --company acme --nameserver %s --wordlist"
	    " %s/words.txt --ct-log %s --ct-log-entries 0-1", ns, dir, url);
	cr_assert_eq(testdb_cli(cmd, out, sizeof(out)), 0, "%s", out);
	cr_expect(strstr(out, "2 log entries read") != NULL, "%s", out);
	cr_expect_eq(candidate("api.acme.test", "AND rule = 'registered_domain'"
	    " AND sources = '{ct}'"), 1);
	cr_expect_eq(candidate("partner.test", "AND rule = 'certificate_san'"), 1);
	cr_expect_eq(candidate("pre.acme.test", ""), 1, "the precertificate's name");
	/* A leaf that is not one. */
	cr_assert_not_null(f = fopen(path, "w"));
	fputs("{\"entries\":[{\"leaf_input\":\"AAAA\",\"extra_data\":\"\"}]}", f);
	fclose(f);
	cr_expect_eq(testdb_cli(cmd, out, sizeof(out)), 1);
	cr_expect(strstr(out, "entry 0: not a v1 MerkleTreeLeaf") != NULL, "%s", out);
}
