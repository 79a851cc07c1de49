#ifndef FAIRRATE_SCAN_FIXTURE_H
#define FAIRRATE_SCAN_FIXTURE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Local servers for the collector's tests, on 127.0.0.1 only:
 * - a test CA and certificates made with the openssl command;
 * - nginx (Debian's nginx-light) serving HTTPS and HTTP for several host names with
 *   different certificates, headers, cookies, redirects and a large response (and
 *   the sites of tests/support/web_fixture.h);
 * - a "slow" TCP server that accepts connections and never answers;
 * - a UDP DNS responder answering TXT queries from a table;
 * - the TLS servers of tests/support/tls_fixture.h.
 * The hosts are reached through libcurl CONNECT_TO entries (scan_fixture_connect_to).
 */

struct scan_fixture {
	char dir[64];                         /* its temporary folder */
	char ca_file[96];
	int https_port, http_port, slow_port, closed_port;
	int legacy_port, modern_port;         /* tests/support/tls_fixture.h */
	pid_t nginx_pid, slow_pid;
	const char *connect_to[64];           /* NULL-ended */
	char connect_buf[64][96];
};

/* scan_fixture_start: make the certificates, start nginx and the slow server.
 * Aborts the test on failure. */
void scan_fixture_start(struct scan_fixture *f);

/* scan_fixture_stop: stop the servers and remove the folder. */
void scan_fixture_stop(struct scan_fixture *f);

/* The host names scan_fixture_start serves. */
extern const char *const scan_fixture_hosts[];

/* One name's TXT records for the DNS responder. */
struct dns_fixture_name {
	const char *name;
	const char *txt[4];                   /* NULL-ended */
	int servfail;                         /* answer SERVFAIL instead */
	int mx;                               /* MX records (mx.NAME); -1: one null MX */
	const char *caa[4];                   /* "FLAGS TAG VALUE", NULL-ended */
	int secure;                           /* answers carry the AD bit */
	int a;                                /* an A record (192.0.2.1) */
	const char *cname;                    /* a CNAME record, or NULL */
	int wildcard;                         /* also answers for every name below */
};

/* dns_fixture_start: answer TXT, MX, CAA, A, CNAME, AAAA and SOA (no data) queries
 * for names[0..n) (others: NXDOMAIN) on a UDP
 * port of 127.0.0.1, from a child process. Returns the port; *pid gets the child.
 * Aborts the test on failure. */
int dns_fixture_start(const struct dns_fixture_name *names, size_t n, pid_t *pid);

/* dns_fixture_stop: stop the responder. */
void dns_fixture_stop(pid_t pid);

#endif
