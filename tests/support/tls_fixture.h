#ifndef FAIRRATE_TLS_FIXTURE_H
#define FAIRRATE_TLS_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/*
 * TLS servers for the enumeration's tests (tests/support/scan_fixture.h starts them):
 * - on their own nginx ports: legacy.test (TLS 1.0 to 1.2, NULL, anonymous, CBC-SHA1
 *   and static-RSA suites, an RSA key) and modern.test (TLS 1.2 and 1.3, ECDHE with
 *   AEAD suites only);
 * - on the main HTTPS port: expired-unknown.test (an expired certificate from a CA
 *   the scanner does not trust), cn-only.test (a name in the subject's CN and no
 *   subjectAltName), and the MTA-STS policy hosts mta-sts.mx.test (mode enforce) and
 *   mta-sts.testing.test (mode testing);
 * - a hand-made server that answers a ClientHello with a ServerHello for the suites
 *   and versions it is told, for what Debian's OpenSSL can no longer serve (RC4,
 *   3DES, export suites).
 */

/* Shell lines run after scan_fixture's (its leaf() and $EC are defined). */
extern const char tls_fixture_certs_sh[];

/* tls_fixture_servers: the nginx server blocks, into c. */
void tls_fixture_servers(FILE *c, const char *dir, int https_port, int legacy_port,
    int modern_port);

/* tls_fixture_hello_start: a child answering on a port of 127.0.0.1: to a ClientHello
 * whose version is in versions (wire values, 0-ended) and that offers one of
 * suites[0..n), a ServerHello with the first of suites offered; to any other, a
 * handshake_failure alert. Returns the port; *pid gets the child. */
int tls_fixture_hello_start(const unsigned *versions, const uint16_t *suites, size_t n,
    pid_t *pid);

#endif
