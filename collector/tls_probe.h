#ifndef FAIRRATE_TLS_PROBE_H
#define FAIRRATE_TLS_PROBE_H

#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>

#include "collector/tls_hello.h"

/*
 * The TLS enumeration of one server: one short connection per question, each sending
 * a ClientHello (collector/tls_hello) and reading only the server's first answer:
 *   - one per protocol version (SSLv3, TLS 1.0, 1.1, 1.2, 1.3), pinned to it: the
 *     version is accepted when the ServerHello names it;
 *   - one per class of weak suites (NULL, anonymous, export/DES, RC4, 3DES, CBC with
 *     SHA-1, no forward secrecy), offering only that class's suites: the class is
 *     accepted when the server picks one of them.
 * Class probes are asked only when the server accepted a version below TLS 1.3, since
 * every classed suite predates it: otherwise they are refused (every such version was
 * refused) or unknown (some went unanswered: a server that does not answer a version
 * probe is not asked again). An answer that is an alert, a closed
 * connection or another version is a refusal; no connection or no answer within the
 * timeout leaves the question unknown.
 *
 * Non-blocking: the caller polls the descriptors tls_probe_fds gives (with at most
 * tls_probe_wait_ms) and calls tls_probe_step, so that many servers are enumerated
 * from one thread next to other work. The caller has checked the address against the
 * address policy.
 */

struct tls_probe_options {
	long timeout_ms;                      /* per connection, connect to answer; 0: 4000 */
	int parallel;                         /* connections at once to the server; 0: 6 */
};

struct tls_probe;

/* tls_probe_new: enumerate the server at addr (len bytes) with the server name sni
 * (may be NULL). NULL when memory is short. */
struct tls_probe *tls_probe_new(const struct sockaddr *addr, socklen_t len, const char *sni,
    const struct tls_probe_options *opt);

/* tls_probe_fds: the descriptors to wait on, with their events, into fds (at most
 * cap; the probe never has more than opt.parallel). Returns how many. */
size_t tls_probe_fds(const struct tls_probe *p, struct pollfd *fds, size_t cap);

/* tls_probe_wait_ms: how long the caller may wait before calling tls_probe_step
 * (0: call it now). */
long tls_probe_wait_ms(const struct tls_probe *p);

/* tls_probe_step: advance every connection that is ready or late and start the next
 * ones. 1 when the enumeration is over, 0 when not. */
int tls_probe_step(struct tls_probe *p);

/* tls_probe_result: what was learnt (complete once tls_probe_step returned 1). */
const struct tls_enum_result *tls_probe_result(const struct tls_probe *p);

/* tls_probe_free: close what is open and release p; NULL is a no-op. */
void tls_probe_free(struct tls_probe *p);

/* tls_probe_run: enumerate one server to the end, blocking. 0, or -1 when memory is
 * short. */
int tls_probe_run(const struct sockaddr *addr, socklen_t len, const char *sni,
    const struct tls_probe_options *opt, struct tls_enum_result *out);

#endif
