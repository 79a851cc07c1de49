#ifndef FAIRRATE_DEMO_STORE_H
#define FAIRRATE_DEMO_STORE_H

#include <libpq-fe.h>

#include "demo/demo_world.h"

/*
 * Writes the demo world (demo/demo_world.h) to PostgreSQL: companies, assets,
 * evidence and incidents with COPY, the demo's customers and subscriptions in the
 * commercial schema, all in one transaction.
 */

struct demo_store_summary {
	int skipped;                    /* --if-empty found companies: nothing written */
	long companies, private_companies, sparse_companies;
	long assets, evidence, findings, incidents, disclosed_incidents;
	long customers, subscriptions;
};

/* demo_store_load: generate the world of p and write it to conn in one transaction,
 * holding locks that keep other writers of these tables out until it commits. With
 * if_empty, a database that already has companies is left alone (summary->skipped = 1,
 * result 0). Company and asset ids are taken from their sequences as one block each,
 * so ids follow generation order. Fills *summary. Returns 0, or -1 after logging the
 * reason (the transaction is rolled back; an existing company with a demo slug is
 * reported as such). */
int demo_store_load(PGconn *conn, const struct demo_world_params *p, int if_empty,
    struct demo_store_summary *summary);

#endif
