/*
 * The demo world generator: deterministic, within its documented ranges, using every
 * check of methodology 2026.1, never naming a real domain or address, and with a
 * posture that really drives findings and incidents (what the back-test relies on).
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo/demo_world.h"
#include "common/sha256.h"
#include "rater/methodology.h"
#include "tests/support/shipped.h"

#define AS_OF 1795737600        /* 2026-11-27T00:00:00Z */
#define DAY 86400
#define MAXCO 1000

struct per_company {
	double posture;
	int sparse;
	int private;
	char band[16];
	int assets, domains, ranges;
	int observations, findings;     /* evidence rows; of which fail */
	unsigned factors;               /* bit per penalty factor with evidence */
	int incidents;
};

struct world {
	struct sha256 *hash;
	size_t ncompanies;
	struct per_company co[MAXCO];
	long assets, evidence, incidents, customers, linked_customers;
	long private_companies, aged_out_findings, older_than_a_year;
	long info_rows, pass_rows;
	int code_used[64];
	long worst_linked;              /* company index of customer 0 */
	char **keys;                    /* evidence natural keys, when collected */
	size_t nkeys, keys_cap;
	int bad;                        /* a row broke a rule; message below */
	char why[256];
};

/* Remember the first broken rule: why, about what. */
static void
world_fail(struct world *w, const char *why, const char *what)
{
	if (!w->bad)
		snprintf(w->why, sizeof(w->why), "%s: %.200s", why, what);
	w->bad = 1;
}

static void
hash_text(struct world *w, const char *s)
{
	sha256_update(w->hash, s, strlen(s) + 1);
}

static void
hash_int(struct world *w, int64_t v)
{
	char s[32];

	snprintf(s, sizeof(s), "%lld", (long long)v);
	hash_text(w, s);
}

static int
on_company(void *ctx, const struct demo_company *c)
{
	struct world *w = ctx;

	hash_text(w, "company");
	hash_int(w, (int64_t)c->index);
	hash_text(w, c->slug);
	hash_text(w, c->name);
	hash_text(w, c->sector);
	hash_text(w, c->size_band);
	hash_text(w, c->country);
	hash_text(w, c->visibility);
	hash_int(w, c->created_at);
	if (c->index >= MAXCO)
		return (-1);
	w->ncompanies = c->index + 1;
	w->co[c->index].posture = c->posture;
	w->co[c->index].sparse = c->sparse;
	snprintf(w->co[c->index].band, sizeof(w->co[c->index].band), "%s", c->size_band);
	w->co[c->index].private = strcmp(c->visibility, "private") == 0;
	w->private_companies += w->co[c->index].private;
	if (c->created_at > AS_OF)
		world_fail(w, "company created after as_of", c->slug);
	return (0);
}

static int
on_asset(void *ctx, const struct demo_asset *a)
{
	struct world *w = ctx;
	int is_domain = strcmp(a->kind, "domain") == 0;

	hash_text(w, "asset");
	hash_int(w, (int64_t)a->index);
	hash_int(w, (int64_t)a->company);
	hash_text(w, a->kind);
	hash_text(w, a->value);
	hash_int(w, a->attributed_at);
	w->assets++;
	w->co[a->company].assets++;
	w->co[a->company].domains += is_domain;
	w->co[a->company].ranges += !is_domain;
	if (is_domain ? !demo_world_domain_is_synthetic(a->value) :
	    !demo_world_range_is_documentation(a->value))
		world_fail(w, "real-looking asset", a->value);
	return (0);
}

/* Every host name and address named in the details must be synthetic too. */
static void
check_details(struct world *w, const char *details)
{
	static const char *const host_keys[] = {"host", "hostname", "domain", "name"};
	json_error_t err;
	json_t *j = json_loads(details, 0, &err), *v;
	size_t i;
	char ip32[40];

	if (j == NULL || !json_is_object(j)) {
		world_fail(w, "details are not a JSON object", details);
		json_decref(j);
		return;
	}
	for (i = 0; i < sizeof(host_keys) / sizeof(host_keys[0]); i++) {
		v = json_object_get(j, host_keys[i]);
		if (json_is_string(v) && !demo_world_domain_is_synthetic(json_string_value(v)))
			world_fail(w, "real-looking name in details", details);
	}
	v = json_object_get(j, "ip");
	if (json_is_string(v)) {
		snprintf(ip32, sizeof(ip32), "%s/32", json_string_value(v));
		if (!demo_world_range_is_documentation(ip32))
			world_fail(w, "real-looking address in details", details);
	}
	json_decref(j);
}

static const char *const penalty_factors[] = {"tls.", "web_headers.", "email_auth.",
    "exposed_services.", "patching.", "compromised_systems.", "incidents."};

static int
on_evidence(void *ctx, const struct demo_evidence *e)
{
	struct world *w = ctx;
	const char *const *codes;
	size_t n, i;
	int found = 0;

	hash_text(w, "evidence");
	hash_int(w, (int64_t)e->company);
	hash_int(w, e->asset);
	hash_text(w, e->check_code);
	hash_text(w, e->outcome);
	hash_text(w, e->observation_key);
	hash_text(w, e->details);
	hash_text(w, e->source);
	hash_int(w, e->first_seen);
	hash_int(w, e->last_seen);
	w->evidence++;
	w->co[e->company].observations++;
	for (i = 0; i < sizeof(penalty_factors) / sizeof(penalty_factors[0]); i++)
		if (strncmp(e->check_code, penalty_factors[i], strlen(penalty_factors[i])) == 0)
			w->co[e->company].factors |= 1u << i;
	codes = demo_world_check_codes(&n);
	for (i = 0; i < n && i < 64; i++)
		if (strcmp(codes[i], e->check_code) == 0)
			w->code_used[i] = found = 1;
	if (!found)
		world_fail(w, "unknown check code", e->check_code);
	if (strcmp(e->outcome, "fail") == 0) {
		w->co[e->company].findings++;
		w->aged_out_findings += e->last_seen < AS_OF - 90 * DAY;
	} else if (strcmp(e->outcome, "info") == 0) {
		w->info_rows++;
		if (strncmp(e->check_code, "governance.", 11) != 0)
			world_fail(w, "info outcome outside governance", e->check_code);
	} else if (strcmp(e->outcome, "pass") == 0) {
		w->pass_rows++;
	} else {
		world_fail(w, "bad outcome", e->outcome);
	}
	if (e->first_seen > e->last_seen || e->last_seen > AS_OF ||
	    e->first_seen < AS_OF - 3 * 366 * DAY)
		world_fail(w, "evidence times out of order or range", e->check_code);
	w->older_than_a_year += e->first_seen < AS_OF - 365 * DAY;
	check_details(w, e->details);
	if (w->keys != NULL) {
		char key[256];

		snprintf(key, sizeof(key), "%zu|%lld|%s|%s|%s", e->company, (long long)e->asset,
		    e->check_code, e->source, e->observation_key);
		if (w->nkeys == w->keys_cap)
			return (-1);
		w->keys[w->nkeys] = strdup(key);
		if (w->keys[w->nkeys++] == NULL)
			return (-1);
	}
	return (0);
}

static int
on_incident(void *ctx, const struct demo_incident *in)
{
	struct world *w = ctx;

	hash_text(w, "incident");
	hash_int(w, (int64_t)in->company);
	hash_int(w, in->occurred_at);
	hash_int(w, in->disclosed_at);
	hash_text(w, in->kind);
	hash_text(w, in->severity);
	hash_text(w, in->external_ref);
	hash_text(w, in->summary);
	w->incidents++;
	w->co[in->company].incidents++;
	if (in->occurred_at > AS_OF || in->occurred_at < AS_OF - 3 * 366 * DAY ||
	    (in->disclosed_at != 0 && (in->disclosed_at < in->occurred_at ||
	    in->disclosed_at > AS_OF)))
		world_fail(w, "incident times out of range", in->external_ref);
	return (0);
}

static int
on_customer(void *ctx, const struct demo_customer *cu)
{
	struct world *w = ctx;

	hash_text(w, "customer");
	hash_text(w, cu->name);
	hash_text(w, cu->plan);
	hash_int(w, cu->annual_value_eur);
	hash_int(w, cu->company);
	hash_int(w, cu->started_at);
	if (cu->index == 0)
		w->worst_linked = cu->company;
	w->customers++;
	w->linked_customers += cu->company >= 0;
	return (0);
}

/* Generate a world of n companies from seed into a fresh struct world (freed by the
 * test process's exit), its digest into digest. */
static struct world *
generate(uint64_t seed, size_t n, char digest[65])
{
	struct demo_world_params p = {seed, n, AS_OF};
	struct world *w = calloc(1, sizeof(*w));
	struct demo_sink sink = {w, on_company, on_asset, on_evidence, on_incident,
	    on_customer};

	cr_assert_not_null(w);
	w->hash = sha256_new();
	cr_assert_not_null(w->hash);
	cr_assert_eq(demo_world_generate(&p, &sink), 0);
	cr_assert_eq(sha256_final_hex(w->hash, digest), 0);
	sha256_free(w->hash);
	w->hash = NULL;
	cr_assert_not(w->bad, "%s", w->why);
	return (w);
}

Test(demo_world, the_same_seed_gives_identical_rows)
{
	char a[65], b[65];

	free(generate(2026, 300, a));
	free(generate(2026, 300, b));
	cr_assert_str_eq(a, b);
}

Test(demo_world, another_seed_gives_another_world)
{
	char a[65], b[65];

	free(generate(2026, 300, a));
	free(generate(2027, 300, b));
	cr_assert_str_neq(a, b);
}

Test(demo_world, a_company_does_not_depend_on_how_many_follow)
{
	char a[65], b[65];
	struct world *small = generate(5, 50, a), *large = generate(5, 300, b);
	size_t i;

	for (i = 0; i < 50; i++) {
		cr_assert_eq(small->co[i].observations, large->co[i].observations);
		cr_assert_eq(small->co[i].incidents, large->co[i].incidents);
		cr_assert_float_eq(small->co[i].posture, large->co[i].posture, 1e-12);
	}
	free(small);
	free(large);
}

Test(demo_world, counts_fall_within_the_documented_ranges)
{
	static const struct {
		const char *band;
		int min, max;
	} ranges[] = {{"micro", 1, 2}, {"small", 2, 5}, {"medium", 5, 10},
	    {"large", 10, 20}, {"enterprise", 20, 60}};
	char d[65];
	struct world *w = generate(2026, 300, d);
	long sparse = 0, evidence_per_rated = 0;
	size_t i, r;

	cr_assert_eq(w->ncompanies, 300);
	for (i = 0; i < w->ncompanies; i++) {
		const struct per_company *c = &w->co[i];

		cr_assert_geq(c->domains, 1, "company %zu has no domain", i);
		if (c->sparse) {
			sparse++;
			cr_assert_eq(c->assets, 1);
			cr_assert(c->observations >= 1 && c->observations <= 3,
			    "sparse company %zu has %d evidence items", i, c->observations);
			continue;
		}
		for (r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++)
			if (strcmp(c->band, ranges[r].band) == 0)
				cr_assert(c->assets >= ranges[r].min && c->assets <= ranges[r].max,
				    "%s company %zu has %d assets", c->band, i, c->assets);
		/* Enough for methodology 2026.1 to rate it: 5 items in 3 penalty factors. */
		cr_assert_geq(c->observations, 5, "company %zu: %d items", i, c->observations);
		cr_assert_geq(__builtin_popcount(c->factors), 3, "company %zu: factors %x", i,
		    c->factors);
		evidence_per_rated += c->observations;
	}
	cr_assert(sparse >= 3 && sparse <= 24, "sparse companies: %ld", sparse);
	cr_assert(w->private_companies >= 3 && w->private_companies <= 24,
	    "private companies: %ld", w->private_companies);
	cr_assert(w->incidents >= 60 && w->incidents <= 400, "incidents: %ld", w->incidents);
	cr_assert(w->info_rows > 0, "no self-disclosed governance item");
	cr_assert(w->aged_out_findings > 100, "findings fixed long ago: %ld",
	    w->aged_out_findings);
	cr_assert(w->older_than_a_year > w->evidence / 5 &&
	    w->older_than_a_year < w->evidence * 9 / 10,
	    "history: %ld of %ld items older than a year", w->older_than_a_year, w->evidence);
	cr_assert_eq(w->customers, 6);
	cr_assert_eq(w->linked_customers, 2);
	cr_assert(w->worst_linked >= 0 && w->worst_linked < 300);
	for (i = 0; i < w->ncompanies; i++)
		cr_assert(w->co[i].private || w->co[i].sparse ||
		    w->co[i].posture >= w->co[w->worst_linked].posture,
		    "customer 0 is not the public, rateable company of worst posture");
	free(w);
}

Test(demo_world, every_check_code_of_2026_1_is_used_and_known_to_it)
{
	char d[65];
	struct world *w = generate(2026, 300, d);
	struct methodology *m;
	const char *const *codes;
	size_t n, i;

	codes = demo_world_check_codes(&n);
	cr_assert_eq(n, 43);
	for (i = 0; i < n; i++)
		cr_assert(w->code_used[i], "%s never appears in a 300-company world", codes[i]);
	m = shipped_methodology();
	cr_assert_eq(m->nchecks, n, "the methodology has %zu checks", m->nchecks);
	for (i = 0; i < n; i++)
		cr_assert_not_null(methodology_find_check(m, codes[i]), "%s", codes[i]);
	methodology_free(m);
	free(w);
}

/* Spearman's rank correlation of x and y (average ranks for ties). */
static void
ranks(const double *v, size_t n, double *out)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		double less = 0, equal = 0;

		for (j = 0; j < n; j++) {
			less += v[j] < v[i];
			equal += v[j] == v[i];
		}
		out[i] = less + (equal + 1) / 2.0;
	}
}

static double
spearman(const double *x, const double *y, size_t n)
{
	double *rx = calloc(n, sizeof(double)), *ry = calloc(n, sizeof(double));
	double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
	size_t i;

	cr_assert(rx != NULL && ry != NULL);
	ranks(x, n, rx);
	ranks(y, n, ry);
	for (i = 0; i < n; i++)
		mx += rx[i] / (double)n, my += ry[i] / (double)n;
	for (i = 0; i < n; i++) {
		sxy += (rx[i] - mx) * (ry[i] - my);
		sxx += (rx[i] - mx) * (rx[i] - mx);
		syy += (ry[i] - my) * (ry[i] - my);
	}
	free(rx);
	free(ry);
	return (sxy / sqrt(sxx * syy));
}

Test(demo_world, worse_posture_means_more_findings_and_more_incidents)
{
	char d[65];
	struct world *w = generate(2026, 300, d);
	double posture[MAXCO], fail_rate[MAXCO], incidents[MAXCO], rho_f, rho_i;
	size_t i, n = 0;

	for (i = 0; i < w->ncompanies; i++) {
		if (w->co[i].sparse)
			continue;
		posture[n] = w->co[i].posture;
		fail_rate[n] = (double)w->co[i].findings / (double)w->co[i].observations;
		incidents[n] = w->co[i].incidents;
		n++;
	}
	rho_f = spearman(posture, fail_rate, n);
	rho_i = spearman(posture, incidents, n);
	cr_log_info("spearman: posture/failing share %.3f, posture/incidents %.3f, "
	    "failing share/incidents %.3f", rho_f, rho_i, spearman(fail_rate, incidents, n));
	cr_assert_lt(rho_f, -0.7, "posture vs share of failing checks: rho = %.3f", rho_f);
	cr_assert_lt(rho_i, -0.3, "posture vs incidents: rho = %.3f", rho_i);
	/* And through the findings themselves, as a back-test sees it. */
	rho_i = spearman(fail_rate, incidents, n);
	cr_assert_gt(rho_i, 0.25, "share of failing checks vs incidents: rho = %.3f", rho_i);
	free(w);
}

static int
compare_strings(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

Test(demo_world, evidence_natural_keys_are_unique)
{
	struct demo_world_params p = {2026, 300, AS_OF};
	struct world *w = calloc(1, sizeof(*w));
	struct demo_sink sink = {0};
	size_t i;

	cr_assert_not_null(w);
	w->keys_cap = 200000;
	w->keys = calloc(w->keys_cap, sizeof(char *));
	cr_assert_not_null(w->keys);
	w->hash = sha256_new();
	sink.ctx = w;
	sink.company = on_company;
	sink.evidence = on_evidence;
	cr_assert_eq(demo_world_generate(&p, &sink), 0);
	cr_assert_gt(w->nkeys, 10000);
	qsort(w->keys, w->nkeys, sizeof(char *), compare_strings);
	for (i = 1; i < w->nkeys; i++)
		cr_assert_str_neq(w->keys[i - 1], w->keys[i], "duplicate natural key");
	for (i = 0; i < w->nkeys; i++)
		free(w->keys[i]);
	free(w->keys);
	sha256_free(w->hash);
	free(w);
}

static int
stop_at_tenth_evidence(void *ctx, const struct demo_evidence *e)
{
	int *seen = ctx;

	(void)e;
	return (++*seen == 10 ? -1 : 0);
}

Test(demo_world, a_sink_can_stop_the_generation)
{
	struct demo_world_params p = {1, 20, AS_OF};
	struct demo_sink sink = {0};
	int seen = 0;

	sink.ctx = &seen;
	sink.evidence = stop_at_tenth_evidence;
	cr_assert_eq(demo_world_generate(&p, &sink), -1);
	cr_assert_eq(seen, 10);
}

Test(demo_world, out_of_range_parameters_are_refused)
{
	struct demo_world_params p = {1, 0, AS_OF};
	struct demo_sink sink = {0};

	cr_assert_eq(demo_world_generate(&p, &sink), -1);
	p.ncompanies = DEMO_WORLD_MAX_COMPANIES + 1;
	cr_assert_eq(demo_world_generate(&p, &sink), -1);
	p.ncompanies = 1;
	p.as_of = 1000;
	cr_assert_eq(demo_world_generate(&p, &sink), -1);
	p.as_of = AS_OF;
	cr_assert_eq(demo_world_generate(&p, &sink), 0);
}

Test(demo_world, only_reserved_names_and_documentation_addresses_pass_the_filters)
{
	cr_assert(demo_world_domain_is_synthetic("acme.example"));
	cr_assert(demo_world_domain_is_synthetic("www.acme-eu.test"));
	cr_assert_not(demo_world_domain_is_synthetic("acme.com"));
	cr_assert_not(demo_world_domain_is_synthetic("example.com"));
	cr_assert_not(demo_world_domain_is_synthetic(".example"));
	cr_assert(demo_world_range_is_documentation("198.51.100.32/28"));
	cr_assert(demo_world_range_is_documentation("203.0.113.7/32"));
	cr_assert_not(demo_world_range_is_documentation("8.8.8.0/24"));
	cr_assert_not(demo_world_range_is_documentation("198.51.0.0/16"));
	cr_assert_not(demo_world_range_is_documentation("192.0.2.0/24x"));
}
