/* Supporting documents of a disclosure: added by its company while it waits for
 * staff, read by the company and staff (every staff read audited). */
#include "disclosure/disclosure_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/db.h"
#include "common/log.h"
#include "common/sha256.h"

enum disclosure_store_result
disclosure_store_add_attachment(PGconn *conn, const struct disclosure_actor *actor,
    int64_t id, const char *filename, const char *content_type, const void *content,
    size_t len, int64_t now, int64_t *attachment_id)
{
	static const char sql_hold[] =
	    "SELECT state FROM disclosures WHERE id = $1::bigint AND company_id = $2::bigint"
	    " FOR UPDATE";
	static const char sql_insert[] =
	    "INSERT INTO disclosure_attachments (company_id, disclosure_id, filename,"
	    " content_type, content, size, sha256, uploaded_by, uploaded_at)"
	    " SELECT d.company_id, d.id, $2::text, $3::text, $4::bytea, $5::integer, $6::text,"
	    " $7::bigint, to_timestamp($8::bigint) FROM disclosures d WHERE d.id = $1::bigint"
	    " RETURNING id";
	enum disclosure_store_result ret = DISCLOSURE_STORE_ERROR;
	char sid[24], scompany[24], ssize[24], skey[24], snow[24], digest[65];
	const char *p[8] = {sid, filename, content_type, content, ssize, digest, skey, snow};
	int lengths[8] = {0}, formats[8] = {0};
	PGresult *res = NULL;

	if (actor->role != DISCLOSURE_ROLE_COMPANY || len == 0 || len > ATTACHMENT_MAX ||
	    !attachment_filename_ok(filename) || !attachment_type_allowed(content_type)) {
		log_error("disclosure %" PRId64 ": an attachment the caller did not check",
		    id);
		return (DISCLOSURE_STORE_ERROR);
	}
	if (sha256_hex(content, len, digest) != 0) {
		log_error("disclosure attachment: cannot compute its digest");
		return (DISCLOSURE_STORE_ERROR);
	}
	snprintf(sid, sizeof(sid), "%" PRId64, id);
	snprintf(scompany, sizeof(scompany), "%" PRId64, actor->company_id);
	snprintf(ssize, sizeof(ssize), "%zu", len);
	snprintf(skey, sizeof(skey), "%" PRId64, actor->key_id);
	snprintf(snow, sizeof(snow), "%" PRId64, now);
	if (db_begin(conn) != 0)
		return (DISCLOSURE_STORE_ERROR);
	p[1] = scompany;
	if ((res = db_query(conn, sql_hold, 2, p)) == NULL)
		goto cleanup;
	if (PQntuples(res) == 0 || strcmp(PQgetvalue(res, 0, 0), "submitted") != 0) {
		ret = PQntuples(res) == 0 ? DISCLOSURE_STORE_NOT_FOUND :
		    DISCLOSURE_STORE_REFUSED;
		goto cleanup;
	}
	PQclear(res);
	p[1] = filename;
	lengths[3] = (int)len;
	formats[3] = 1;                /* bytea sent as binary: no escaping */
	res = PQexecParams(conn, sql_insert, 8, NULL, p, lengths, formats, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		(void)db_sqlstate(res);
		log_error("disclosure %s: cannot store attachment: %s", sid,
		    res != NULL ? PQresultErrorMessage(res) : PQerrorMessage(conn));
		goto cleanup;
	}
	*attachment_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	if (db_commit(conn) != 0)
		goto cleanup;
	PQclear(res);
	return (DISCLOSURE_STORE_OK);
cleanup:
	PQclear(res);
	db_rollback(conn);
	return (ret);
}

enum disclosure_store_result
disclosure_store_read_attachment(PGconn *conn, const struct disclosure_actor *actor,
    int64_t id, int64_t attachment_id, int64_t now,
    struct disclosure_attachment *info, void **content)
{
	static const char sql[] =
	    "SELECT a.filename, a.content_type, d.company_id, a.content"
	    " FROM disclosure_attachments a JOIN disclosures d ON d.id = a.disclosure_id"
	    " WHERE a.id = $1::bigint AND a.disclosure_id = $2::bigint"
	    " AND ($3::bigint IS NULL OR d.company_id = $3::bigint)";
	static const char sql_audit[] =
	    "INSERT INTO audit_log (at, actor_key_id, actor, action, target, company_id,"
	    " details) VALUES (to_timestamp($1::bigint), $2::bigint, $3,"
	    " 'disclosure.attachment.read', 'disclosure:' || $4 || '/attachment:' || $5,"
	    " $6::bigint, jsonb_build_object('disclosure_id', $4::bigint, 'attachment_id',"
	    " $5::bigint))";
	enum disclosure_store_result ret = DISCLOSURE_STORE_ERROR;
	char said[24], sid[24], scompany[24], snow[24], skey[24];
	const char *p[6] = {said, sid, NULL};
	unsigned char *raw = NULL;
	PGresult *res = NULL;
	size_t len;

	*content = NULL;
	memset(info, 0, sizeof(*info));
	snprintf(said, sizeof(said), "%" PRId64, attachment_id);
	snprintf(sid, sizeof(sid), "%" PRId64, id);
	snprintf(scompany, sizeof(scompany), "%" PRId64, actor->company_id);
	snprintf(snow, sizeof(snow), "%" PRId64, now);
	snprintf(skey, sizeof(skey), "%" PRId64, actor->key_id);
	if (actor->role == DISCLOSURE_ROLE_COMPANY)
		p[2] = scompany;
	if (db_begin(conn) != 0)
		return (DISCLOSURE_STORE_ERROR);
	if ((res = db_query(conn, sql, 3, p)) == NULL)
		goto cleanup;
	if (PQntuples(res) == 0) {
		ret = DISCLOSURE_STORE_NOT_FOUND;
		goto cleanup;
	}
	snprintf(info->filename, sizeof(info->filename), "%s", PQgetvalue(res, 0, 0));
	snprintf(info->content_type, sizeof(info->content_type), "%s",
	    PQgetvalue(res, 0, 1));
	snprintf(scompany, sizeof(scompany), "%s", PQgetvalue(res, 0, 2));
	raw = PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, 3), &len);
	if (raw == NULL || (*content = malloc(len ? len : 1)) == NULL) {
		log_error("disclosure attachment %s: out of memory", said);
		goto cleanup;
	}
	memcpy(*content, raw, len);
	info->size = len;
	p[0] = snow;
	p[1] = actor->key_id > 0 ? skey : NULL;
	p[2] = disclosure_role_name(actor->role);
	p[3] = sid;
	p[4] = said;
	p[5] = scompany;
	if ((actor->role != DISCLOSURE_ROLE_COMPANY && db_exec(conn, sql_audit, 6, p) != 0) ||
	    db_commit(conn) != 0)
		goto cleanup;
	PQfreemem(raw);
	PQclear(res);
	return (DISCLOSURE_STORE_OK);
cleanup:
	PQfreemem(raw);
	PQclear(res);
	db_rollback(conn);
	free(*content);
	*content = NULL;
	return (ret);
}
