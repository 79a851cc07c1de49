#include "rater/methodology_store.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/db.h"
#include "common/log.h"
#include "common/sha256.h"
#include "common/timefmt.h"
#include "rater/unweighted_checks.h"

#define METHODOLOGY_STORE_MAX_FILES 256

/* One shipped document, read and validated. */
struct methodology_store_file {
	char name[256];
	struct buf text;
	char sha256[65];
	struct methodology *m;
};

static int
methodology_store_name_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct methodology_store_file *)a)->name,
	    ((const struct methodology_store_file *)b)->name));
}

/* Read dir/f->name into f->text (capped), hash it, parse it. 0, or -1 logged. */
static int
methodology_store_read(const char *dir, struct methodology_store_file *f)
{
	struct methodology_errors errs;
	char path[1024], chunk[8192], report[4096];
	size_t n, stem;
	FILE *fp;
	int rc = -1;

	buf_init(&f->text, METHODOLOGY_MAX_DOCUMENT);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, f->name) >= sizeof(path)) {
		log_error("methodology: %s/%s: path too long", dir, f->name);
		return (-1);
	}
	if ((fp = fopen(path, "rb")) == NULL) {
		log_error("methodology: cannot open %s", path);
		return (-1);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_append(&f->text, chunk, n) != 0) {
			log_error("methodology: %s: larger than %d bytes", path,
			    METHODOLOGY_MAX_DOCUMENT);
			goto done;
		}
	if (ferror(fp)) {
		log_error("methodology: cannot read %s", path);
		goto done;
	}
	if (sha256_hex(f->text.data ? f->text.data : "", f->text.len, f->sha256) != 0) {
		log_error("methodology: %s: cannot hash", path);
		goto done;
	}
	if ((f->m = methodology_parse(f->text.data ? f->text.data : "", f->text.len,
	    &errs)) == NULL) {
		log_error("methodology: %s is not valid:\n%s", path,
		    methodology_errors_format(&errs, f->name, report, sizeof(report)));
		goto done;
	}
	stem = strlen(f->name) - strlen(".json");
	if (strlen(f->m->version) != stem || strncmp(f->name, f->m->version, stem) != 0) {
		log_error("methodology: %s holds version %s; name the file %s.json", path,
		    f->m->version, f->m->version);
		goto done;
	}
	rc = 0;
done:
	fclose(fp);
	return (rc);
}

/* Insert f unless present; a present version must have the same digest. Sets
 * *loaded. 0, or -1 logged. */
static int
methodology_store_insert(PGconn *conn, const struct methodology_store_file *f,
    int *loaded)
{
	static const char insert_sql[] =
	    "INSERT INTO methodology_versions (version, status, definition, "
	    "definition_sha256, change_log, published_at, effective_at, notice_days) "
	    "VALUES ($1, 'published', $2::jsonb, $3, $4, $5::timestamptz, $5::timestamptz, 0) "
	    "ON CONFLICT (version) DO NOTHING RETURNING version";
	static const char select_sql[] =
	    "SELECT definition_sha256 FROM methodology_versions WHERE version = $1";
	const char *params[5];
	char when[21];
	PGresult *res;
	int rc = -1;

	params[0] = f->m->version;
	params[1] = f->text.data;
	params[2] = f->sha256;
	params[3] = f->m->change_log;
	params[4] = timefmt_format(f->m->effective_at, when);
	if ((res = db_query(conn, insert_sql, 5, params)) == NULL)
		return (-1);
	*loaded = PQntuples(res) == 1;
	PQclear(res);
	if (*loaded)
		return (0);
	if ((res = db_query(conn, select_sql, 1, params)) == NULL)
		return (-1);
	if (PQntuples(res) != 1)
		log_error("methodology: %s: version %s vanished while loading", f->name,
		    f->m->version);
	else if (strcmp(PQgetvalue(res, 0, 0), f->sha256) != 0)
		log_error("methodology: %s: version %s is already in the database with another "
		    "definition (sha256 %s, the file has %s); a published version never "
		    "changes: publish a new version instead", f->name, f->m->version,
		    PQgetvalue(res, 0, 0), f->sha256);
	else
		rc = 0;
	PQclear(res);
	return (rc);
}

/* Read dir/unweighted/checks.json into text and validate it against m. 1 when there
 * is no such file, 0 when it is valid (*n: its checks), -1 logged. */
static int
methodology_store_read_unweighted(const char *dir, const struct methodology *m,
    struct buf *text, size_t *n)
{
	struct unweighted_checks c;
	struct methodology_errors errs;
	char path[1024], chunk[8192], report[4096];
	size_t got;
	FILE *fp;
	int rc = -1;

	if ((size_t)snprintf(path, sizeof(path), "%s/unweighted/checks.json", dir) >=
	    sizeof(path)) {
		log_error("methodology: %s/unweighted/checks.json: path too long", dir);
		return (-1);
	}
	if ((fp = fopen(path, "rb")) == NULL)
		return (1);
	while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_append(text, chunk, got) != 0) {
			log_error("methodology: %s: larger than %d bytes", path,
			    METHODOLOGY_MAX_DOCUMENT);
			goto done;
		}
	if (ferror(fp)) {
		log_error("methodology: cannot read %s", path);
		goto done;
	}
	if (unweighted_checks_parse(text->data ? text->data : "", text->len, m, &c,
	    &errs) != 0) {
		log_error("methodology: %s is not valid:\n%s", path,
		    methodology_errors_format(&errs, "unweighted/checks.json", report,
		    sizeof(report)));
		goto done;
	}
	for (got = 0; got < c.n; got++)
		if (methodology_find_check(m, c.items[got].code) != NULL) {
			log_error("methodology: %s: checks[%zu].code: '%s' is weighed by "
			    "methodology %s; remove it from the catalogue", path, got,
			    c.items[got].code, m->version);
			unweighted_checks_free(&c);
			goto done;
		}
	*n = c.n;
	unweighted_checks_free(&c);
	rc = 0;
done:
	fclose(fp);
	return (rc);
}

/* Replace the unweighted_checks table by the catalogue text (validated). */
static int
methodology_store_put_unweighted(PGconn *conn, const struct buf *text)
{
	static const char insert_sql[] =
	    "INSERT INTO unweighted_checks (code, factor, severity, title, description)"
	    " SELECT code, factor, severity, title, description"
	    " FROM jsonb_to_recordset($1::jsonb -> 'checks')"
	    "   AS x(code text, factor text, severity text, title text, description text)";
	const char *params[1] = {text->data};

	return (db_exec(conn, "DELETE FROM unweighted_checks", 0, NULL) != 0 ||
	    db_exec(conn, insert_sql, 1, params) != 0 ? -1 : 0);
}

int
methodology_store_seed_report(PGconn *conn, const char *dir, FILE *out)
{
	struct methodology_store_file *files;
	struct dirent *de;
	size_t nfiles = 0, i, len;
	int loaded[METHODOLOGY_STORE_MAX_FILES], rc = -1, failed = 0, catalogue = 1;
	const struct methodology *newest = NULL;
	struct buf unweighted;
	size_t nunweighted = 0;
	DIR *d;

	buf_init(&unweighted, METHODOLOGY_MAX_DOCUMENT);

	if ((files = calloc(METHODOLOGY_STORE_MAX_FILES, sizeof(*files))) == NULL) {
		log_error("methodology: out of memory");
		return (-1);
	}
	if ((d = opendir(dir)) == NULL) {
		log_error("methodology: cannot open folder %s", dir);
		goto done;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 5 || strcmp(de->d_name + len - 5, ".json") != 0 ||
		    de->d_name[0] == '.')
			continue;
		if (nfiles == METHODOLOGY_STORE_MAX_FILES || len >= sizeof(files[0].name)) {
			log_error("methodology: %s: too many files or too long a name", dir);
			failed = 1;
			break;
		}
		memcpy(files[nfiles++].name, de->d_name, len + 1);
	}
	closedir(d);
	if (failed)
		goto done;
	qsort(files, nfiles, sizeof(*files), methodology_store_name_cmp);
	/* Validate every file before touching the database, reporting each bad one. */
	for (i = 0; i < nfiles; i++)
		if (methodology_store_read(dir, &files[i]) != 0)
			failed = 1;
	if (failed)
		goto done;
	/* The catalogue of unweighted checks is judged against the newest shipped
	 * version (the latest effective_at). */
	for (i = 0; i < nfiles; i++)
		if (newest == NULL || files[i].m->effective_at > newest->effective_at)
			newest = files[i].m;
	if (newest != NULL && (catalogue = methodology_store_read_unweighted(dir, newest,
	    &unweighted, &nunweighted)) < 0)
		goto done;
	if (db_begin(conn) != 0)
		goto done;
	for (i = 0; i < nfiles; i++)
		if (methodology_store_insert(conn, &files[i], &loaded[i]) != 0) {
			db_rollback(conn);
			goto done;
		}
	if (catalogue == 0 && methodology_store_put_unweighted(conn, &unweighted) != 0) {
		db_rollback(conn);
		goto done;
	}
	if (db_commit(conn) != 0)
		goto done;
	for (i = 0; i < nfiles && out != NULL; i++)
		fprintf(out, "methodology %s %s\n", files[i].m->version,
		    loaded[i] ? "loaded" : "present");
	if (catalogue == 0 && out != NULL)
		fprintf(out, "unweighted checks: %zu in the catalogue\n", nunweighted);
	rc = 0;
done:
	buf_free(&unweighted);
	for (i = 0; i < nfiles; i++) {
		buf_free(&files[i].text);
		methodology_free(files[i].m);
	}
	free(files);
	return (rc);
}

int
methodology_store_seed(PGconn *conn, const char *dir)
{
	return (methodology_store_seed_report(conn, dir, NULL));
}

/* Parse the single definition row of res (version in column 0, text in 1). */
static struct methodology *
methodology_store_parse_row(PGresult *res, const char *what)
{
	struct methodology_errors errs;
	struct methodology *m;
	char report[4096];

	if (PQntuples(res) != 1) {
		log_error("methodology: no %s", what);
		return (NULL);
	}
	m = methodology_parse(PQgetvalue(res, 0, 1), (size_t)PQgetlength(res, 0, 1), &errs);
	if (m == NULL)
		log_error("methodology: stored version %s does not validate:\n%s",
		    PQgetvalue(res, 0, 0), methodology_errors_format(&errs,
		    PQgetvalue(res, 0, 0), report, sizeof(report)));
	return (m);
}

struct methodology *
methodology_store_load_in_force(PGconn *conn, int64_t at)
{
	static const char sql[] =
	    "SELECT version, definition::text FROM methodology_versions "
	    "WHERE status = 'published' AND effective_at <= $1::timestamptz "
	    "ORDER BY effective_at DESC, version DESC LIMIT 1";
	char when[21], what[64];
	const char *params[1];
	struct methodology *m;
	PGresult *res;

	params[0] = timefmt_format(at, when);
	if ((res = db_query(conn, sql, 1, params)) == NULL)
		return (NULL);
	snprintf(what, sizeof(what), "published methodology in force at %s", when);
	m = methodology_store_parse_row(res, what);
	PQclear(res);
	return (m);
}

int
methodology_store_first_effective(PGconn *conn, int64_t *at)
{
	PGresult *res;
	int rc;

	if ((res = db_query(conn, "SELECT extract(epoch FROM min(effective_at))::bigint"
	    " FROM methodology_versions WHERE status = 'published'", 0, NULL)) == NULL)
		return (-1);
	rc = !PQgetisnull(res, 0, 0);
	if (rc)
		*at = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return (rc);
}

struct methodology *
methodology_store_load(PGconn *conn, const char *version)
{
	static const char sql[] =
	    "SELECT version, definition::text FROM methodology_versions WHERE version = $1";
	const char *params[1];
	struct methodology *m;
	char what[80];
	PGresult *res;

	params[0] = version;
	if ((res = db_query(conn, sql, 1, params)) == NULL)
		return (NULL);
	snprintf(what, sizeof(what), "methodology version '%.40s'", version);
	m = methodology_store_parse_row(res, what);
	PQclear(res);
	return (m);
}
