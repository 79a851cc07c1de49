#ifndef FAIRRATE_TLS_CERT_H
#define FAIRRATE_TLS_CERT_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "collector/http_checks.h"

/*
 * Certificate verification and facts, on OpenSSL's libcrypto: the scanner receives a
 * server's chain (PEM, from libcurl's certificate info) and verifies it here against
 * a CA bundle loaded once, at the scan's time, so that an expired, self-signed,
 * untrusted or mismatched certificate is both refused and described.
 */

struct tls_cert_store;

/* tls_cert_store_new: trust the certificates of ca_file (PEM), or the system's
 * default locations when ca_file is NULL. NULL after logging. */
struct tls_cert_store *tls_cert_store_new(const char *ca_file);

/* tls_cert_store_free: release s; NULL is a no-op. */
void tls_cert_store_free(struct tls_cert_store *s);

/* tls_cert_check: parse the n PEM certificates pems[] (the leaf first, then what the
 * server sent along), verify the chain at time now and the name host, and fill
 * facts (facts->version is left as it is). Returns 1 when the chain verified and
 * the name matched, 0 when not (facts say why), -1 when the leaf does not parse. */
int tls_cert_check(struct tls_cert_store *s, const char *const *pems, size_t n,
    const char *host, int64_t now, struct http_tls_facts *facts);

/* tls_cert_check_x509: the same for a leaf and what the server sent along (chain,
 * may be NULL; it may hold the leaf too), as the TLS handshake delivered them. */
int tls_cert_check_x509(struct tls_cert_store *s, X509 *leaf, STACK_OF(X509) *chain,
    const char *host, int64_t now, struct http_tls_facts *facts);

#endif
