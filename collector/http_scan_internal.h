#ifndef FAIRRATE_HTTP_SCAN_INTERNAL_H
#define FAIRRATE_HTTP_SCAN_INTERNAL_H

/*
 * What collector/http_scan.c (the scanner, its worker threads, the TLS enumerations)
 * and collector/http_xfer.c (the libcurl transfers of one domain) share. Not for
 * other modules: they use collector/http_scan.h.
 */

#include <pthread.h>

#include <curl/curl.h>
#include <openssl/x509.h>

#include "collector/address_policy.h"
#include "collector/http_scan.h"
#include "collector/tls_cert.h"
#include "collector/tls_probe.h"
#include "common/buf.h"

#define SCAN_MAX_NETS 32
#define SCAN_MAX_CHAIN 8
#define SCAN_URL 1100
#define SCAN_MAX_WORKERS 4

/*
 * The transfers are driven by worker threads, each with its own multi handle and its
 * share of the connection limit (the shares add up to opt.concurrency), so that the
 * TLS handshakes and certificate checks of many domains use every core instead of
 * queueing behind one thread. A domain stays on one worker from start to finish; the
 * caller's thread only hands domains out and reports the finished ones.
 */
struct scan_worker {
	struct http_scan *scan;
	CURLM *multi;
	pthread_t thread;
	int started;
	struct scan_host *inbox, *inbox_tail; /* added, not yet started (under mu) */
	size_t load;                          /* given and not finished (under mu) */
	struct scan_xfer *xfers;              /* its transfers in flight (its thread) */
	struct scan_host *probing;            /* its TLS enumerations (its thread) */
	struct curl_waitfd *waitfds;          /* their descriptors, for curl_multi_poll */
	size_t nwaitfds;
};

struct http_scan {
	struct http_scan_options opt;
	struct address_policy_net nets[SCAN_MAX_NETS];
	size_t nnets;
	struct curl_slist *connect_to, *resolve;
	struct curl_slist *probe_origin;      /* the Origin sent over HTTPS (CORS check) */
	struct tls_cert_store *certs;         /* shared by the workers (X509_STORE locks) */
	size_t active;                        /* the caller's thread only */
	int64_t now;
	struct scan_worker workers[SCAN_MAX_WORKERS];
	int nworkers, sync_ready, curl_ready;
	pthread_mutex_t mu;
	pthread_cond_t cv;                    /* a domain finished, or a worker failed */
	struct scan_host *done, *done_tail;   /* finished, not yet reported (under mu) */
	int stopping, failed;                 /* under mu */
};

struct scan_host {
	struct http_scan *scan;
	struct scan_worker *w;
	void *tag;
	char host[254];
	struct http_observation obs;
	struct buf final_headers;             /* the last HTTPS response's headers */
	struct buf final_body;                /* and its HTML body's first max_body bytes */
	int body_read;
	char final_host[254];
	char location[SCAN_URL];
	int pending;                          /* transfers and enumeration in flight */
	struct tls_probe *probe;              /* the TLS enumeration, while it runs */
	struct scan_host *probe_next;
	struct scan_host *next;
};

struct scan_xfer {
	struct scan_host *h;
	int https;
	int hop;                              /* 0 for the first HTTPS request */
	CURL *easy;
	struct buf headers;                   /* the current response's header block */
	int headers_done;
	struct buf html;                      /* an HTML body's first max_body bytes */
	int html_checked, html_kept;
	long body;
	int oversized, headers_over, refused;
	char refused_address[64];
	char version[16];                     /* the TLS version negotiated */
	X509 *leaf;                           /* the server's certificate and what it sent
	                                         along, taken during the handshake */
	STACK_OF(X509) *chain;
	char hop_host[254];
	char url[SCAN_URL];
	char errbuf[CURL_ERROR_SIZE];
	struct scan_xfer *prev, *next;
};

/* xfer_start: start a request of url for h (worker thread); 0 or -1 (logged). */
int xfer_start(struct scan_host *h, const char *url, const char *hop_host, int https,
    int hop);

/* xfer_free: stop x and release it; NULL is a no-op. */
void xfer_free(struct scan_xfer *x);

/* xfer_https_done, xfer_http_done: a transfer is over with rc: record what it saw,
 * follow an HTTPS redirect, start the TLS enumeration after the first HTTPS hop. */
void xfer_https_done(struct scan_xfer *x, CURLcode rc);
void xfer_http_done(struct scan_xfer *x, CURLcode rc);

#endif
