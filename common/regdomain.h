#ifndef FAIRRATE_REGDOMAIN_H
#define FAIRRATE_REGDOMAIN_H

#include <stddef.h>

/*
 * Registered (organisational) domains, by the Public Suffix List that libpsl reads
 * (Debian's publicsuffix package, or libpsl's built-in copy when that is newer): the
 * public suffix plus one label, as RFC 7489 section 3.2 defines the organisational
 * domain. "portal.acme.co.jp" -> "acme.co.jp"; "co.jp" has none.
 *
 * The list is loaded once per process, on first use; every function is safe to call
 * from several threads.
 */

#define REGDOMAIN_MAX 254                 /* a domain name's text, with its NUL */

/* regdomain_of: the registered domain of host (ASCII or UTF-8, any case, a trailing
 * dot allowed) into out (cap bytes), lower-cased. 0; -1 when host is empty, too long,
 * not a name, or is itself a public suffix (it then has no registered domain). */
int regdomain_of(const char *host, char *out, size_t cap);

/* regdomain_is_registered: 1 when host is its own registered domain ("acme.co.jp"),
 * 0 when it is a subdomain of one or has none. */
int regdomain_is_registered(const char *host);

#endif
