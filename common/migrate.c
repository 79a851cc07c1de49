#include "common/migrate.h"

#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/db.h"
#include "common/log.h"
#include "common/sha256.h"

#define MIGRATE_FILE_LIMIT (8u << 20)
#define MIGRATE_LOCK_KEY "727272001"

struct migration {
	char name[128];
	char sha256[65];
	char *sql;
};

struct migration_set {
	struct migration *items;
	size_t n;
};

static void
migration_set_free(struct migration_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		free(set->items[i].sql);
	free(set->items);
	set->items = NULL;
	set->n = 0;
}

static int
migration_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct migration *)a)->name, ((const struct migration *)b)->name));
}

static int
migrate_read_file(const char *dir, struct migration *m)
{
	char path[1024];
	char chunk[8192];
	struct buf b;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, m->name);
	if ((f = fopen(path, "rb")) == NULL) {
		log_error("%s: %s", path, strerror(errno));
		return (-1);
	}
	buf_init(&b, MIGRATE_FILE_LIMIT);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_append(&b, chunk, n) != 0) {
			log_error("%s: larger than %u bytes", path, MIGRATE_FILE_LIMIT);
			goto err;
		}
	}
	if (ferror(f)) {
		log_error("%s: read error", path);
		goto err;
	}
	fclose(f);
	if (b.data == NULL && buf_append(&b, "", 0) != 0)
		goto err_nofile;
	if (sha256_hex(b.data, b.len, m->sha256) != 0)
		goto err_nofile;
	m->sql = b.data;
	return (0);

err:
	fclose(f);
err_nofile:
	buf_free(&b);
	return (-1);
}

/* Read every NNNN_name.sql in dir, sorted by name. */
static int
migrate_load(const char *dir, struct migration_set *set)
{
	regex_t re;
	DIR *d;
	struct dirent *de;
	struct migration *grown;
	size_t len, cap = 0, i;

	set->items = NULL;
	set->n = 0;
	if (regcomp(&re, "^[0-9]{4}_[a-z0-9_]+\\.sql$", REG_EXTENDED | REG_NOSUB) != 0)
		return (-1);
	if ((d = opendir(dir)) == NULL) {
		log_error("%s: %s", dir, strerror(errno));
		regfree(&re);
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 4 || strcmp(de->d_name + len - 4, ".sql") != 0)
			continue;
		if (regexec(&re, de->d_name, 0, NULL, 0) != 0 || len >= sizeof(set->items->name)) {
			log_error("%s/%s: a migration's name must be NNNN_name.sql "
			    "(lowercase letters, digits, underscores)", dir, de->d_name);
			goto err;
		}
		if (set->n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((grown = realloc(set->items, cap * sizeof(*grown))) == NULL)
				goto err;
			set->items = grown;
		}
		memset(&set->items[set->n], 0, sizeof(set->items[set->n]));
		memcpy(set->items[set->n].name, de->d_name, len + 1);
		set->n++;
	}
	closedir(d);
	d = NULL;
	regfree(&re);
	qsort(set->items, set->n, sizeof(*set->items), migration_cmp);
	for (i = 0; i < set->n; i++) {
		if (i > 0 && strncmp(set->items[i].name, set->items[i - 1].name, 4) == 0) {
			log_error("%s: %s and %s share the number %.4s", dir,
			    set->items[i - 1].name, set->items[i].name, set->items[i].name);
			goto err_set;
		}
		if (migrate_read_file(dir, &set->items[i]) != 0)
			goto err_set;
	}
	return (0);

err:
	closedir(d);
	regfree(&re);
err_set:
	migration_set_free(set);
	return (-1);
}

static int
migrate_prepare_table(PGconn *conn)
{
	return (db_exec(conn,
	    "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    " name text PRIMARY KEY,"
	    " sha256 text NOT NULL,"
	    " applied_at timestamptz NOT NULL DEFAULT now())", 0, NULL));
}

/* Check the applied migrations against the files; return the applied rows. */
static PGresult *
migrate_check_applied(PGconn *conn, const char *dir, const struct migration_set *set)
{
	PGresult *res;
	int i;
	size_t j;

	res = db_query(conn, "SELECT name, sha256, to_char(applied_at AT TIME ZONE 'UTC',"
	    " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM schema_migrations ORDER BY name", 0, NULL);
	if (res == NULL)
		return (NULL);
	for (i = 0; i < PQntuples(res); i++) {
		const char *name = PQgetvalue(res, i, 0);
		const char *sum = PQgetvalue(res, i, 1);

		for (j = 0; j < set->n; j++)
			if (strcmp(set->items[j].name, name) == 0)
				break;
		if (j == set->n) {
			log_error("%s/%s: applied to this database but missing from the folder",
			    dir, name);
			goto err;
		}
		if (strcmp(set->items[j].sha256, sum) != 0) {
			log_error("%s/%s: changed since it was applied (sha256 was %.12s..., is now "
			    "%.12s...); add a new migration instead of editing an applied one",
			    dir, name, sum, set->items[j].sha256);
			goto err;
		}
	}
	return (res);

err:
	PQclear(res);
	return (NULL);
}

static int
migrate_is_applied(const PGresult *applied, const char *name, int *row)
{
	int i;

	for (i = 0; i < PQntuples(applied); i++) {
		if (strcmp(PQgetvalue(applied, i, 0), name) == 0) {
			if (row)
				*row = i;
			return (1);
		}
	}
	return (0);
}

static int
migrate_apply_one(PGconn *conn, const char *dir, const struct migration *m)
{
	const char *params[2] = {m->name, m->sha256};
	PGresult *res;

	if (db_begin(conn) != 0)
		return (-1);
	res = PQexec(conn, m->sql);
	if (res == NULL || (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK)) {
		log_error("%s/%s: %s", dir, m->name,
		    res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
		PQclear(res);
		db_rollback(conn);
		return (-1);
	}
	PQclear(res);
	if (db_exec(conn, "INSERT INTO schema_migrations (name, sha256) VALUES ($1, $2)",
	    2, params) != 0 || db_commit(conn) != 0) {
		db_rollback(conn);
		return (-1);
	}
	return (0);
}

static int
migrate_lock(PGconn *conn, int lock)
{
	return (db_exec(conn, lock ? "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")" :
	    "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")", 0, NULL));
}

int
migrate_apply(PGconn *conn, const char *dir, FILE *out)
{
	struct migration_set set;
	PGresult *applied = NULL;
	int napplied = 0;
	size_t i;

	if (migrate_load(dir, &set) != 0)
		return (-1);
	if (migrate_lock(conn, 1) != 0)
		goto err0;
	if (migrate_prepare_table(conn) != 0)
		goto err1;
	if ((applied = migrate_check_applied(conn, dir, &set)) == NULL)
		goto err1;
	for (i = 0; i < set.n; i++) {
		if (migrate_is_applied(applied, set.items[i].name, NULL))
			continue;
		if (migrate_apply_one(conn, dir, &set.items[i]) != 0)
			goto err1;
		if (out)
			fprintf(out, "applied %s\n", set.items[i].name);
		napplied++;
	}
	PQclear(applied);
	migrate_lock(conn, 0);
	migration_set_free(&set);
	return (napplied);

err1:
	PQclear(applied);
	migrate_lock(conn, 0);
err0:
	migration_set_free(&set);
	return (-1);
}

int
migrate_status(PGconn *conn, const char *dir, FILE *out)
{
	struct migration_set set;
	PGresult *applied;
	int pending = 0, row;
	size_t i;

	if (migrate_load(dir, &set) != 0)
		return (-1);
	if (migrate_prepare_table(conn) != 0 ||
	    (applied = migrate_check_applied(conn, dir, &set)) == NULL) {
		migration_set_free(&set);
		return (-1);
	}
	for (i = 0; i < set.n; i++) {
		if (migrate_is_applied(applied, set.items[i].name, &row)) {
			fprintf(out, "applied  %s  %s\n", PQgetvalue(applied, row, 2),
			    set.items[i].name);
		} else {
			fprintf(out, "pending  %-20s  %s\n", "", set.items[i].name);
			pending++;
		}
	}
	PQclear(applied);
	migration_set_free(&set);
	return (pending);
}
