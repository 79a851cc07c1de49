#ifndef FAIRRATE_WEB_POLICY_H
#define FAIRRATE_WEB_POLICY_H

#include <stddef.h>

/*
 * Judgements of single response header values and URLs the web checks need: HSTS
 * (RFC 6797), Referrer-Policy (W3C Referrer Policy), CORS (Fetch) and the host of a
 * redirect. Pure.
 */

/* The Origin the scanner sends with its HTTPS requests, so that a server reflecting
 * any Origin into Access-Control-Allow-Origin shows it. */
#define WEB_POLICY_PROBE_ORIGIN "https://fairrate-origin-probe.invalid"

struct web_hsts {
	int valid;                            /* max-age present, no directive repeated,
	                                         every directive well-formed */
	long max_age;                         /* -1 when not valid */
	int include_subdomains, preload;
};

/* web_policy_hsts: read a Strict-Transport-Security value. Directive names are
 * case-insensitive, values may be quoted; a header a browser would ignore (no
 * max-age, a directive twice, a bad max-age) is not valid. */
void web_policy_hsts(const char *value, struct web_hsts *h);

enum web_referrer {
	WEB_REFERRER_INVALID = 0,             /* no token a browser knows: ignored */
	WEB_REFERRER_PRIVATE,                 /* no-referrer, same-origin, strict-origin,
	                                         strict-origin-when-cross-origin */
	WEB_REFERRER_UNSAFE                   /* unsafe-url, no-referrer-when-downgrade,
	                                         origin, origin-when-cross-origin: the
	                                         origin or the full URL leaks to other
	                                         sites or over plain HTTP */
};

/* web_policy_referrer: the policy a browser applies from a Referrer-Policy value (a
 * comma-separated list: the last token it knows wins); *token (may be NULL) gets it
 * ("" when there is none). */
enum web_referrer web_policy_referrer(const char *value, const char **token);

enum web_cors {
	WEB_CORS_NONE = 0,                    /* no Access-Control-Allow-Origin */
	WEB_CORS_PUBLIC,                      /* "*" without credentials: anyone reads,
	                                         never with the visitor's cookies */
	WEB_CORS_RESTRICTED,                  /* named origins */
	WEB_CORS_ANY_WITH_CREDENTIALS         /* credentials allowed for any origin: the
	                                         probe Origin reflected, "*" or "null" */
};

/* web_policy_cors: judge Access-Control-Allow-Origin acao and -Credentials acac
 * (either may be NULL) of a response to a request carrying origin_sent. */
enum web_cors web_policy_cors(const char *acao, const char *acac, const char *origin_sent);

/* web_policy_url_host: the host of an absolute ("scheme://host...") or scheme-relative
 * ("//host...") URL at url (len bytes), lowercased, without userinfo, port or a
 * trailing dot, into out (n bytes). 0, or -1 when url has no host or it does not fit. */
int web_policy_url_host(const char *url, size_t len, char *out, size_t n);

/* web_policy_redirect_target: where a redirect from http://host/ to location goes:
 * 1 an https:// URL on host itself, 0 an https:// URL on another host (HSTS of host is
 * then never set by the redirect), -1 not an https:// URL. */
int web_policy_redirect_target(const char *location, const char *host);

#endif
