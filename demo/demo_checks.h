#ifndef FAIRRATE_DEMO_CHECKS_H
#define FAIRRATE_DEMO_CHECKS_H

#include <stddef.h>
#include <stdint.h>

#include "demo/demo_rng.h"
#include "demo/demo_world.h"

/*
 * The outside-in observations of the demo world (part of demo_world, docs/demo-world.md):
 * HTTPS and certificates, web headers, mail authentication, open ports and software
 * versions of one company's hosts. Pure: rows go to the sink of the context.
 */

/* One company being generated. */
struct demo_checks_ctx {
	const struct demo_sink *sink;
	struct demo_rng rng;            /* the company's own stream */
	int64_t as_of;
	size_t company;                 /* demo_company.index */
	double fail_scale;              /* multiplies every base failure chance */
	int failed;                     /* set when the sink stopped us or a field
	                                   overflowed; every later call does nothing */
};

/* One of the company's assets. */
struct demo_checks_host {
	size_t index;                   /* demo_asset.index */
	int is_ip;                      /* an IP range ("a.b.c.d/28"), else a domain */
	int is_apex;                    /* a registered domain (mail checks apply) */
	char value[96];
	int64_t attributed_at;
};

/* demo_checks_codes: every check code of methodology 2026.1 the demo world uses (a
 * static array); *n receives its length. */
const char *const *demo_checks_codes(size_t *n);

/* demo_checks_host: every observation of host h: for a domain, mail authentication
 * when it is apex, then (when it runs a website) TLS, headers and its web software,
 * and with scan_ports its open ports (and, without a website, its services'
 * software); for an IP range, open ports and software.
 * 0, or -1 with x->failed set. */
int demo_checks_host(struct demo_checks_ctx *x, const struct demo_checks_host *h,
    int scan_ports);

/* demo_checks_sparse: one to three observations of h only (a company the rater must
 * find short of data). 0 or -1 as demo_checks_host. */
int demo_checks_sparse(struct demo_checks_ctx *x, const struct demo_checks_host *h);

/* demo_checks_evidence_init: a blank row of check_code (a static string) about asset
 * (-1: a company-level fact) from source, outcome "pass", details "{}". */
void demo_checks_evidence_init(struct demo_checks_ctx *x, struct demo_evidence *e,
    int64_t asset, const char *check_code, const char *source);

/* demo_checks_times_current: set e's first_seen to first (at most a day before as_of)
 * and last_seen to within the last week, never before first_seen. */
void demo_checks_times_current(struct demo_checks_ctx *x, struct demo_evidence *e,
    int64_t first);

/* demo_checks_emit: hand e to the sink; 0, or -1 with x->failed set. */
int demo_checks_emit(struct demo_checks_ctx *x, const struct demo_evidence *e);

/* demo_checks_fmt: snprintf into out (size n); output that does not fit sets
 * x->failed rather than passing silently. */
void demo_checks_fmt(struct demo_checks_ctx *x, char *out, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
