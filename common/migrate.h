#ifndef FAIRRATE_MIGRATE_H
#define FAIRRATE_MIGRATE_H

#include <stdio.h>

#include <libpq-fe.h>

/*
 * Schema migrations: files migrations/NNNN_name.sql, applied in order, each once, each
 * in its own transaction, recorded in schema_migrations with the SHA-256 of the file.
 * An applied file that has changed since is an error naming the file.
 */

/* migrate_apply: apply every pending migration in dir to conn, printing one line per
 * file applied to out (NULL: quiet). Holds an advisory lock so that two processes
 * migrating at once apply each file once. Returns the number applied, or -1 after
 * logging what is wrong (a changed or missing applied file, a bad file name, SQL that
 * fails: that file's transaction is rolled back and later files are not tried). */
int migrate_apply(PGconn *conn, const char *dir, FILE *out);

/* migrate_status: print every migration with "applied <time>" or "pending" to out.
 * Returns the number pending, or -1 on the same errors as migrate_apply. */
int migrate_status(PGconn *conn, const char *dir, FILE *out);

#endif
