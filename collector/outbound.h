#ifndef FAIRRATE_OUTBOUND_H
#define FAIRRATE_OUTBOUND_H

#include <stdatomic.h>
#include <stddef.h>

#include <curl/curl.h>

#include "collector/address_policy.h"
#include "collector/http_scan.h"
#include "common/buf.h"

/*
 * Guarded outbound HTTPS for requests whose URL comes from outside: the claim fetch
 * (collector/claim_fetch) and webhook deliveries (dispute/webhook_worker). HTTPS only,
 * also on redirects; certificates and host names verified; a few redirects at most;
 * connect and total timeouts; the response body capped. Every connection's address is
 * checked after DNS resolution and on every redirect (libcurl's open-socket callback)
 * with the collector's rule (address_policy_allowed): private, loopback and
 * link-local addresses are refused unless the operator allows their network.
 *
 * Operator settings, read by outbound_config_from_env:
 *   FAIRRATE_OUTBOUND_ALLOW       networks allowed although not public ("127.0.0.0/8")
 *   FAIRRATE_OUTBOUND_CA_FILE     trusted CAs (PEM) instead of the system's
 *   FAIRRATE_OUTBOUND_CONNECT_TO  libcurl CONNECT_TO entries, comma-separated
 *                                 ("acme.example:443:127.0.0.1:8443"), for tests
 *   FAIRRATE_OUTBOUND_TIMEOUT_MS  the whole request's time limit (10000)
 */

#define OUTBOUND_MAX_NETS 16
#define OUTBOUND_MAX_REDIRECTS 3

struct outbound_config {
	struct address_policy_net nets[OUTBOUND_MAX_NETS];
	size_t nnets;
	char ca_file[512];                    /* "" for the system's */
	char connect_to[512];                 /* "" for none */
	long connect_timeout_ms;
	long timeout_ms;
	const atomic_int *cancel;             /* NULL, or: a request stops (within about a
	                                         second) once *cancel is not 0 */
};

enum outbound_result {
	OUTBOUND_OK = 0,                      /* a response came (any status) */
	OUTBOUND_REFUSED_ADDRESS,             /* the address is not public and not allowed */
	OUTBOUND_TLS,                         /* certificate or handshake failure */
	OUTBOUND_TOO_LARGE,                   /* the body passed the cap */
	OUTBOUND_TIMEOUT,
	OUTBOUND_TOO_MANY_REDIRECTS,
	OUTBOUND_BAD_URL,                     /* not https://, or a redirect to another scheme */
	OUTBOUND_NETWORK,                     /* DNS, refused connection, reset, ... */
	OUTBOUND_ERROR,                       /* memory or libcurl misuse, logged */
	OUTBOUND_CANCELLED                    /* cfg->cancel was set */
};

/* outbound_config_defaults: no allowed network, the system's CAs, 5 s to connect,
 * 10 s in all, no cancel flag. */
void outbound_config_defaults(struct outbound_config *c);

/* outbound_config_from_env: the defaults, then the FAIRRATE_OUTBOUND_* settings.
 * 0, or -1 after logging a bad setting. */
int outbound_config_from_env(struct outbound_config *c);

/* One request and what came back. */
struct outbound_response {
	long status;                          /* HTTP status of the last response; 0: none */
	char content_type[128];               /* its Content-Type as sent ("" when none;
	                                         cut to fit) */
	struct buf body;                      /* capped by outbound_request's body_cap */
	char refused_address[64];             /* OUTBOUND_REFUSED_ADDRESS: which */
	char error[CURL_ERROR_SIZE];          /* libcurl's words, for the log */
};

/* outbound_request: GET url (post_body NULL) or POST post_body (post_len bytes, with
 * the extra header lines in headers, may be NULL) under cfg, reading at most body_cap
 * bytes of the response into out->body. follow: whether to follow up to
 * OUTBOUND_MAX_REDIRECTS HTTPS redirects. Fills *out (release it with
 * outbound_response_free, also after a failure) and returns what happened. */
enum outbound_result outbound_request(const struct outbound_config *cfg, const char *url,
    const char *post_body, size_t post_len, struct curl_slist *headers, int follow,
    size_t body_cap, struct outbound_response *out);

/* outbound_response_free: release r's body; r may then be reused. */
void outbound_response_free(struct outbound_response *r);

/* outbound_result_name: "ok", "address_refused", "tls_failed", "too_large",
 * "timeout", "too_many_redirects", "bad_url", "network", "error", "cancelled". */
const char *outbound_result_name(enum outbound_result r);

#endif
