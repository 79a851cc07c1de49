#ifndef FAIRRATE_COOKIES_H
#define FAIRRATE_COOKIES_H

#include <stddef.h>

/*
 * One Set-Cookie header value read as RFC 6265 (and its draft successor, for
 * SameSite and the __Secure- / __Host- prefixes) reads it: the name before the first
 * '=', then ';'-separated attributes whose names are case-insensitive. Pure.
 */

#define COOKIES_NAME_MAX 63                   /* bytes of a name kept (quoted) */

enum cookie_samesite {
	COOKIE_SAMESITE_UNSET = 0,
	COOKIE_SAMESITE_INVALID,              /* SameSite with no or an unknown value */
	COOKIE_SAMESITE_LAX,
	COOKIE_SAMESITE_STRICT,
	COOKIE_SAMESITE_NONE
};

struct cookie_facts {
	char name[COOKIES_NAME_MAX + 4];      /* an excerpt (scan_results_excerpt) */
	int secure, httponly;
	int persistent;                       /* Expires or Max-Age given */
	int has_domain;
	int path_root;                        /* Path=/ */
	enum cookie_samesite samesite;
	char samesite_raw[16 + 4];            /* its value as given (an excerpt), "" unset */
	int session_name;                     /* the name looks like a session or login
	                                         identifier (sess, sid, auth, token, login,
	                                         jwt) */
	int prefix;                           /* 0 none, 1 __Secure-, 2 __Host- */
};

/* cookie_parse: the facts of the Set-Cookie value at v (len bytes). */
void cookie_parse(const char *v, size_t len, struct cookie_facts *f);

/* cookie_is_session: whether a browser would keep the cookie only for the session or
 * its name marks a session identifier; such cookies are judged stricter. */
int cookie_is_session(const struct cookie_facts *f);

/* cookie_samesite_ok: SameSite is Lax, Strict, or None with Secure (browsers refuse
 * None without Secure). */
int cookie_samesite_ok(const struct cookie_facts *f);

/* cookie_prefix_ok: a __Secure- cookie has Secure; a __Host- cookie has Secure,
 * Path=/ and no Domain (browsers refuse it otherwise). 1 for unprefixed cookies. */
int cookie_prefix_ok(const struct cookie_facts *f);

/* cookie_samesite_name: "unset", "invalid", "lax", "strict" or "none". */
const char *cookie_samesite_name(enum cookie_samesite s);

#endif
