/* The server's own texts in the request's language (api/messages.h, po/api-ja.po):
 * ?lang= first, then Accept-Language with its q-values, else English; the error code
 * never changes; stored English sentences (status_reason, insufficient_reason) come
 * out translated; every JSON answer says its Content-Language and varies on
 * Accept-Language. Requests go through curl, which sends the headers as given. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "tests/support/api_client.h"
#include "tests/support/api_world.h"
#include "tests/support/testdb.h"

static PGconn *conn;
static struct api_client *c;

static void
setup(void)
{
	c = api_world_start(&conn, NULL);
}

static void
teardown(void)
{
	api_world_stop(c, conn);
}

TestSuite(api_language, .init = setup, .fini = teardown, .timeout = 120);

struct answer {
	long status;
	char headers[2048];
	json_t *body;
};

/* method path with key (may be NULL), the extra header (may be NULL) and a JSON body
 * (may be NULL). */
static void
call(const char *method, const char *path, const char *key, const char *header,
    const char *body, struct answer *a)
{
	char cmd[2048], full[4096], chunk[4096], *sep;
	struct buf out;
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "curl -s -i -X %s%s%s%s%s%s%s%s"
	    " 'http://127.0.0.1:%u%s'", method,
	    key ? " -H 'Authorization: Bearer " : "", key ? key : "", key ? "'" : "",
	    header ? " -H '" : "", header ? header : "", header ? "'" : "",
	    body ? " -H 'Content-Type: application/json' --data-binary @-" : "",
	    api_client_port(c), path);
	/* The body on curl's standard input (our bodies hold no quote). */
	snprintf(full, sizeof(full), "%s%s%s%s", body ? "printf '%s' '" : "", body ? body : "",
	    body ? "' | " : "", cmd);
	cr_assert_not_null(p = popen(full, "r"), "%s", full);
	buf_init(&out, 1 << 22);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		cr_assert_eq(buf_append(&out, chunk, n), 0);
	cr_assert_eq(pclose(p), 0, "%s", full);
	cr_assert_eq(buf_append(&out, "", 1), 0);
	cr_assert_not_null(sep = strstr(out.data, "\r\n\r\n"), "%s", out.data);
	*sep = '\0';
	cr_assert_eq(sscanf(out.data, "HTTP/1.1 %ld", &a->status), 1, "%s", out.data);
	snprintf(a->headers, sizeof(a->headers), "%s", out.data);
	a->body = json_loads(sep + 4, 0, NULL);
	cr_assert_not_null(a->body, "%s: %s", path, sep + 4);
	buf_free(&out);
}

static const char *
error_field(const struct answer *a, const char *field)
{
	return (json_string_value(json_object_get(json_object_get(a->body, "error"),
	    field)));
}

/* The answer is an error code, in lang, with message. */
static void
expect_error(const struct answer *a, long status, const char *code, const char *lang,
    const char *message)
{
	char want[64];

	cr_assert_eq(a->status, status, "%s", a->headers);
	cr_assert_str_eq(error_field(a, "code"), code);
	cr_assert_str_eq(error_field(a, "message"), message);
	snprintf(want, sizeof(want), "Content-Language: %s\r\n", lang);
	cr_assert_not_null(strstr(a->headers, want), "%s", a->headers);
	cr_assert_not_null(strstr(a->headers, "Vary: Accept-Language"), "%s", a->headers);
}

Test(api_language, an_error_in_the_language_asked_for_with_the_same_code)
{
	char *investor = api_client_create_key("investor", NULL);
	const char *en = "no company has that slug";
	const char *ja = "そのスラッグの企業はありません";
	const struct {
		const char *path, *header, *lang;
	} cases[] = {
		{"/v1/companies/nobody", NULL, "en"},
		{"/v1/companies/nobody", "Accept-Language: ja", "ja"},
		{"/v1/companies/nobody?lang=ja", NULL, "ja"},
		/* ?lang= wins over the header, both ways. */
		{"/v1/companies/nobody?lang=en", "Accept-Language: ja", "en"},
		{"/v1/companies/nobody?lang=ja", "Accept-Language: en", "ja"},
		/* q-values: the larger wins; a tie goes to English. */
		{"/v1/companies/nobody", "Accept-Language: ja;q=0.3, en;q=0.8", "en"},
		{"/v1/companies/nobody", "Accept-Language: en;q=0.5, ja-JP", "ja"},
		{"/v1/companies/nobody", "Accept-Language: fr-FR, ja;q=0.9, en;q=0.2", "ja"},
		{"/v1/companies/nobody", "Accept-Language: ja;q=0.5, en;q=0.5", "en"},
		/* Languages we do not have are English. */
		{"/v1/companies/nobody", "Accept-Language: fr, de;q=0.8", "en"},
		{"/v1/companies/nobody?lang=fr", NULL, "en"},
	};
	struct answer a;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		call("GET", cases[i].path, investor, cases[i].header, NULL, &a);
		expect_error(&a, 404, "not_found", cases[i].lang,
		    strcmp(cases[i].lang, "ja") == 0 ? ja : en);
		json_decref(a.body);
	}
	/* Before the key is looked at, and with a value in the format. */
	call("GET", "/v1/companies/nobody", NULL, "Accept-Language: ja", NULL, &a);
	expect_error(&a, 401, "unauthorized", "ja",
	    "API キーが必要です: Authorization: Bearer KEY");
	json_decref(a.body);
	call("DELETE", "/v1/methodology", NULL, "Accept-Language: ja", NULL, &a);
	expect_error(&a, 405, "method_not_allowed", "ja",
	    "ここでは DELETE は使えません。Allow ヘッダーをご覧ください");
	json_decref(a.body);
	free(investor);
}

Test(api_language, a_refused_dispute_form_in_japanese)
{
	char *acme = api_client_create_key("company", "acme");
	struct answer a;

	call("POST", "/v1/me/disputes", acme, "Accept-Language: ja", "{\"kind\":\"evidence\"}",
	    &a);
	expect_error(&a, 400, "missing_field", "ja", "reason は必須です");
	json_decref(a.body);
	call("POST", "/v1/me/disputes", acme, "Accept-Language: ja",
	    "{\"reason\":\"mine\",\"explanation\":\"x\",\"evidence_ids\":[1]}", &a);
	expect_error(&a, 400, "invalid_field", "ja", "reason は not_our_asset、"
	    "false_positive、remediated、compensating_control、other のいずれかです");
	json_decref(a.body);
	call("POST", "/v1/me/disputes", acme, NULL, "{\"kind\":\"evidence\"}", &a);
	expect_error(&a, 400, "missing_field", "en", "reason is required");
	json_decref(a.body);
	/* A sentence a module that knows no language made (rater/plan.c), by its
	 * pattern, with its values. */
	call("GET", "/v1/me/plan?target=Z", acme, "Accept-Language: ja", NULL, &a);
	expect_error(&a, 400, "bad_target", "ja", "target には評価手法 2026.1 の格付け（A, B, C,"
	    " D, F）か、0 より大きく 100 以下のスコアを指定してください");
	json_decref(a.body);
	call("POST", "/v1/me/disputes", acme, "Accept-Language: ja", "{\"kind\":", &a);
	cr_assert_eq(a.status, 400);
	cr_assert_str_eq(error_field(&a, "code"), "malformed_json");
	cr_assert_eq(strncmp(error_field(&a, "message"), "JSON の形式が正しくありません（1 行 ",
	    strlen("JSON の形式が正しくありません（1 行 ")), 0, "%s", error_field(&a, "message"));
	json_decref(a.body);
	/* A body that is not JSON, before any handler runs. */
	call("POST", "/v1/me/disputes", acme, "Accept-Language: ja", "", &a);
	expect_error(&a, 400, "malformed_json", "ja", "リクエスト本文が空です。JSON 文書が必要です");
	json_decref(a.body);
	free(acme);
}

Test(api_language, stored_reasons_are_translated_when_shown_and_stay_english_stored)
{
	char *acme = api_client_create_key("company", "acme");
	char *investor = api_client_create_key("investor", NULL);
	const char *reason, *status;
	struct answer a;
	json_t *item, *items;
	size_t i;
	int seen = 0;

	api_world_exec(conn, "UPDATE evidence SET status_reason = 'corrected by dispute 12'"
	    " WHERE status = 'corrected'");
	call("GET", "/v1/me/evidence?limit=500", acme, "Accept-Language: ja", NULL, &a);
	cr_assert_eq(a.status, 200);
	cr_assert_not_null(strstr(a.headers, "Content-Language: ja"), "%s", a.headers);
	items = json_object_get(a.body, "items");
	json_array_foreach(items, i, item) {
		status = json_string_value(json_object_get(item, "status"));
		reason = json_string_value(json_object_get(item, "status_reason"));
		if (strcmp(status, "corrected") == 0) {
			cr_assert_str_eq(reason, "異議申立て 12 により訂正");
			seen++;
		}
		/* Made at output time from the methodology: the lifetime sentence. */
		if (strcmp(status, "expired") == 0) {
			cr_assert_not_null(strstr(reason, " 日の有効期間（要素 "), "%s", reason);
			seen++;
		}
	}
	cr_assert_eq(seen, 2, "one corrected and one expired item in the world");
	json_decref(a.body);

	/* A company with too little evidence: its insufficient-data reason, from the
	 * stored summary. */
	api_world_exec(conn, "DELETE FROM evidence WHERE company_id = (SELECT id FROM"
	    " companies WHERE slug = 'norating')");
	api_world_rate(conn, "norating", "initial");
	call("GET", "/v1/companies/norating", investor, "Accept-Language: ja", NULL, &a);
	cr_assert_eq(a.status, 200, "%s", a.headers);
	reason = json_string_value(json_object_get(a.body, "insufficient_reason"));
	cr_assert_not_null(reason, "%s", json_dumps(a.body, 0));
	cr_assert_not_null(strstr(reason, "格付けには少なくとも 5 件"), "%s", reason);
	json_decref(a.body);
	call("GET", "/v1/companies/norating", investor, NULL, NULL, &a);
	reason = json_string_value(json_object_get(a.body, "insufficient_reason"));
	cr_assert_not_null(strstr(reason, "a rating needs at least 5 items"), "%s", reason);
	cr_assert_not_null(strstr(a.headers, "Content-Language: en"), "%s", a.headers);
	json_decref(a.body);

	/* Stored in English, whatever language asked. */
	cr_assert_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence WHERE"
	    " status_reason = 'corrected by dispute 12'"), seen - 1);
	free(acme);
	free(investor);
}
