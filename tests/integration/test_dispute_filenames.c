/* Attachment filenames of up to DISPUTE_FILENAME_MAX characters, in any script: the
 * database and the upload check count characters, so a name of 200 three-byte
 * characters is 600 bytes and must read back whole, in the dispute and in the file's
 * own details, and the dispute must still encode as JSON (a name cut inside a
 * character is not UTF-8, and the whole dispute view would fail). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dispute/dispute_json.h"
#include "dispute/dispute_sla.h"
#include "dispute/dispute_store.h"
#include "tests/support/testdb.h"

static PGconn *conn;
static int64_t acme, key_acme, key_analyst, ev_acme;

static void
setup(void)
{
	char sql[512];

	conn = testdb_create();
	acme = testdb_scalar(conn, "INSERT INTO companies (slug, name, sector, size_band,"
	    " country) VALUES ('acme', 'Acme', 'retail', 'small', 'JP') RETURNING id");
	snprintf(sql, sizeof(sql), "INSERT INTO evidence (company_id, check_code, outcome,"
	    " observation_key, source, first_seen, last_seen) VALUES (%lld,"
	    " 'tls.self_signed', 'fail', '', 'test', now() - interval '2 days',"
	    " now() - interval '1 day') RETURNING id", (long long)acme);
	ev_acme = testdb_scalar(conn, sql);
	snprintf(sql, sizeof(sql), "INSERT INTO api_keys (prefix, secret_sha256, role,"
	    " company_id) VALUES ('companyacme1', repeat('a', 64), 'company', %lld)"
	    " RETURNING id", (long long)acme);
	key_acme = testdb_scalar(conn, sql);
	key_analyst = testdb_scalar(conn, "INSERT INTO api_keys (prefix, secret_sha256, role)"
	    " VALUES ('analystone01', repeat('a', 64), 'analyst') RETURNING id");
}

static void
teardown(void)
{
	testdb_drop(conn);
}

TestSuite(dispute_filenames, .init = setup, .fini = teardown, .timeout = 60);

Test(dispute_filenames, a_name_of_the_most_multibyte_characters_reads_back_whole)
{
	struct dispute_actor co = {DISPUTE_ROLE_COMPANY, key_acme, acme};
	struct dispute_actor an = {DISPUTE_ROLE_ANALYST, key_analyst, 0};
	struct dispute_attachment_info info;
	struct dispute_sla_config sla;
	struct dispute *d = NULL;
	const char text[] = "port,state\n3389,closed\n";
	char name[DISPUTE_FILENAME_MAX * 3 + 8];
	int64_t id, att, now = (int64_t)time(NULL);
	void *content = NULL;
	json_t *v, *files;
	size_t i;

	/* 196 times U+3042 (3 bytes each) and ".csv": exactly 200 characters. */
	for (i = 0; i < DISPUTE_FILENAME_MAX - 4; i++)
		memcpy(name + 3 * i, "\xe3\x81\x82", 3);
	memcpy(name + 3 * i, ".csv", 5);
	cr_assert_eq(strlen(name), (size_t)(DISPUTE_FILENAME_MAX - 4) * 3 + 4);

	cr_assert_eq(dispute_store_open(conn, &co, DISPUTE_KIND_EVIDENCE,
	    DISPUTE_REASON_FALSE_POSITIVE, "scan attached", &ev_acme, 1, now, &id),
	    DISPUTE_STORE_OK);
	cr_assert_eq(dispute_store_add_attachment(conn, &co, id, name, "text/csv", text,
	    sizeof(text) - 1, now, &att), DISPUTE_STORE_OK);

	cr_assert_eq(dispute_store_read_attachment(conn, &an, id, att, now, &info, &content),
	    DISPUTE_STORE_OK);
	free(content);
	cr_assert_str_eq(info.filename, name, "the file's details hold the whole name");

	cr_assert_eq(dispute_store_get(conn, &co, id, &d), DISPUTE_STORE_OK);
	cr_assert_eq(d->nattachments, 1);
	cr_assert_str_eq(d->attachments[0].filename, name, "the dispute holds the whole name");
	dispute_sla_default(&sla);
	v = dispute_json_dispute(d, DISPUTE_JSON_COMPANY, &sla, now);
	cr_assert_not_null(v, "the dispute encodes as JSON");
	files = json_object_get(v, "attachments");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(files, 0),
	    "filename")), name);
	json_decref(v);
	dispute_free(d);
}
