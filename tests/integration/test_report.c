/* The one-page report (report/report.h) on the small rated world of
 * tests/support/api_world.h, judged by outside tools: poppler's pdfinfo, pdftotext and
 * pdffonts read the PDF (one A4 page, the figures in its text, Japanese in a CJK font),
 * and msgfmt checks the shipped catalogues. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "tests/support/api_call.h"
#include "tests/support/api_client.h"
#include "tests/support/api_world.h"
#include "tests/support/testdb.h"

static PGconn *conn;
static struct api_client *c;
static char dir[] = "/tmp/fairrate-report-XXXXXX";

static void
setup(void)
{
	c = api_world_start(&conn, NULL);
	cr_assert_not_null(mkdtemp(dir));
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)system(cmd);
	api_world_stop(c, conn);
}

TestSuite(report, .init = setup, .fini = teardown, .timeout = 120);

/* The standard output of a shell command (exit status 0 required), malloc'd. */
static char *
run(const char *cmd)
{
	struct buf out;
	char chunk[4096];
	size_t n;
	FILE *p = popen(cmd, "r");

	cr_assert_not_null(p, "%s", cmd);
	buf_init(&out, 1 << 24);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		cr_assert_eq(buf_append(&out, chunk, n), 0);
	cr_assert_eq(pclose(p), 0, "%s", cmd);
	cr_assert_eq(buf_append(&out, "", 1), 0);
	return (out.data);
}

static char *
pdf_text(const char *path)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "pdftotext -layout '%s' -", path);
	return (run(cmd));
}

static void
pdf_is_one_a4_page(const char *path)
{
	char cmd[512], *info, *pages;

	snprintf(cmd, sizeof(cmd), "pdfinfo '%s'", path);
	info = run(cmd);
	cr_assert_not_null(pages = strstr(info, "Pages:"), "%s", info);
	cr_assert_eq(strtol(pages + 6, NULL, 10), 1, "%s", info);
	cr_assert_not_null(strstr(info, "595 x 842 pts (A4)"), "%s", info);
	free(info);
}

static char *
stored(const char *sql)
{
	PGresult *res = PQexec(conn, sql);
	char *v;

	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(conn));
	cr_assert_eq(PQntuples(res), 1);
	v = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return (v);
}

/* s with every run of white space made one space (a title wrapped over two lines is
 * then found), in place. */
static char *
squeeze(char *s)
{
	char *w = s, *r;

	for (r = s; *r != '\0'; r++)
		if (!(*r == ' ' || *r == '\n' || *r == '\f') || (w > s && w[-1] != ' '))
			*w++ = (*r == '\n' || *r == '\f') ? ' ' : *r;
	*w = '\0';
	return (s);
}

/* Each action of the report (GET /v1/me/report) is on the page (pdf), translated. */
static void
actions_are_printed(const char *pdf, const char *lang)
{
	char path[512], *text;
	json_t *rep, *a;
	size_t i;
	char *key = api_client_create_key("company", "acme");

	snprintf(path, sizeof(path), "pdftotext -raw '%s' -", pdf);
	text = squeeze(run(path));

	snprintf(path, sizeof(path), "/v1/me/report?lang=%s", lang);
	rep = api_call_json(c, "GET", path, key, NULL, 200);
	cr_assert_gt(json_array_size(json_object_get(rep, "actions")), 0);
	json_array_foreach(json_object_get(rep, "actions"), i, a)
		cr_assert_not_null(strstr(text, json_string_value(json_object_get(a, "title"))),
		    "action %s not on the %s page: %s", json_string_value(json_object_get(a,
		    "title")), lang, text);
	json_decref(rep);
	free(text);
	free(key);
}

/* The page as PNG beside the test logs (pdftoppm), for a person to look at. */
static void
keep_png(const char *pdf, const char *name)
{
	const char *outdir = getenv("FAIRRATE_TEST_OUTPUT");
	char cmd[1024], *out;

	if (outdir == NULL)
		return;
	snprintf(cmd, sizeof(cmd), "pdftoppm -png -r 72 -singlefile '%s' '%s/%s' && echo ok",
	    pdf, outdir, name);
	out = run(cmd);
	free(out);
}

Test(report, the_cli_writes_one_page_with_the_rating_and_its_digest)
{
	char path[256], *text, *digest, *score;
	const char *args[] = {"report", "acme", "--out", path, NULL};
	struct buf out;

	snprintf(path, sizeof(path), "%s/acme.pdf", dir);
	cr_assert_eq(api_client_run(args, &out), 0, "%s", out.data);
	buf_free(&out);
	pdf_is_one_a4_page(path);
	text = pdf_text(path);
	digest = stored("SELECT inputs_digest FROM ratings WHERE company_id = (SELECT id"
	    " FROM companies WHERE slug = 'acme') ORDER BY id DESC LIMIT 1");
	score = stored("SELECT to_char(score, 'FM990.0') || ' / 100' FROM ratings WHERE"
	    " company_id = (SELECT id FROM companies WHERE slug = 'acme') ORDER BY id DESC"
	    " LIMIT 1");
	cr_assert_not_null(strstr(text, "Acme Holdings"), "%s", text);
	cr_assert_not_null(strstr(text, score), "%s in %s", score, text);
	cr_assert_not_null(strstr(text, digest), "%s", text);
	cr_assert_not_null(strstr(text, "Methodology 2026.1"), "%s", text);
	cr_assert_not_null(strstr(text, "finance"), "%s", text);
	cr_assert_not_null(strstr(text, "Governance disclosures"), "%s", text);
	cr_assert_not_null(strstr(text, "Top five actions"), "%s", text);
	actions_are_printed(path, "en");
	keep_png(path, "report-en");
	/* Nothing host-level: the report is for executives, and for staff. */
	cr_assert_null(strstr(text, API_WORLD_SECRET_HOST), "%s", text);
	cr_assert_null(strstr(text, API_WORLD_SECRET_IP), "%s", text);
	free(score);
	free(digest);
	free(text);
}

Test(report, japanese_is_drawn_in_a_cjk_font)
{
	char path[256], cmd[512], *text, *fonts;
	const char *args[] = {"report", "acme", "--lang", "ja", "--out", path, NULL};
	const char *bad[] = {"report", "acme", "--lang", "fr", "--out", path, NULL};
	const char *nobody[] = {"report", "nobody", "--out", path, NULL};
	const char *norating[] = {"report", "norating", "--out", path, NULL};
	struct buf out;

	snprintf(path, sizeof(path), "%s/acme-ja.pdf", dir);
	cr_assert_eq(api_client_run(args, &out), 0, "%s", out.data);
	buf_free(&out);
	pdf_is_one_a4_page(path);
	text = pdf_text(path);
	cr_assert_not_null(strstr(text, "セキュリティ格付けレポート"), "%s", text);
	cr_assert_not_null(strstr(text, "ガバナンスの開示"), "%s", text);
	cr_assert_not_null(strstr(text, "情報セキュリティ基本方針を公開している"),
	    "a check title from methodology/i18n/ja.po: %s", text);
	/* Sector and size band in words, from the catalogue the printable page uses. */
	cr_assert_not_null(strstr(text, "金融"), "the sector of po/ja.po: %s", text);
	cr_assert_null(strstr(text, "finance"), "%s", text);
	actions_are_printed(path, "ja");
	keep_png(path, "report-ja");
	snprintf(cmd, sizeof(cmd), "pdffonts '%s'", path);
	fonts = run(cmd);
	cr_assert_not_null(strstr(fonts, "IPAPGothic"), "%s", fonts);
	free(fonts);
	free(text);
	cr_assert_eq(api_client_run(bad, &out), 2);
	buf_free(&out);
	cr_assert_eq(api_client_run(nobody, &out), 1);
	buf_free(&out);
	cr_assert_eq(api_client_run(norating, &out), 1);
	buf_free(&out);
}

static void
get_pdf(const char *path, const char *key, const char *lang)
{
	struct api_response res;
	char hdr[64], file[256];
	FILE *f;

	cr_assert_eq(api_client_get(c, path, key, &res), 0);
	cr_assert_eq(res.status, 200, "%s: %ld %.*s", path, res.status, (int)res.body.len,
	    res.body.data);
	cr_assert_str_eq(api_response_header(&res, "Content-Type", hdr, sizeof(hdr)),
	    "application/pdf");
	cr_assert_str_eq(api_response_header(&res, "Content-Language", hdr, sizeof(hdr)),
	    lang);
	cr_assert_str_eq(api_response_header(&res, "Vary", hdr, sizeof(hdr)), "Accept-Language");
	cr_assert_eq(memcmp(res.body.data, "%PDF-", 5), 0);
	snprintf(file, sizeof(file), "%s/http.pdf", dir);
	cr_assert_not_null(f = fopen(file, "wb"));
	cr_assert_eq(fwrite(res.body.data, 1, res.body.len, f), res.body.len);
	cr_assert_eq(fclose(f), 0);
	pdf_is_one_a4_page(file);
	api_response_free(&res);
}

Test(report, over_http_for_the_company_and_for_staff)
{
	char *acme = api_client_create_key("company", "acme");
	char *analyst = api_client_create_key("analyst", NULL);
	char *investor = api_client_create_key("investor", NULL);
	char cmd[512], *out;
	json_t *rep, *plan;

	get_pdf("/v1/me/report.pdf", acme, "en");
	get_pdf("/v1/me/report.pdf?lang=ja", acme, "ja");
	get_pdf("/v1/staff/companies/hidden/report.pdf", analyst, "en");
	/* Accept-Language chooses when ?lang= does not. */
	snprintf(cmd, sizeof(cmd), "curl -s -o /dev/null -D - -H 'Authorization: Bearer %s'"
	    " -H 'Accept-Language: ja-JP,ja;q=0.9,en;q=0.5'"
	    " http://127.0.0.1:%u/v1/me/report.pdf", acme, api_client_port(c));
	out = run(cmd);
	cr_assert_not_null(strstr(out, "Content-Language: ja"), "%s", out);
	free(out);

	rep = api_call_json(c, "GET", "/v1/me/report", acme, NULL, 200);
	plan = api_call_json(c, "GET", "/v1/me/plan?target=100", acme, NULL, 200);
	cr_assert_str_eq(json_string_value(json_object_get(rep, "slug")), "acme");
	cr_assert_eq(json_array_size(json_object_get(rep, "disclosures")), 5);
	cr_assert_gt(json_array_size(json_object_get(rep, "trend")), 0);
	cr_assert_eq(json_array_size(json_object_get(rep, "actions")),
	    json_array_size(json_object_get(plan, "steps")) < 5 ?
	    json_array_size(json_object_get(plan, "steps")) : 5);
	cr_assert(json_equal(json_object_get(json_array_get(json_object_get(rep, "actions"),
	    0), "gain"), json_object_get(json_array_get(json_object_get(plan, "steps"), 0),
	    "gain")), "the report's first action is the plan's first step");
	json_decref(plan);
	json_decref(rep);

	json_decref(api_call_json(c, "GET", "/v1/me/report.pdf?lang=fr", acme, NULL, 400));
	json_decref(api_call_json(c, "GET", "/v1/me/report.pdf", investor, NULL, 403));
	json_decref(api_call_json(c, "GET", "/v1/staff/companies/acme/report.pdf", acme,
	    NULL, 403));
	json_decref(api_call_json(c, "GET", "/v1/staff/companies/nobody/report.pdf", analyst,
	    NULL, 404));
	json_decref(api_call_json(c, "GET", "/v1/staff/companies/norating/report.pdf",
	    analyst, NULL, 404));
	free(investor);
	free(analyst);
	free(acme);
}

/* msgfmt, gettext's own compiler, accepts the catalogues we ship. */
Test(report, the_catalogues_pass_msgfmt)
{
	char cmd[1024], *out;
	const char *share = getenv("FAIRRATE_SHARE_DIR");

	snprintf(cmd, sizeof(cmd), "cd '%s' && msgfmt --check -o /dev/null po/ja.po &&"
	    " msgfmt --check -o /dev/null methodology/i18n/ja.po && echo ok",
	    share != NULL ? share : ".");
	out = run(cmd);
	cr_assert_str_eq(out, "ok\n");
	free(out);
}
