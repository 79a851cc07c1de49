#ifndef FAIRRATE_PORT_SCAN_H
#define FAIRRATE_PORT_SCAN_H

#include <signal.h>
#include <stddef.h>

#include <sys/socket.h>

#include "collector/address_policy.h"
#include "collector/port_services.h"

/*
 * A TCP connect scan on epoll: no raw sockets, no privileges. Each (address, port) is
 * one non-blocking connect(); a refusal (RST) means closed, no answer within the
 * connect timeout means filtered, a connection means open. On an open port the
 * service's banner is read when it speaks first (and for ports the catalogue does not
 * know), and at most one harmless probe line from the catalogue is sent (FTP's
 * "AUTH TLS", Redis's "PING"); then the connection is closed.
 *
 * Limits: connections in flight (whole run and per address), connects per second per
 * address, and a budget of connects per run. Addresses the address policy refuses
 * (not public and not in the allowed networks) are never contacted.
 */

struct port_scan_options {
	int concurrency;                      /* connections in flight; 0: 256 */
	int per_address;                      /* in flight to one address; 0: 4 */
	int per_address_rate;                 /* connects per second to one address;
	                                         0: 20 */
	long budget;                          /* connects in the whole run; 0: 1000000 */
	long connect_timeout_ms;              /* 0: 3000 */
	long banner_timeout_ms;               /* wait for a banner or reply; 0: 2000 */
	int no_banners;                       /* connect only: read and send nothing */
	const struct address_policy_net *allow; /* networks allowed although not public */
	size_t nallow;
	const volatile sig_atomic_t *stop;    /* NULL, or: no new connect once *stop */
};

/* One address to scan (each address once). */
struct port_scan_target {
	struct sockaddr_storage addr;
	socklen_t len;
};

enum port_state {
	PORT_OPEN = 0,
	PORT_CLOSED,                          /* refused: nothing listens */
	PORT_FILTERED,                        /* no answer, unreachable: no conclusion */
	PORT_REFUSED,                         /* the address policy refused the address */
	PORT_SKIPPED,                         /* not tried: the budget ran out or a stop */
	PORT_ERROR                            /* a local failure (descriptors, memory) */
};

#define PORT_BANNER_MAX 256

/* What became of one (address, port). banner and reply are valid during the call. */
struct port_scan_report {
	size_t target;                        /* index into the targets */
	const struct port_spec *spec;
	enum port_state state;
	const char *banner;
	size_t banner_len;
	const char *reply;                    /* the answer to the probe */
	size_t reply_len;
};

typedef void port_scan_report_fn(void *arg, const struct port_scan_report *r);

struct port_scan_stats {
	long connects;                        /* connect() calls made */
	long open, closed, filtered, refused, skipped, errors;
};

/* port_scan_run: scan every port of ports[0..np) on every targets[0..nt), calling
 * report once per pair (in no particular order). stats (zeroed first) may be NULL.
 * 0, or -1 after logging a failure that stopped the scan (epoll, memory); pairs not
 * reported by then are not reported. */
int port_scan_run(const struct port_scan_options *opt, const struct port_scan_target *targets,
    size_t nt, const struct port_spec *ports, size_t np, port_scan_report_fn *report,
    void *arg, struct port_scan_stats *stats);

/* port_scan_state_name: "open", "closed", "filtered", "refused", "skipped", "error". */
const char *port_scan_state_name(enum port_state s);

#endif
