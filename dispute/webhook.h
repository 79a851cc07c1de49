#ifndef FAIRRATE_WEBHOOK_H
#define FAIRRATE_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

/*
 * Webhooks, the pure part: which URLs are accepted, how bodies are signed and
 * checked, and when a failed delivery is tried again. No I/O. docs/disputes.md
 * ("Webhooks") documents the headers for receivers.
 *
 * Signature header:  X-Fairrate-Signature: t=<unix seconds>,v1=<hex>
 * where hex = lowercase HMAC-SHA256(secret, "<t>." + body), secret being the 64 hex
 * characters shown once when the webhook was set (used as text, not decoded).
 */

#define WEBHOOK_URL_MAX 2000
#define WEBHOOK_SECRET_LEN 64
#define WEBHOOK_SIGNATURE_MAX 96
#define WEBHOOK_MAX_ATTEMPTS 12
#define WEBHOOK_SIGNATURE_HEADER "X-Fairrate-Signature"

/* webhook_url_valid: whether url is an absolute https:// URL of at most
 * WEBHOOK_URL_MAX bytes with a host, no user information, and no blank or control
 * characters. (Which address the host has is judged at delivery time.) */
int webhook_url_valid(const char *url);

/* webhook_url_literal: whether url's host (webhook_url_valid) is an IP address written
 * out rather than a name, in any form a resolver takes for one: dotted IPv4 and its
 * short, decimal, octal and hexadecimal forms as inet_aton reads them ("127.1",
 * "2130706433", "0177.0.0.1", "0x7f000001", "0"), or IPv6 in brackets. Then *out
 * holds it (port 0) and 1 is returned; 0 for a name. Pure. */
struct sockaddr_storage;
int webhook_url_literal(const char *url, struct sockaddr_storage *out);

/* webhook_sign: the signature header value for len bytes of body at time t under
 * secret, into out (WEBHOOK_SIGNATURE_MAX bytes). 0, or -1 when HMAC fails. */
int webhook_sign(const char *secret, int64_t t, const void *body, size_t len,
    char out[WEBHOOK_SIGNATURE_MAX]);

/* webhook_verify: whether header is a valid signature of body under secret, made
 * within tolerance seconds of now (either side). Compares in constant time. 1 or 0. */
int webhook_verify(const char *secret, const char *header, const void *body, size_t len,
    int64_t now, int64_t tolerance);

/* webhook_backoff: seconds to wait after the attempts-th failed attempt (1, 2, ...):
 * base, 2 x base, 4 x base, ..., at most 6 hours; base <= 0 counts as 30. */
int64_t webhook_backoff(int attempts, int64_t base);

/* webhook_delivered: whether an HTTP status means the receiver took the delivery
 * (2xx). Everything else is tried again, up to WEBHOOK_MAX_ATTEMPTS attempts. */
int webhook_delivered(long status);

#endif
