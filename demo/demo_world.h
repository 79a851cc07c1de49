#ifndef FAIRRATE_DEMO_WORLD_H
#define FAIRRATE_DEMO_WORLD_H

#include <stddef.h>
#include <stdint.h>

/*
 * The deterministic synthetic world behind `fairrate demo` (docs/demo-world.md). Pure:
 * no I/O, no clock, no global state. The same parameters always give the same rows in
 * the same order; each company draws from its own random stream, seeded from the world
 * seed and its index, so company i does not depend on how many companies follow it.
 *
 * Rows are handed to a sink one at a time: for each company, the company, then its
 * assets, then its evidence and incidents (an incident's evidence row right after the
 * incident). Customers (commercial data) follow the last company. Every string is a NUL-terminated array inside the struct or a
 * static literal; a sink copies what it keeps, since the structs are reused.
 */

#define DEMO_WORLD_MAX_COMPANIES 100000

struct demo_world_params {
	uint64_t seed;
	size_t ncompanies;             /* 1 .. DEMO_WORLD_MAX_COMPANIES */
	int64_t as_of;                 /* Unix seconds; every time lies at or before it */
};

struct demo_company {
	size_t index;                  /* 0-based, in generation order */
	char slug[64];
	char name[96];
	const char *sector;            /* "finance", ... */
	const char *size_band;         /* "micro" .. "enterprise" */
	char country[3];
	const char *visibility;        /* "public" or "private" */
	double posture;                /* hidden, 0..1 (1: best); never stored */
	int sparse;                    /* given 1-3 evidence items on purpose */
	int64_t created_at;
};

struct demo_asset {
	size_t index;                  /* 0-based across the world, in generation order */
	size_t company;                /* demo_company.index */
	const char *kind;              /* "domain" or "ip_range" */
	char value[96];
	int64_t attributed_at;
};

struct demo_evidence {
	size_t company;
	int64_t asset;                 /* demo_asset.index, or -1 for company-level facts */
	const char *check_code;
	const char *outcome;           /* "pass", "fail", "info" */
	char observation_key[64];
	char details[512];             /* a JSON object */
	const char *source;
	int64_t first_seen;
	int64_t last_seen;
};

struct demo_incident {
	size_t company;
	int64_t occurred_at;
	int64_t disclosed_at;          /* 0: not disclosed */
	const char *kind;              /* incidents.kind */
	const char *severity;
	const char *source;
	char external_ref[64];
	char summary[160];
};

struct demo_customer {
	size_t index;
	char name[96];
	const char *plan;              /* "free", "standard", "premium", "enterprise" */
	int annual_value_eur;
	int64_t company;               /* demo_company.index of the subscriber, or -1 */
	int64_t started_at;
};

/* A callback returns 0 to go on, or -1 to stop the generation (its result is then -1).
 * A NULL callback skips that kind of row; ctx is passed to each. */
struct demo_sink {
	void *ctx;
	int (*company)(void *ctx, const struct demo_company *c);
	int (*asset)(void *ctx, const struct demo_asset *a);
	int (*evidence)(void *ctx, const struct demo_evidence *e);
	int (*incident)(void *ctx, const struct demo_incident *i);
	int (*customer)(void *ctx, const struct demo_customer *c);
};

/* demo_world_generate: generate the world of p into sink. Returns 0; -1 when a
 * callback stopped it, when memory is short, or when p is out of range (ncompanies,
 * as_of before 1980). Nothing is logged: this is pure logic. */
int demo_world_generate(const struct demo_world_params *p, const struct demo_sink *sink);

/* demo_world_check_codes: the check codes of methodology 2026.1 the world uses, as a
 * static array; *n receives its length. */
const char *const *demo_world_check_codes(size_t *n);

/* demo_world_domain_is_synthetic: 1 when a domain ends in ".example" or ".test" (the
 * only names the demo uses), else 0. */
int demo_world_domain_is_synthetic(const char *domain);

/* demo_world_range_is_documentation: 1 when an IPv4 "a.b.c.d/len" lies inside
 * 192.0.2.0/24, 198.51.100.0/24 or 203.0.113.0/24 (RFC 5737), else 0. */
int demo_world_range_is_documentation(const char *range);

#endif
