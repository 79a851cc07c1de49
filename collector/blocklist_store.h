#ifndef FAIRRATE_BLOCKLIST_STORE_H
#define FAIRRATE_BLOCKLIST_STORE_H

#include <stdint.h>
#include <stdio.h>

#include <libpq-fe.h>

#include "collector/import_store.h"

/*
 * fairrate feed blocklist: a published IP blocklist (collector/blocklist.h) attributed
 * by address: every listed network that overlaps an attributed IP range of a company
 * becomes a failing compromised_systems.<category> item of that range (observation
 * key: the listed network), through the importer's staging, all or nothing, with
 * corrections sticking. Every company with an attributed IP range is recorded as
 * covered by "feed:<source>" (it was looked for and found or not found).
 */

enum blocklist_category { BLOCKLIST_BOTNET = 0, BLOCKLIST_MALWARE, BLOCKLIST_SPAM };

struct blocklist_options {
	const char *path;                 /* the file, or "-" for standard input */
	const char *label;                /* how errors name it (NULL: path) */
	const char *source;               /* the list's name (evidence source, coverage) */
	enum blocklist_category category;
	int64_t observed_at;              /* when the list was fetched (Unix seconds) */
	FILE *errors;                     /* FILE:LINE: reason lines */
};

struct blocklist_counts {
	long listed;                      /* networks read */
	long matched;                     /* (network, range) pairs attributed */
	long companies_covered;
	struct import_counts evidence;
};

/* blocklist_category_parse: "botnet", "malware", "spam"; 0 or -1. */
int blocklist_category_parse(const char *s, enum blocklist_category *out);

/* blocklist_run: read, attribute and import. 0 imported, 1 rejected (bad lines
 * reported; nothing written), -1 on a failure (logged; nothing written). */
int blocklist_run(PGconn *conn, const struct blocklist_options *opt,
    struct blocklist_counts *counts);

#endif
