#ifndef FAIRRATE_GOVERNANCE_STORE_H
#define FAIRRATE_GOVERNANCE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "rater/methodology.h"

/*
 * Methodology governance in PostgreSQL: drafts (methodology_versions with status
 * 'draft'), their impact previews (methodology_previews, 0008), publishing with notice,
 * the record of each switch (methodology_switches, 0008) and back-test figures
 * (methodology_validation, 0007). Each function logs its database errors.
 */

enum governance_store_result {
	GOVERNANCE_STORE_ERROR = -1,
	GOVERNANCE_STORE_OK = 0,
	GOVERNANCE_STORE_NOT_FOUND,    /* no version by that name */
	GOVERNANCE_STORE_EXISTS,       /* create: the version exists already */
	GOVERNANCE_STORE_NOT_DRAFT,    /* edit, publish: the version is published */
	GOVERNANCE_STORE_NO_PREVIEW,   /* publish: the draft was never previewed */
	GOVERNANCE_STORE_STALE_PREVIEW,/* publish: edited since its last preview */
	GOVERNANCE_STORE_NOT_LATEST    /* publish: another version takes effect at or
	                                  after that time */
};

/* governance_store_notice_days: the notice period, from $FAIRRATE_NOTICE_DAYS (default
 * 30). 0 and *out, or -1 after logging an invalid value. */
int governance_store_notice_days(int *out);

/* governance_store_draft_create: store text (len bytes, the document m was parsed
 * from) as draft m->version. OK, EXISTS, or ERROR. */
enum governance_store_result governance_store_draft_create(PGconn *conn,
    const char *text, size_t len, const struct methodology *m);

/* governance_store_draft_update: replace draft version's document with text (m parsed
 * from it; m->version must equal version). OK, NOT_FOUND, NOT_DRAFT, or ERROR. */
enum governance_store_result governance_store_draft_update(PGconn *conn,
    const char *version, const char *text, size_t len, const struct methodology *m);

/* governance_store_draft_get: a draft as {version, status, definition (the document),
 * definition_sha256, change_log, created_at, preview ({baseline_version, as_of,
 * companies, computed_at, current (false when edited since)} or null)} into *out (a
 * new reference). OK, NOT_FOUND, NOT_DRAFT, or ERROR. */
enum governance_store_result governance_store_draft_get(PGconn *conn,
    const char *version, json_t **out);

/* governance_store_drafts: every draft as {version, title, definition_sha256,
 * created_at, previewed}, by version. A new array, NULL on error. */
json_t *governance_store_drafts(PGconn *conn);

/* governance_store_preview_save: record the impact of version (whose definition had
 * digest sha) against baseline at as_of over companies, replacing an earlier one. 0 or
 * -1. */
int governance_store_preview_save(PGconn *conn, const char *version, const char *baseline,
    const char *sha, int64_t as_of, int64_t companies, const json_t *impact);

/* governance_store_preview_get: {version, baseline_version, as_of, companies,
 * computed_at, current, impact} of version into *out. OK, NOT_FOUND (no such version
 * or never previewed), or ERROR. */
enum governance_store_result governance_store_preview_get(PGconn *conn,
    const char *version, json_t **out);

/* governance_store_publish: publish draft version at now to take effect at
 * effective_at, notice_days being the notice period in force and reason the
 * short-notice reason (NULL: none); the caller has checked them with
 * governance_check_publish. The stored document's effective_at becomes effective_at
 * (and its digest is recomputed); the change log gains the preview's aggregate impact
 * and, with short notice, the reason. One transaction. OK, NOT_FOUND, NOT_DRAFT,
 * NO_PREVIEW, STALE_PREVIEW, NOT_LATEST or ERROR. */
enum governance_store_result governance_store_publish(PGconn *conn, const char *version,
    int64_t now, int64_t effective_at, int notice_days, const char *reason);

/* governance_store_version_info: the status ("draft", "published", "retired") and
 * definition digest of version. OK, NOT_FOUND or ERROR. */
enum governance_store_result governance_store_version_info(PGconn *conn,
    const char *version, char status[16], char sha[65]);

/* governance_store_switch_due: the published version in force at now, into version
 * (size 32), when its switch has not been recorded yet. 1 due, 0 nothing to do, -1. */
int governance_store_switch_due(PGconn *conn, int64_t now, char version[32]);

/* governance_store_switch_record: record that every company was rescored under
 * version as of as_of. 0 or -1. */
int governance_store_switch_record(PGconn *conn, const char *version, int64_t as_of,
    int64_t companies, int64_t new_rows);

/* governance_store_validation_save: store (or replace) the back-test figures of version,
 * rated as of rated_as_of (the earliest date) and followed until followed_until. 0 or
 * -1. */
int governance_store_validation_save(PGconn *conn, const char *version,
    const json_t *figures, int64_t rated_as_of, int64_t followed_until);

#endif
