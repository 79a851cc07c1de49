#ifndef FAIRRATE_FEEDS_H
#define FAIRRATE_FEEDS_H

#include <stdint.h>
#include <stdio.h>

#include <libpq-fe.h>

#include "collector/import_rows.h"
#include "collector/import_store.h"

/*
 * Feed importers: breach disclosures, compromised-host events and open-port
 * observations, in CSV (a header row names the columns) or JSON Lines (one object per
 * line), each row with its provenance (source, observed time). Rows are validated
 * here (pure), then written through the importer's staging and upsert
 * (collector/import_store): all or nothing, bad rows reported as FILE:LINE: reason,
 * re-observation updates last_seen, corrections stick. docs/collector.md has the
 * formats.
 *
 *   breaches          -> incidents (kind breach, ransomware or data_exposure); a
 *                        disclosed one also becomes incidents.* evidence
 *   compromised_hosts -> compromised_systems.{botnet_infection,malware_host,spam_source}
 *   open_ports        -> exposed_services.{open_port_risky,insecure_protocol,
 *                        open_port_admin,open_port_other}, by port
 */

enum feeds_kind { FEEDS_BREACHES = 0, FEEDS_COMPROMISED_HOSTS, FEEDS_OPEN_PORTS };

#define FEEDS_MAX_COLUMNS 12

/* feeds_kind_parse: "breaches", "compromised_hosts" or "open_ports" (or with '-')
 * into *kind; 0 or -1. */
int feeds_kind_parse(const char *name, enum feeds_kind *kind);

/* feeds_column: the index of column name of kind, or -1. */
int feeds_column(enum feeds_kind kind, const char *name);

/* feeds_port_check: the check code for an open port (risky databases and remote
 * desktop, unencrypted protocols, administration interfaces, anything else). */
const char *feeds_port_check(int port);

/* One row's values by column (NULL: absent or empty). */
struct feeds_fields {
	const char *value[FEEDS_MAX_COLUMNS];
};

/* feeds_row_breach: validate a breaches row into an incident. default_source (may
 * be NULL) is used when the row names none; times after now + IMPORT_FUTURE_SKEW are
 * refused. 0, or -1 with "column: problem" in err. */
int feeds_row_breach(const struct feeds_fields *f, const char *default_source,
    int64_t now, struct import_incident *out, char *err, size_t errlen);

/* feeds_row_evidence: validate a compromised_hosts or open_ports row into evidence
 * (details written into details, size dlen, which out->details points to). 0, or
 * -1 with the reason in err. */
int feeds_row_evidence(enum feeds_kind kind, const struct feeds_fields *f,
    const char *default_source, int64_t now, struct import_evidence *out,
    char *details, size_t dlen, char *err, size_t errlen);

struct feeds_options {
	enum feeds_kind kind;
	int jsonl;                            /* JSON Lines, else CSV */
	const char *source;                   /* default source, or NULL */
	int64_t now;
	FILE *errors;                         /* bad rows: "FILE:LINE: reason" */
	const char *label;                    /* the file's name in messages */
};

/* feeds_run: import path ("-": standard input) into conn. 0 imported (counts
 * filled), 1 rejected (bad rows listed; nothing written), -1 a failure that is not
 * the file's (logged; nothing written). */
int feeds_run(PGconn *conn, const char *path, const struct feeds_options *opt,
    struct import_counts *counts);

#endif
