#ifndef FAIRRATE_CSP_H
#define FAIRRATE_CSP_H

#include <stddef.h>

/*
 * Content-Security-Policy as a browser enforces it, judged for what it lets through.
 * Parsing follows CSP Level 3 ("parse a serialized CSP"): a header value is a list of
 * policies separated by ','; a policy's directives are separated by ';'; a directive's
 * name (ALPHA, DIGIT, '-') is case-insensitive and only its first occurrence counts
 * (later ones are ignored, and counted as duplicates); sources are separated by ASCII
 * whitespace and keywords are case-insensitive. Every policy a response carries is
 * enforced, so something is let through only when every policy lets it through: the
 * flags below are the AND of each policy's (frame-ancestors restricts when any policy
 * restricts). Pure: no I/O, no allocation.
 */

enum csp_frame_ancestors {
	CSP_FA_ABSENT = 0,                    /* no policy has frame-ancestors */
	CSP_FA_BROAD,                         /* present, but lets any site frame (*, https:) */
	CSP_FA_RESTRICTED                     /* a policy restricts framing */
};

struct csp_verdict {
	int policies;                         /* policies read */
	int duplicates;                       /* directives ignored as repeated */
	/* What every policy lets through (1) or not (0). Scripts are judged on
	 * script-src, else default-src; a policy restricting neither restricts nothing. */
	int script_inline;                    /* inline scripts run: 'unsafe-inline' (or
	                                         data:) without a nonce or hash, or no
	                                         script restriction at all */
	int script_eval;                      /* eval runs: 'unsafe-eval' or no restriction */
	int script_broad;                     /* scripts from anywhere: *, a scheme such as
	                                         https: or http:, a host "*", or no
	                                         restriction ('strict-dynamic' with a nonce
	                                         or hash makes host and scheme sources
	                                         ignored) */
	int default_broad;                    /* > 0: default-src names * or a bare scheme
	                                         (policies without default-src do not
	                                         narrow it; -1 when none has one) */
	int insecure_scheme;                  /* some policy's active directive names http:
	                                         or ftp: sources (img-src and media-src are
	                                         passive): what is written, not ANDed */
	int object_open;                      /* plugins are not off: object-src (else
	                                         default-src) is not exactly 'none' */
	enum csp_frame_ancestors frame_ancestors;
	int strict_dynamic;                   /* some policy uses 'strict-dynamic' with a
	                                         nonce or hash */
	int upgrade_insecure;                 /* some policy has upgrade-insecure-requests */
};

/* csp_verdict_init: a verdict with no policy read yet. */
void csp_verdict_init(struct csp_verdict *v);

/* csp_verdict_add: read one Content-Security-Policy header value (len bytes at value,
 * which may hold several comma-separated policies) into v. Empty policies are
 * skipped. */
void csp_verdict_add(struct csp_verdict *v, const char *value, size_t len);

/* csp_verdict_add_meta: read the policy of a <meta http-equiv=Content-Security-Policy>
 * content (len bytes at value: one policy) into v; frame-ancestors, report-uri and
 * sandbox are ignored there, as browsers ignore them. */
void csp_verdict_add_meta(struct csp_verdict *v, const char *value, size_t len);

/* csp_directive_sources: the sources of the first directive called name (lowercase)
 * in the single policy at policy (len bytes, no ','): *src and *n (pointing into
 * policy). 0, or -1 when the policy has no such directive. */
int csp_directive_sources(const char *policy, size_t len, const char *name,
    const char **src, size_t *n);

#endif
