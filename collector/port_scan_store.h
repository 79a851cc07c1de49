#ifndef FAIRRATE_PORT_SCAN_STORE_H
#define FAIRRATE_PORT_SCAN_STORE_H

#include <stddef.h>

#include <libpq-fe.h>

#include "collector/port_services.h"

/*
 * What the port scan reads from PostgreSQL: the attributed assets it may scan, and the
 * open-port findings it wrote before (so that a port seen closed turns its finding
 * into a pass). Evidence is written through collector/scan_results.
 */

struct port_asset {
	char company[64];                     /* slug */
	int ip_range;                         /* value is a CIDR, else a domain */
	char value[254];
};

/* port_scan_store_assets: the attributed (not detached) domain and IP range assets of
 * every company, or of the companies slugs[0..n) when n > 0, ordered by company and
 * value. *out (free it) gets *nout entries. 0, or -1 after logging. */
int port_scan_store_assets(PGconn *conn, const char *const *slugs, size_t n,
    struct port_asset **out, size_t *nout);

/* An earlier finding of the scanner: an exposed_services check failed on an asset,
 * observed at key ("ADDR:PORT"). */
struct port_finding_ref {
	char company[64];
	char asset[254];                      /* its value (a CIDR for a range) */
	char code[64];
	char key[PORT_KEY_MAX];
};

/* port_scan_store_findings: the scanner's failing exposed_services evidence that is
 * active (not corrected or expired), of the same companies as port_scan_store_assets.
 * 0, or -1 after logging. */
int port_scan_store_findings(PGconn *conn, const char *const *slugs, size_t n,
    struct port_finding_ref **out, size_t *nout);

#endif
