#ifndef FAIRRATE_HTTP_SCAN_H
#define FAIRRATE_HTTP_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "collector/http_checks.h"

/*
 * The web half of a domain's scan, on libcurl's multi interface: https://HOST/ (its
 * redirects followed by hand, each hop's certificate verified by collector/tls_cert)
 * and http://HOST/ (to see whether it redirects to HTTPS), many domains at once.
 * Every connection's address is checked before the socket is opened (libcurl's
 * open-socket callback), so private, loopback and link-local addresses are refused
 * after DNS resolution and on every redirect, unless an allowed network covers them.
 * Bodies are counted and dropped past a cap; headers are capped too.
 */

struct http_scan_options {
	int concurrency;                      /* transfers at once; 0: 64 */
	long connect_timeout_ms;              /* 0: 5000 */
	long timeout_ms;                      /* per transfer; 0: 15000 */
	int max_redirects;                    /* HTTPS hops after the first; -1: none,
	                                         0: 3 */
	long max_body;                        /* bytes of a body read; 0: 256 KiB */
	long max_headers;                     /* bytes of one response's headers; 0: 32 KiB */
	const char *ca_file;                  /* trusted CAs (PEM); NULL: the system's */
	const char *allow;                    /* networks allowed although not public:
	                                         "127.0.0.0/8,::1/128"; NULL: none */
	const char *const *connect_to;        /* libcurl CONNECT_TO entries, NULL-ended */
	const char *const *resolve;           /* libcurl RESOLVE entries, NULL-ended */
	int64_t now;                          /* the time certificates are judged at; 0:
	                                         timefmt_now() */
	int no_tls_enum;                      /* skip the TLS enumeration (versions and
	                                         suites, collector/tls_probe) */
	long tls_enum_timeout_ms;             /* per enumeration connection; 0: 4000 */
};

struct http_scan;

/* http_scan_done_fn: one domain is done; o (valid during the call) says what was
 * seen. tag is what http_scan_add was given. */
typedef void http_scan_done_fn(void *arg, void *tag, const struct http_observation *o);

/* http_scan_new: a scanner with opt (copied; its strings must outlive the scanner).
 * NULL after logging (bad allow list, CA file, memory). */
struct http_scan *http_scan_new(const struct http_scan_options *opt);

/* http_scan_add: start scanning host (a domain name, lowercase). 0, or -1 after
 * logging (host too long, memory). */
int http_scan_add(struct http_scan *s, const char *host, void *tag);

/* http_scan_active: domains being scanned (added and not yet reported done). */
size_t http_scan_active(const struct http_scan *s);

/* http_scan_run: drive the transfers for at most timeout_ms (returning sooner when a
 * domain is done) and call done for each domain finished. Returns how many were
 * reported, or -1 after logging a libcurl failure. */
int http_scan_run(struct http_scan *s, int timeout_ms, http_scan_done_fn *done,
    void *arg);

/* http_scan_free: stop every transfer and release s; NULL is a no-op. */
void http_scan_free(struct http_scan *s);

#endif
