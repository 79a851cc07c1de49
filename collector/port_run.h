#ifndef FAIRRATE_PORT_RUN_H
#define FAIRRATE_PORT_RUN_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "collector/port_optout.h"
#include "collector/port_scan.h"
#include "collector/port_services.h"
#include "collector/scan_results.h"

/*
 * One run of the port scan over the attributed assets of some companies: resolve
 * their domains (A and AAAA) and expand their IP ranges, drop opted-out names and
 * addresses, scan each address once (collector/port_scan), judge the open ports
 * (collector/port_services) and write exposed_services.* evidence through
 * collector/scan_results: a failure per open port; a pass where a port that an earlier
 * finding names is now closed (or open as another class); coverage "ports" for every
 * company whose addresses were all scanned. docs/collector.md.
 */

struct port_run_options {
	struct port_scan_options scan;
	const struct port_spec *ports;
	size_t nports;
	const char *const *companies;         /* slugs; ncompanies 0: every company */
	size_t ncompanies;
	const struct port_optout *optout;     /* may be NULL */
	const char *const *resolve;           /* "NAME:ADDR" entries used instead of DNS
	                                         for NAME, NULL-ended; may be NULL */
	size_t max_range;                     /* addresses of an IP range asset scanned
	                                         at most; a larger range is skipped;
	                                         0: 256 */
	int64_t now;                          /* observed_at of the evidence */
	void (*progress)(void *arg, uint64_t done, uint64_t total);
	void *progress_arg;
};

struct port_run_summary {
	long companies;                       /* with an asset */
	long covered;                         /* every address scanned on every port */
	long addresses;                       /* distinct addresses scanned */
	long opted_out;                       /* names and addresses left out */
	long unresolved;                      /* domains whose lookup failed */
	long ranges_too_large;
	long findings, passes;                /* results written */
	double resolve_seconds, scan_seconds, write_seconds;
	struct port_scan_stats scan;
	struct scan_results_counts evidence;
};

/* port_run: scan and write as above on conn (no transaction open). sum is filled.
 * 0, or -1 after logging a failure (database, memory, the scan engine). */
int port_run(PGconn *conn, const struct port_run_options *o, struct port_run_summary *sum);

#endif
