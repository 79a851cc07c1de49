/* fairrate tick: what comes due with time, run by cron every minute
 * (docs/operations.md). First, every verified certificate whose valid_until has come
 * stops counting: its disclosure expires and the company is rescored
 * (docs/disclosure.md). Then the scheduled methodology switch: when a published version's effective time has passed and its
 * switch is not recorded yet, every company is rescored under it (old ratings stay,
 * new rows say methodology_change) and the switch is recorded. Otherwise it does
 * nothing. Safe to run concurrently: rescoring takes its lock, the record is unique. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "common/db.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "disclosure/disclosure_store.h"
#include "rater/governance_store.h"
#include "rater/rescore.h"

int
cmd_tick(int argc, char **argv)
{
	struct rescore_options ro;
	struct rescore_summary sum;
	char version[32], iso[21];
	int64_t now = timefmt_now();
	PGconn *conn;
	long expired = 0;
	int due, rc = 1;

	if (argc > 1) {
		FILE *out = strcmp(argv[1], "--help") == 0 ? stdout : stderr;

		fprintf(out, "usage: fairrate tick\n\nExpires the disclosures of certificates "
		    "past their valid_until date,\nrescoring their companies; then switches to a "
		    "published methodology\nversion once its effective time has passed, "
		    "rescoring every company\nunder it, once. Run it from cron every minute.\n");
		return (out == stdout ? 0 : 2);
	}
	if ((conn = db_connect(NULL)) == NULL)
		return (1);
	if (disclosure_store_expire_due(conn, now, &expired) != 0)
		goto done;
	if (expired > 0)
		printf("tick: %ld disclosures expired at %s\n", expired,
		    timefmt_format(now, iso));
	if ((due = governance_store_switch_due(conn, now, version)) <= 0) {
		if (due == 0) {
			printf("tick: nothing to switch at %s\n", timefmt_format(now, iso));
			rc = 0;
		}
		goto done;
	}
	memset(&ro, 0, sizeof(ro));
	ro.as_of = now;
	if (rescore_run(NULL, &ro, &sum) != 0)
		goto done;
	if (strcmp(sum.methodology_version, version) != 0) {
		log_error("tick: rescored under %s, expected %s; will retry",
		    sum.methodology_version, version);
		goto done;
	}
	if (governance_store_switch_record(conn, version, now, sum.companies,
	    sum.new_rows) != 0)
		goto done;
	printf("tick: switched to methodology %s at %s: %" PRId64 " companies rescored, "
	    "%" PRId64 " new ratings rows\n", version, timefmt_format(now, iso),
	    sum.companies, sum.new_rows);
	rc = 0;
done:
	PQfinish(conn);
	return (rc);
}
