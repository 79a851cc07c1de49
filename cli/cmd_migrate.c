#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "common/db.h"
#include "common/log.h"
#include "common/migrate.h"
#include "common/paths.h"
#include "rater/methodology_store.h"

static void
migrate_usage(FILE *out)
{
	fprintf(out, "usage: fairrate migrate [--status] [--dir DIR]\n\n"
	    "Applies the pending migrations in order, each once and in its own transaction,\n"
	    "then loads the methodology versions shipped in methodology/.\n\n"
	    "  --status   list applied and pending migrations; change nothing\n"
	    "  --dir DIR  the migrations folder (default: migrations/ beside the program)\n"
	    "  --help     this text\n\n"
	    "The database is $DATABASE_URL, or the private cluster under ./var/pg.\n");
}

int
cmd_migrate(int argc, char **argv)
{
	static const struct option opts[] = {
		{"status", no_argument, NULL, 's'},
		{"dir", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char dir[1024];
	int status_only = 0, c, rc;
	PGconn *conn;

	if (paths_join(dir, sizeof(dir), "migrations") != 0)
		return (1);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			status_only = 1;
			break;
		case 'd':
			if (snprintf(dir, sizeof(dir), "%s", optarg) >= (int)sizeof(dir)) {
				log_error("migrate: --dir: longer than %zu bytes", sizeof(dir) - 1);
				return (2);
			}
			break;
		case 'h':
			migrate_usage(stdout);
			return (0);
		default:
			migrate_usage(stderr);
			return (2);
		}
	}
	if (optind != argc) {
		migrate_usage(stderr);
		return (2);
	}
	if ((conn = db_connect(NULL)) == NULL)
		return (1);
	if (status_only) {
		rc = migrate_status(conn, dir, stdout);
		PQfinish(conn);
		return (rc < 0 ? 1 : 0);
	}
	rc = migrate_apply(conn, dir, stdout);
	if (rc >= 0)
		printf("%d migration%s applied\n", rc, rc == 1 ? "" : "s");
	if (rc >= 0 && (paths_join(dir, sizeof(dir), "methodology") != 0 ||
	    methodology_store_seed_report(conn, dir, stdout) != 0))
		rc = -1;
	PQfinish(conn);
	return (rc < 0 ? 1 : 0);
}
