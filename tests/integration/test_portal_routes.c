/* The portal over real HTTP: the page under its client-side routes, its static files
 * with their content types and caching, and no way out of portal/. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "common/db.h"
#include "tests/support/api_client.h"
#include "tests/support/testdb.h"

static PGconn *conn;
static struct api_client *srv;

static void
setup(void)
{
	conn = testdb_create();
	srv = api_client_start(NULL);
}

static void
teardown(void)
{
	if (srv != NULL)
		api_client_stop(srv);
	testdb_drop(conn);
}

TestSuite(portal_routes, .init = setup, .fini = teardown, .timeout = 60);

static void
expect_page(const char *path)
{
	struct api_response r;
	char v[160];

	cr_assert_eq(api_client_get(srv, path, NULL, &r), 0);
	cr_expect_eq(r.status, 200, "%s: status %ld", path, r.status);
	cr_expect_str_eq(api_response_header(&r, "Content-Type", v, sizeof(v)),
	    "text/html; charset=utf-8", "%s", path);
	cr_expect_str_eq(api_response_header(&r, "Cache-Control", v, sizeof(v)), "no-cache");
	cr_expect_not_null(api_response_header(&r, "Content-Security-Policy", v, sizeof(v)));
	cr_expect(strstr(v, "default-src 'self'") != NULL, "CSP: %s", v);
	cr_expect(r.body.data != NULL && strstr(r.body.data, "/portal/app.js") != NULL,
	    "%s is not the portal page", path);
	api_response_free(&r);
}

Test(portal_routes, the_page_answers_every_client_side_route)
{
	expect_page("/portal");
	expect_page("/portal/investor");
	expect_page("/portal/investor/some-company");
	/* The address a company shares for its public page, loaded directly. */
	expect_page("/portal/public/some-company");
	expect_page("/portal/company");
	expect_page("/portal/staff");
	expect_page("/portal/staff/disputes/12");
	expect_page("/portal/staff/drafts/2026.2");
	expect_page("/portal/staff/methodology");
	expect_page("/portal/staff/methodology/2026.4");
	expect_page("/portal/index.html");
	/* The language the page starts in (portal/i18n.js reads it). */
	expect_page("/portal/company?lang=ja");
	expect_page("/portal/staff/disputes/12?lang=en");
}

static void
expect_file(const char *path, const char *type, const char *needle)
{
	struct api_response r;
	char v[160];

	cr_assert_eq(api_client_get(srv, path, NULL, &r), 0);
	cr_expect_eq(r.status, 200, "%s: status %ld", path, r.status);
	cr_expect_str_eq(api_response_header(&r, "Content-Type", v, sizeof(v)), type, "%s", path);
	cr_expect_str_eq(api_response_header(&r, "Cache-Control", v, sizeof(v)),
	    "public, max-age=300");
	cr_expect_str_eq(api_response_header(&r, "X-Content-Type-Options", v, sizeof(v)),
	    "nosniff");
	cr_expect(r.body.data != NULL && strstr(r.body.data, needle) != NULL,
	    "%s lacks '%s'", path, needle);
	api_response_free(&r);
}

Test(portal_routes, static_files_have_their_content_types)
{
	expect_file("/portal/app.js", "text/javascript; charset=utf-8", "import");
	expect_file("/portal/portal.css", "text/css; charset=utf-8", "--accent");
	expect_file("/portal/favicon.svg", "image/svg+xml", "<svg");
}

static void
expect_404(const char *path)
{
	struct api_response r;
	char code[64];

	cr_assert_eq(api_client_get(srv, path, NULL, &r), 0);
	cr_expect_eq(r.status, 404, "%s: status %ld", path, r.status);
	cr_expect_not_null(api_response_error_code(&r, code, sizeof(code)),
	    "%s: not a JSON error: %s", path, r.body.data ? r.body.data : "");
	cr_expect_str_eq(code, "not_found", "%s", path);
	cr_expect(r.body.data == NULL || strstr(r.body.data, "CFLAGS") == NULL,
	    "%s leaked a file outside portal/", path);
	api_response_free(&r);
}

Test(portal_routes, nothing_outside_portal_is_served)
{
	expect_404("/portal/..");
	expect_404("/portal/%2e%2e");
	expect_404("/portal/%2E%2E");
	expect_404("/portal/..%2fMakefile");
	expect_404("/portal/%2e%2e%2fMakefile");
	expect_404("/portal/%2e%2e%2f%2e%2e%2fetc%2fpasswd");
	expect_404("/portal/../Makefile");
	expect_404("/portal/..%5cMakefile");
	expect_404("/portal/.hidden.js");
	expect_404("/portal/missing.js");
	expect_404("/portal/app.c");
	expect_404("/portal/investor/Not_A_Slug");
	expect_404("/portal/staff/disputes/0");
	expect_404("/portal/staff/methodology/latest");
	expect_404("/v1/portal");
	expect_404("/v1/no/such/thing");
	expect_404("/portal.css");
}

Test(portal_routes, only_get_and_head)
{
	struct api_response r;
	char allow[64];

	cr_assert_eq(api_client_request(srv, "POST", "/portal/app.js", NULL, "application/json",
	    "{}", 2, 0, &r), 0);
	cr_expect_eq(r.status, 405);
	cr_expect_str_eq(api_response_header(&r, "Allow", allow, sizeof(allow)), "GET, HEAD");
	api_response_free(&r);
	cr_assert_eq(api_client_request(srv, "HEAD", "/portal", NULL, NULL, NULL, 0, 0, &r), 0);
	cr_expect_eq(r.status, 200);
	api_response_free(&r);
}

Test(portal_routes, an_encoded_nul_is_refused_not_cut)
{
	const char *paths[] = {"/portal/app.js%00.css", "/portal/index.html%00", "/%00",
	    "/portal/app.js?x=%00"};
	struct api_response r;
	char code[64];
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		cr_assert_eq(api_client_get(srv, paths[i], NULL, &r), 0);
		cr_expect_eq(r.status, 400, "%s: status %ld", paths[i], r.status);
		cr_expect_not_null(api_response_error_code(&r, code, sizeof(code)),
		    "%s: not a JSON error: %s", paths[i], r.body.data ? r.body.data : "");
		cr_expect(strcmp(code, "invalid_path") == 0 ||
		    strcmp(code, "invalid_parameter") == 0, "%s: %s", paths[i], code);
		api_response_free(&r);
	}
}

/* The portal's catalogue: the portal's own texts, the report's and the methodology's
 * (with their contexts), in the language asked; English is the msgids themselves. */
Test(portal_routes, the_catalogue_is_served_as_json)
{
	struct api_response r;
	json_t *doc, *m;
	char v[160];

	cr_assert_eq(api_client_get(srv, "/portal/i18n/ja", NULL, &r), 0);
	cr_assert_eq(r.status, 200);
	cr_expect_str_eq(api_response_header(&r, "Content-Language", v, sizeof(v)), "ja");
	cr_expect_str_eq(api_response_header(&r, "Cache-Control", v, sizeof(v)),
	    "public, max-age=300");
	cr_assert_not_null(doc = json_loads(r.body.data, 0, NULL));
	cr_expect_str_eq(json_string_value(json_object_get(doc, "lang")), "ja");
	m = json_object_get(doc, "messages");
	cr_expect_str_eq(json_string_value(json_object_get(m, "Language")), "言語");
	cr_expect_str_eq(json_string_value(json_object_get(m, "Security rating report")),
	    "セキュリティ格付けレポート");
	m = json_object_get(json_object_get(doc, "contexts"), "factor");
	cr_expect_str_eq(json_string_value(json_object_get(m, "TLS and certificates")),
	    "TLSと証明書");
	cr_expect_null(json_object_get(json_object_get(doc, "messages"), "TLS and certificates"));
	json_decref(doc);
	api_response_free(&r);

	cr_assert_eq(api_client_get(srv, "/portal/i18n/en", NULL, &r), 0);
	cr_assert_eq(r.status, 200);
	cr_assert_not_null(doc = json_loads(r.body.data, 0, NULL));
	cr_expect_eq(json_object_size(json_object_get(doc, "messages")), 0);
	json_decref(doc);
	api_response_free(&r);

	cr_assert_eq(api_client_get(srv, "/portal/i18n/fr", NULL, &r), 0);
	cr_expect_eq(r.status, 404);
	api_response_free(&r);
}
