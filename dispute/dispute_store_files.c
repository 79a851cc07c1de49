/* Dispute attachments: allow-listed types, capped size, SHA-256, audited staff reads. */
#include "dispute/dispute_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/attachment.h"
#include "common/db.h"
#include "common/log.h"
#include "common/sha256.h"
#include "dispute/dispute_store_impl.h"

/* Hold the dispute row (the actor's own, for a company) and check it is not final. */
static enum dispute_store_result
lock_open_dispute(PGconn *conn, const struct dispute_actor *actor, const char *sid)
{
	static const char sql[] =
	    "SELECT state FROM disputes WHERE id = $1"
	    " AND ($2::bigint IS NULL OR company_id = $2::bigint) FOR UPDATE";
	char scompany[24];
	const char *p[2] = {sid, dispute_store_company_param(actor, scompany)};
	enum dispute_store_result ret = DISPUTE_STORE_OK;
	enum dispute_state state;
	PGresult *res = db_query(conn, sql, 2, p);

	if (res == NULL)
		return (DISPUTE_STORE_ERROR);
	if (PQntuples(res) == 0)
		ret = DISPUTE_STORE_NOT_FOUND;
	else if (dispute_state_parse(PQgetvalue(res, 0, 0), &state) != 0) {
		log_error("dispute %s: unknown state", sid);
		ret = DISPUTE_STORE_ERROR;
	} else if (dispute_state_is_final(state))
		ret = DISPUTE_STORE_REFUSED;
	PQclear(res);
	return (ret);
}

enum dispute_store_result
dispute_store_add_attachment(PGconn *conn, const struct dispute_actor *actor, int64_t id,
    const char *filename, const char *content_type, const void *content, size_t len,
    int64_t now, int64_t *attachment_id)
{
	static const char sql[] =
	    "INSERT INTO attachments (company_id, dispute_id, filename, content_type, content,"
	    " sha256, uploaded_by, uploaded_role, uploaded_at)"
	    " SELECT d.company_id, d.id, $2::text, $3::text, $4::bytea, $5::text, $6::bigint,"
	    " $7::text, to_timestamp($8::bigint) FROM disputes d WHERE d.id = $1::bigint"
	    " RETURNING id";
	enum dispute_store_result ret = DISPUTE_STORE_ERROR, r;
	char sid[24], skey[24], snow[24], digest[65];
	const char *p[8];
	int lengths[8] = {0}, formats[8] = {0};
	PGresult *res = NULL;
	int began = 0;

	if (len > DISPUTE_ATTACHMENT_MAX)
		return (DISPUTE_STORE_TOO_LARGE);
	if (len == 0 || content == NULL || !attachment_filename_ok(filename) ||
	    !attachment_type_allowed(content_type))
		return (DISPUTE_STORE_INVALID);
	if (sha256_hex(content, len, digest) != 0) {
		log_error("dispute attachment: cannot compute its digest");
		return (DISPUTE_STORE_ERROR);
	}
	dispute_store_fmt_i64(sid, id);
	dispute_store_fmt_i64(skey, actor->key_id);
	dispute_store_fmt_i64(snow, now);
	if (db_begin(conn) != 0)
		return (DISPUTE_STORE_ERROR);
	began = 1;
	if ((r = lock_open_dispute(conn, actor, sid)) != DISPUTE_STORE_OK) {
		ret = r;
		goto cleanup;
	}
	p[0] = sid;
	p[1] = filename;
	p[2] = content_type;
	p[3] = content;
	lengths[3] = (int)len;
	formats[3] = 1;                /* bytea sent as binary: no escaping */
	p[4] = digest;
	p[5] = actor->key_id > 0 ? skey : NULL;
	p[6] = dispute_role_name(actor->role);
	p[7] = snow;
	res = PQexecParams(conn, sql, 8, NULL, p, lengths, formats, 0);
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_error("dispute %s: cannot store attachment: %s", sid,
		    res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
		goto cleanup;
	}
	*attachment_id = dispute_store_i64(res, 0, 0);
	if (db_commit(conn) != 0)
		goto cleanup;
	began = 0;
	ret = DISPUTE_STORE_OK;
cleanup:
	PQclear(res);
	if (began)
		db_rollback(conn);
	return (ret);
}

static int
audit_read(PGconn *conn, const struct dispute_actor *actor, const char *sid,
    const char *said, const char *scompany, const char *snow)
{
	static const char sql[] =
	    "INSERT INTO audit_log (at, actor_key_id, actor, action, target, company_id,"
	    " details) VALUES (to_timestamp($1::bigint), $2, $3, 'dispute.attachment.read',"
	    " 'dispute:' || $4::bigint || '/attachment:' || $5::bigint, $6,"
	    " jsonb_build_object('dispute_id', $4::bigint, 'attachment_id', $5::bigint))";
	char skey[24], who[64];
	const char *p[6];

	dispute_store_fmt_i64(skey, actor->key_id);
	snprintf(who, sizeof(who), "%s:%s", dispute_role_name(actor->role), skey);
	p[0] = snow;
	p[1] = actor->key_id > 0 ? skey : NULL;
	p[2] = who;
	p[3] = sid;
	p[4] = said;
	p[5] = scompany;
	return (db_exec(conn, sql, 6, p));
}

enum dispute_store_result
dispute_store_read_attachment(PGconn *conn, const struct dispute_actor *actor, int64_t id,
    int64_t attachment_id, int64_t now, struct dispute_attachment_info *info,
    void **content)
{
	static const char sql[] =
	    "SELECT a.id, a.filename, a.content_type, a.sha256, a.uploaded_role,"
	    " extract(epoch FROM a.uploaded_at)::bigint, d.company_id, a.content"
	    " FROM attachments a JOIN disputes d ON d.id = a.dispute_id"
	    " WHERE a.id = $1 AND a.dispute_id = $2"
	    " AND ($3::bigint IS NULL OR d.company_id = $3::bigint)";
	enum dispute_store_result ret = DISPUTE_STORE_ERROR;
	char said[24], sid[24], scompany[24], snow[24];
	const char *p[3];
	PGresult *res = NULL;
	void *data = NULL;
	size_t len;
	int began = 0;

	*content = NULL;
	memset(info, 0, sizeof(*info));
	dispute_store_fmt_i64(said, attachment_id);
	dispute_store_fmt_i64(sid, id);
	dispute_store_fmt_i64(snow, now);
	p[0] = said;
	p[1] = sid;
	p[2] = dispute_store_company_param(actor, scompany);
	if (db_begin(conn) != 0)
		return (DISPUTE_STORE_ERROR);
	began = 1;
	if ((res = db_query(conn, sql, 3, p)) == NULL)
		goto cleanup;
	if (PQntuples(res) == 0) {
		ret = DISPUTE_STORE_NOT_FOUND;
		goto cleanup;
	}
	info->id = dispute_store_i64(res, 0, 0);
	snprintf(info->filename, sizeof(info->filename), "%s", PQgetvalue(res, 0, 1));
	snprintf(info->content_type, sizeof(info->content_type), "%s", PQgetvalue(res, 0, 2));
	snprintf(info->sha256, sizeof(info->sha256), "%s", PQgetvalue(res, 0, 3));
	if (dispute_role_parse(PQgetvalue(res, 0, 4), &info->uploaded_role) != 0)
		info->uploaded_role = DISPUTE_ROLE_ADMIN;
	info->uploaded_at = dispute_store_i64(res, 0, 5);
	dispute_store_fmt_i64(scompany, dispute_store_i64(res, 0, 6));
	{
		unsigned char *raw = PQunescapeBytea(
		    (const unsigned char *)PQgetvalue(res, 0, 7), &len);

		if (raw == NULL || (data = malloc(len ? len : 1)) == NULL) {
			PQfreemem(raw);
			log_error("dispute attachment %s: out of memory", said);
			goto cleanup;
		}
		memcpy(data, raw, len);
		PQfreemem(raw);
	}
	info->size = len;
	if (actor->role != DISPUTE_ROLE_COMPANY &&
	    audit_read(conn, actor, sid, said, scompany, snow) != 0)
		goto cleanup;
	if (db_commit(conn) != 0)
		goto cleanup;
	began = 0;
	*content = data;
	data = NULL;
	ret = DISPUTE_STORE_OK;
cleanup:
	PQclear(res);
	if (began)
		db_rollback(conn);
	free(data);
	return (ret);
}
