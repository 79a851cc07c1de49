#ifndef FAIRRATE_TLS_SERVER_H
#define FAIRRATE_TLS_SERVER_H

#include <stddef.h>

/*
 * A local HTTPS server for tests of outbound requests (claims, webhooks), on
 * 127.0.0.1 and a free port, with a test CA and a server certificate made by the
 * openssl command in a fresh temporary folder. It serves the claim verification file,
 * answers redirects, and records every POST (body and the webhook headers).
 * Failures abort the test.
 */

#define TLS_SERVER_MAX_POSTS 64

struct tls_server;

struct tls_server_post {
	char path[128];
	char *body;
	size_t len;
	char signature[128];
	char idempotency_key[64];
	char event[64];
	char attempt[16];
};

/* tls_server_start: make a CA and a certificate for the DNS names (comma-separated,
 * "acme.example,hooks.example") and IP 127.0.0.1, and serve. */
struct tls_server *tls_server_start(const char *names);

/* tls_server_port: the port it listens on. tls_server_ca: the CA file (PEM). */
unsigned tls_server_port(const struct tls_server *s);
const char *tls_server_ca(const struct tls_server *s);

/* tls_server_set_file: the body of GET /.well-known/fairrate-verification.txt
 * (NULL: 404). */
void tls_server_set_file(struct tls_server *s, const char *content);

/* tls_server_set_redirect: GET of the verification file answers 302 to location
 * instead (NULL: no redirect); GET /loop answers 302 to /loop. */
void tls_server_set_redirect(struct tls_server *s, const char *location);

/* tls_server_fail_posts: the next n POSTs are answered 500; later ones 204. */
void tls_server_fail_posts(struct tls_server *s, int n);

/* tls_server_posts: how many POSTs came; tls_server_post: copy of the i-th (body
 * malloc'd: free it). */
size_t tls_server_posts(struct tls_server *s);
void tls_server_post(struct tls_server *s, size_t i, struct tls_server_post *out);

/* tls_server_wait_posts: wait up to timeout_ms until at least n POSTs came; the
 * count then. */
size_t tls_server_wait_posts(struct tls_server *s, size_t n, int timeout_ms);

/* tls_server_stop: stop and free s, removing its files. */
void tls_server_stop(struct tls_server *s);

#endif
