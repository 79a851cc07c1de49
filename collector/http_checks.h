#ifndef FAIRRATE_HTTP_CHECKS_H
#define FAIRRATE_HTTP_CHECKS_H

#include <stddef.h>
#include <stdint.h>

#include "collector/scan_results.h"
#include "collector/tls_hello.h"

/*
 * The web checks of a domain, from what the scanner saw: the TLS facts of the HTTPS
 * connection, the final HTTPS response's headers and the plain HTTP response. Pure:
 * no I/O; the caller passes the time. The check codes are those of methodology
 * 2026.1 (tls.*, web_headers.*); docs/collector.md lists what each looks at.
 * Header values are judged whole (the scanner caps the header block: past its cap the
 * fetch is an error, HTTP_REACH_ERROR); details quote them through
 * scan_results_excerpt, so that every result fits.
 */

/* How a fetch ended. */
enum http_reach {
	HTTP_REACH_NONE = 0,                  /* not tried */
	HTTP_REACH_OK,                        /* a response arrived (headers complete) */
	HTTP_REACH_UNAVAILABLE,               /* no such host, refused, reset, TLS failed:
	                                         the service is not offered */
	HTTP_REACH_UNTRUSTED,                 /* TLS verification failed: response ignored */
	HTTP_REACH_TIMEOUT,                   /* too slow: nothing can be concluded */
	HTTP_REACH_REFUSED_ADDRESS,           /* an address the policy refuses */
	HTTP_REACH_ERROR                      /* anything else (too large headers, ...) */
};

#define HTTP_CHECKS_DAYS_EXPIRING 14
#define HTTP_CHECKS_HSTS_MIN_AGE (180L * 86400)
#define HTTP_CHECKS_MIN_RSA_BITS 2048
#define HTTP_CHECKS_MIN_EC_BITS 256

/* The leaf certificate and connection of the first HTTPS handshake. */
struct http_tls_facts {
	int seen;                             /* a certificate was received */
	char version[16];                     /* "TLSv1.3", "TLSv1", ... */
	int verify_error;                     /* OpenSSL X509_V_ERR_*: the chain's first
	                                         fault other than the leaf's validity
	                                         dates; 0 when it is trusted */
	int verify_depth;                     /* where in the chain (0: the leaf) */
	char verify_message[128];
	int64_t not_before, not_after;        /* Unix seconds */
	int hostname_match;                   /* 1 when the name is covered */
	int self_signed;                      /* issued by its own subject */
	char key_type[16];                    /* "RSA", "EC", "ED25519", "DSA", ... */
	int key_bits;
	char signature[64];                   /* "sha256WithRSAEncryption" */
	char issuer[160];
	char fingerprint[65];                 /* SHA-256 of the DER, hex */
	struct tls_enum_result enumeration;   /* versions and suites accepted (probed 0
	                                         when it did not run) */
};

struct http_observation {
	const char *host;
	int64_t now;
	/* https://HOST/ (redirects followed within the cap) */
	enum http_reach https;
	char https_error[160];
	long https_status;
	const char *https_headers;            /* the final response's header block: lines
	                                         "Name: value", CRLF or LF; may be NULL */
	const char *https_host;               /* the final response's host (after
	                                         redirects); NULL: host */
	int https_body_read;                  /* the final response's body was kept: */
	const char *https_body;               /* its first https_body_len bytes (at most
	                                         the scanner's body cap), or NULL */
	size_t https_body_len;
	struct http_tls_facts tls;
	int redirects;                        /* HTTPS redirects followed */
	char refused_address[64];             /* an address the policy refused ("" none),
	                                         on the first hop or on a redirect */
	/* http://HOST/ (no redirect followed) */
	enum http_reach http;
	long http_status;
	const char *http_location;            /* its Location header, or NULL */
};

/* http_checks_run: append the results of the web checks of o to out (checks that
 * cannot be observed, such as the headers of a site without HTTPS, are left out).
 * 0, or -1 when out is full or memory is short (what fitted is kept; out->truncated
 * says whether a result was refused). */
int http_checks_run(const struct http_observation *o, struct scan_results *out);

/* http_checks_header_span: the idx-th header called name (case-insensitive) in
 * block: its whole value without surrounding blanks at *value (*len bytes, not
 * NUL-terminated, pointing into block). 0, or -1 when there is no such header. */
int http_checks_header_span(const char *block, const char *name, int idx,
    const char **value, size_t *len);

/* http_checks_header: the value of the idx-th header called name, as
 * http_checks_header_span, copied into out (size n). Returns out, or NULL when there is
 * no such header or its value does not fit in n (values are never cut). */
char *http_checks_header(const char *block, const char *name, int idx, char *out,
    size_t n);

/* http_checks_version_disclosed: whether a Server or X-Powered-By value names a
 * version ("nginx/1.18.0", "PHP/7.4", "Apache 2.4"), not just a product. */
int http_checks_version_disclosed(const char *value);

/* http_checks_hsts_max_age: the max-age of a Strict-Transport-Security value, or -1
 * when a browser would ignore the header (collector/web_policy: no max-age, a bad
 * one, a directive given twice). */
long http_checks_hsts_max_age(const char *value);

/* http_checks_csp_unsafe: whether a Content-Security-Policy header value lets scripts
 * run inline or through eval (collector/csp: script-src, else default-src, names
 * 'unsafe-inline' without a nonce or hash, data:, or 'unsafe-eval'; or neither is
 * there; with several policies, when every one of them lets it). */
int http_checks_csp_unsafe(const char *policy);

/* http_checks_csp_directive: whether the single policy has directive name
 * (lowercase; directive names are case-insensitive). */
int http_checks_csp_directive(const char *policy, const char *name);

#endif
