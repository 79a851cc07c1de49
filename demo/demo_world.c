/*
 * The synthetic demo world: companies, assets, evidence, incidents and customers drawn
 * from seeded random streams (demo/demo_rng.h). A hidden posture per company
 * drives both how often its checks fail (demo/demo_checks.c) and how often it
 * suffers incidents. docs/demo-world.md describes the model.
 */
#include "demo/demo_world.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo/demo_checks.h"
#include "demo/demo_rng.h"
#include "common/timefmt.h"

#define DAY 86400
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static double
demo_clamp(double v, double lo, double hi)
{
	return (v < lo ? lo : v > hi ? hi : v);
}

/* ---- the catalogue ------------------------------------------------------------------ */

struct demo_sector {
	const char *name;
	double posture_shift;
	const char *prefix[3];          /* name = prefix + root + suffix */
	const char *suffix[3];
};

static const struct demo_sector demo_sectors[] = {
	{"finance", 0.10, {"", "", ""}, {" Capital", " Bank", " Mutual Insurance"}},
	{"healthcare", -0.08, {"", "", ""}, {" Health", " Medical Center", " Pharma"}},
	{"retail", -0.03, {"", "", ""}, {" Stores", " Market", " Outfitters"}},
	{"manufacturing", -0.05, {"", "", ""}, {" Industries", " Works", " Components"}},
	{"technology", 0.06, {"", "", ""}, {" Software", " Systems", " Labs"}},
	{"energy", 0.00, {"", "", ""}, {" Energy", " Power", " Utilities"}},
	{"government", -0.06, {"City of ", "", ""}, {"", " County", " Transit Authority"}},
	{"education", -0.12, {"", "", ""}, {" University", " College", " Academy"}},
	{"logistics", -0.04, {"", "", ""}, {" Logistics", " Freight", " Shipping"}},
	{"media", -0.02, {"", "", ""}, {" Media", " Publishing", " Broadcasting"}},
};

struct demo_band {
	const char *name;
	int weight;
	int assets_min, assets_max;     /* all assets */
	int ip_min, ip_max;             /* of which IP ranges */
	double posture_shift;
	double incident_scale;          /* incidents over three years, relative */
	double governance_scale;
};

static const struct demo_band demo_bands[] = {
	{"micro", 20, 1, 2, 0, 0, -0.05, 0.5, 0.25},
	{"small", 30, 2, 5, 0, 1, -0.02, 0.7, 0.45},
	{"medium", 25, 5, 10, 1, 1, 0.00, 1.0, 0.70},
	{"large", 17, 10, 20, 1, 2, 0.02, 1.4, 0.95},
	{"enterprise", 8, 20, 60, 2, 4, 0.05, 1.9, 1.10},
};

static const char *const demo_countries[] = {"US", "GB", "DE", "FR", "JP", "NL", "CA",
    "AU", "SE", "SG"};
static const int demo_country_weights[] = {30, 14, 12, 8, 10, 6, 7, 5, 4, 4};

static const char *const demo_root_head[] = {"North", "Blue", "Silver", "Cedar",
    "Harbor", "Summit", "Iron", "Maple", "Pioneer", "Granite", "Red", "Oak", "Stone",
    "Bright", "Clear", "Eagle", "Falcon", "Golden", "Green", "High", "Lake", "Lime",
    "Moon", "Pine", "River", "Rock", "Sea", "Star", "Sun", "West", "East", "South",
    "Willow", "Amber", "Copper", "Crystal", "Ever", "Fox", "Hazel", "Kings"};
static const char *const demo_root_tail[] = {"field", "stone", "bridge", "crest",
    "wood", "gate", "point", "ridge", "brook", "haven", "ford", "vale", "mont",
    "well", "shire", "port", "hill", "dale", "wick", "bay"};

static const char *const demo_labels[] = {"www", "mail", "portal", "vpn", "api",
    "shop", "app", "login", "sso", "intranet", "extranet", "dev", "staging", "cdn",
    "static", "assets", "blog", "news", "support", "help", "status", "docs", "careers",
    "partners", "crm", "erp", "git", "ci", "wiki", "ftp", "remote", "owa",
    "autodiscover", "m", "secure", "pay", "billing", "hr", "files", "share", "backup",
    "monitor", "media", "img", "video", "events", "investors", "eu", "us", "apac",
    "uk", "de", "jp", "lab", "test", "beta", "forms", "learn", "community", "store",
    "booking", "tickets", "cloud", "data"};

/* The check codes of methodology 2026.1, grouped as the generator uses them. */

/* RFC 5737 documentation networks: the only addresses the demo uses. */
static const char *const demo_networks[] = {"192.0.2.", "198.51.100.", "203.0.113."};

static const char *const demo_compromise_families[] = {"demo-botnet-a", "demo-botnet-b",
    "demo-stealer-c", "demo-loader-d", "demo-spambot-e"};

struct demo_incident_kind {
	const char *kind;
	int weight;
	const char *check;              /* evidence check when disclosed, or NULL */
	const char *summary;
};

static const struct demo_incident_kind demo_incident_kinds[] = {
	{"breach", 25, "incidents.breach_disclosed", "Unauthorised access to customer records"},
	{"ransomware", 15, "incidents.ransomware", "Ransomware encrypted file servers"},
	{"compromise", 20, NULL, "Compromised employee mailbox used for fraud"},
	{"ddos", 15, NULL, "Distributed denial of service against public website"},
	{"data_exposure", 15, "incidents.data_exposure", "Storage bucket left open to the internet"},
	{"other", 10, NULL, "Security incident of unspecified kind"},
};
static const char *const demo_severities[] = {"low", "medium", "high", "critical"};

struct demo_governance {
	const char *check;
	const char *document;
};

static const struct demo_governance demo_governance_items[] = {
	{"governance.basic_policy", "Information security policy"},
	{"governance.management_structure", "Security governance charter (CISO reporting line)"},
	{"governance.education_training", "Security awareness training programme"},
	{"governance.information_sharing", "Membership of a sector information sharing group"},
	{"governance.third_party_certification", "ISO/IEC 27001 certificate"},
};

static const char *const demo_customer_names[] = {"Northwind Mutual Insurance (demo)",
    "Lakeside Capital Partners (demo)", "Contoso Procurement Services (demo)",
    "Fabrikam Reinsurance (demo)", "Tailspin Ventures (demo)",
    "Adventure Works Supply Chain (demo)"};
static const char *const demo_plans[] = {"enterprise", "premium", "standard",
    "premium", "free", "standard"};
static const int demo_plan_values[] = {120000, 48000, 12000, 36000, 0, 9500};

/* ---- generation state ---------------------------------------------------------------- */

struct demo_co;

struct demo_gen {
	const struct demo_world_params *p;
	const struct demo_sink *sink;
	char (*slugs)[64];              /* open-addressing set of slugs in use */
	size_t slug_cap;
	size_t next_asset;
	struct demo_co *co;             /* the company being generated (large: heap) */
	/* For the customers: the worst and best postures of public, rateable companies. */
	int64_t worst, best;
	double worst_posture, best_posture;
};

#define DEMO_MAX_HOSTS 64

/* The company being generated. */
struct demo_co {
	struct demo_checks_ctx x;       /* its random stream, posture scale, sink */
	struct demo_company c;
	const struct demo_band *band;
	struct demo_checks_host hosts[DEMO_MAX_HOSTS];
	size_t nhosts;
};

static uint64_t
demo_hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (h);
}

/* Add slug to the set; 0, or -1 when it is there already. */
static int
demo_slug_claim(struct demo_gen *g, const char *slug)
{
	size_t i = (size_t)demo_hash_str(slug) & (g->slug_cap - 1);

	while (g->slugs[i][0] != '\0') {
		if (strcmp(g->slugs[i], slug) == 0)
			return (-1);
		i = (i + 1) & (g->slug_cap - 1);
	}
	snprintf(g->slugs[i], sizeof(g->slugs[i]), "%s", slug);
	return (0);
}

static void
demo_slugify(const char *name, char *out, size_t n)
{
	size_t j = 0;
	int dash = 0;

	for (; *name && j + 2 < n; name++) {
		char ch = *name;

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
			if (dash && j > 0)
				out[j++] = '-';
			out[j++] = ch;
			dash = 0;
		} else {
			dash = 1;
		}
	}
	out[j] = '\0';
}

/* Rare compromise events from threat feeds, keyed by the host's address; their rate
 * grows with the square of the posture's failure scale. */
static int
demo_compromise_events(struct demo_co *co)
{
	static const char *const checks[] = {"compromised_systems.botnet_infection",
	    "compromised_systems.malware_host", "compromised_systems.spam_source"};
	static const double rates[] = {0.10, 0.08, 0.08};
	struct demo_checks_ctx *x = &co->x;
	char ip[20], used[8][20];
	const struct demo_checks_host *h;
	struct demo_evidence e;
	size_t i, u, nused;
	int n, k, dup;

	for (i = 0; i < NELEM(checks); i++) {
		n = demo_rng_poisson(&x->rng, rates[i] * x->fail_scale * x->fail_scale *
		    co->band->incident_scale);
		for (k = 0, nused = 0; k < n && nused < NELEM(used); k++) {
			h = &co->hosts[demo_rng_between(&x->rng, 0, (int64_t)co->nhosts - 1)];
			demo_checks_fmt(x, ip, sizeof(ip), "%s%d",
			    demo_networks[demo_rng_between(&x->rng, 0, 2)],
			    (int)demo_rng_between(&x->rng, 1, 254));
			for (dup = 0, u = 0; u < nused; u++)
				dup |= strcmp(used[u], ip) == 0;
			if (dup)
				continue;
			snprintf(used[nused++], sizeof(used[0]), "%s", ip);
			demo_checks_evidence_init(x, &e, (int64_t)h->index, checks[i], "demo-feed");
			e.outcome = "fail";
			demo_checks_fmt(x, e.observation_key, sizeof(e.observation_key), "%s", ip);
			demo_checks_fmt(x, e.details, sizeof(e.details), "{\"ip\": \"%s\", "
			    "\"family\": \"%s\", \"feed\": \"demo-threat-feed\"}", ip,
			    demo_compromise_families[demo_rng_between(&x->rng, 0,
			    (int64_t)NELEM(demo_compromise_families) - 1)]);
			e.first_seen = x->as_of - demo_rng_between(&x->rng, 1, 730) * DAY -
			    demo_rng_between(&x->rng, 0, DAY - 1);
			e.last_seen = e.first_seen + demo_rng_between(&x->rng, 0, 30) * DAY;
			if (e.last_seen > x->as_of)
				e.last_seen = x->as_of;
			if (demo_checks_emit(x, &e) != 0)
				return (-1);
		}
	}
	return (0);
}

/* Governance disclosures: verified by staff (pass) or self-disclosed (info); more
 * common for larger companies and better postures. */
static int
demo_governance(struct demo_co *co)
{
	struct demo_checks_ctx *x = &co->x;
	double chance = demo_clamp(co->band->governance_scale *
	    (0.15 + 0.75 * co->c.posture), 0.0, 0.95);
	struct demo_evidence e;
	size_t i;
	int verified;

	for (i = 0; i < NELEM(demo_governance_items); i++) {
		if (!demo_rng_chance(&x->rng, chance))
			continue;
		verified = demo_rng_chance(&x->rng, 0.65);
		demo_checks_evidence_init(x, &e, -1, demo_governance_items[i].check,
		    "demo-disclosure");
		e.outcome = verified ? "pass" : "info";
		demo_checks_fmt(x, e.details, sizeof(e.details), "{\"document\": \"%s\", "
		    "\"disclosed_by\": \"company\", \"verification\": \"%s\"}",
		    demo_governance_items[i].document,
		    verified ? "verified by staff" : "self-disclosed, not yet verified");
		demo_checks_times_current(x, &e,
		    x->as_of - demo_rng_between(&x->rng, 10, 600) * DAY);
		if (demo_checks_emit(x, &e) != 0)
			return (-1);
	}
	return (0);
}

/* Incidents over the past three years, at a rate that grows with the cube of
 * (1 - posture); disclosed breaches, ransomware and data exposures are evidence too. */
static int
demo_incidents(struct demo_gen *g, struct demo_co *co)
{
	static const int kind_weights[] = {25, 15, 20, 15, 15, 10};
	static const int sev_weights[] = {20, 40, 30, 10};
	struct demo_checks_ctx *x = &co->x;
	double b = 1.0 - co->c.posture;
	int n = demo_rng_poisson(&x->rng, co->band->incident_scale * (0.03 + 2.4 * b * b * b));
	const struct demo_incident_kind *kind;
	struct demo_incident in;
	struct demo_evidence e;
	char occurred[21];
	int k;

	for (k = 0; k < n; k++) {
		memset(&in, 0, sizeof(in));
		kind = &demo_incident_kinds[demo_rng_weighted(&x->rng, kind_weights,
		    NELEM(kind_weights))];
		in.company = co->c.index;
		in.kind = kind->kind;
		in.severity = demo_severities[demo_rng_weighted(&x->rng, sev_weights,
		    NELEM(sev_weights))];
		in.source = "demo-incident-feed";
		in.occurred_at = x->as_of - demo_rng_between(&x->rng, 1, 3 * 365) * DAY -
		    demo_rng_between(&x->rng, 0, DAY - 1);
		if (demo_rng_chance(&x->rng, kind->check != NULL ? 0.75 : 0.40)) {
			in.disclosed_at = in.occurred_at + demo_rng_between(&x->rng, 3, 120) *
			    DAY + demo_rng_between(&x->rng, 0, DAY - 1);
			if (in.disclosed_at > x->as_of)
				in.disclosed_at = 0;
		}
		demo_checks_fmt(x, in.external_ref, sizeof(in.external_ref),
		    "DEMO-INC-%06zu-%02d", co->c.index + 1, k + 1);
		demo_checks_fmt(x, in.summary, sizeof(in.summary),
		    "Synthetic demo incident: %s.", kind->summary);
		if (x->failed || (g->sink->incident != NULL &&
		    g->sink->incident(g->sink->ctx, &in) != 0))
			return (x->failed = 1, -1);
		if (kind->check == NULL || in.disclosed_at == 0)
			continue;
		demo_checks_evidence_init(x, &e, -1, kind->check, "demo-feed");
		e.outcome = "fail";
		demo_checks_fmt(x, e.observation_key, sizeof(e.observation_key), "%s",
		    in.external_ref);
		timefmt_format(in.occurred_at, occurred);
		demo_checks_fmt(x, e.details, sizeof(e.details), "{\"kind\": \"%s\", "
		    "\"severity\": \"%s\", \"occurred_at\": \"%s\", \"external_ref\": \"%s\"}",
		    in.kind, in.severity, occurred, in.external_ref);
		e.first_seen = e.last_seen = in.disclosed_at;
		if (demo_checks_emit(x, &e) != 0)
			return (-1);
	}
	return (0);
}

/* Name, slug, sector, size and posture of company i. */
static int
demo_company_identity(struct demo_gen *g, struct demo_co *co, size_t i)
{
	static const int band_weights[] = {20, 30, 25, 17, 8};
	struct demo_checks_ctx *x = &co->x;
	const struct demo_sector *sec;
	char root[48], base[64], plain[sizeof(co->c.name)];
	size_t v;
	int n;

	memset(co, 0, sizeof(*co));
	x->sink = g->sink;
	x->as_of = g->p->as_of;
	x->company = i;
	demo_rng_seed(&x->rng, g->p->seed, (uint64_t)i + 1);
	co->c.index = i;
	sec = &demo_sectors[demo_rng_between(&x->rng, 0, (int64_t)NELEM(demo_sectors) - 1)];
	co->band = &demo_bands[demo_rng_weighted(&x->rng, band_weights, NELEM(band_weights))];
	co->c.sector = sec->name;
	co->c.size_band = co->band->name;
	snprintf(co->c.country, sizeof(co->c.country), "%s", demo_countries[
	    demo_rng_weighted(&x->rng, demo_country_weights, NELEM(demo_country_weights))]);
	co->c.visibility = demo_rng_chance(&x->rng, 0.03) ? "private" : "public";
	co->c.sparse = demo_rng_chance(&x->rng, 0.03);
	co->c.posture = demo_clamp((demo_rng_unit(&x->rng) + demo_rng_unit(&x->rng)) / 2.0 +
	    sec->posture_shift + co->band->posture_shift, 0.02, 0.98);
	x->fail_scale = 0.15 + 1.85 * pow(1.0 - co->c.posture, 1.3);
	co->c.created_at = x->as_of - 760 * DAY - demo_rng_between(&x->rng, 0, 30) * DAY;
	demo_checks_fmt(x, root, sizeof(root), "%s%s",
	    demo_root_head[demo_rng_between(&x->rng, 0, (int64_t)NELEM(demo_root_head) - 1)],
	    demo_root_tail[demo_rng_between(&x->rng, 0, (int64_t)NELEM(demo_root_tail) - 1)]);
	v = (size_t)demo_rng_between(&x->rng, 0, 2);
	demo_checks_fmt(x, co->c.name, sizeof(co->c.name), "%s%s%s", sec->prefix[v], root,
	    sec->suffix[v]);
	demo_slugify(co->c.name, base, sizeof(base));
	snprintf(co->c.slug, sizeof(co->c.slug), "%s", base);
	/* A taken name gets a number, in its slug and its name alike. */
	for (n = 2; demo_slug_claim(g, co->c.slug) != 0; n++)
		demo_checks_fmt(x, co->c.slug, sizeof(co->c.slug), "%s-%d", base, n);
	if (n > 2) {
		memcpy(plain, co->c.name, sizeof(plain));
		demo_checks_fmt(x, co->c.name, sizeof(co->c.name), "%s %d", plain, n - 1);
	}
	return (x->failed ? -1 : 0);
}

/* The company's domains and IP ranges, handed to the sink and kept in co->hosts. */
static int
demo_company_assets(struct demo_gen *g, struct demo_co *co)
{
	struct demo_checks_ctx *x = &co->x;
	size_t order[NELEM(demo_labels)], nassets, nip, k, j, t;
	struct demo_checks_host *h;
	struct demo_asset a;
	int blocks[8], nblocks = 0, blk, dup;

	nassets = (size_t)demo_rng_between(&x->rng, co->band->assets_min,
	    co->band->assets_max);
	nip = (size_t)demo_rng_between(&x->rng, co->band->ip_min, co->band->ip_max);
	if (co->c.sparse)
		nassets = 1, nip = 0;
	if (nip >= nassets)
		nip = nassets - 1;
	for (k = 0; k < NELEM(order); k++)
		order[k] = k;
	for (k = NELEM(order) - 1; k > 0; k--) {  /* labels in a random order */
		j = (size_t)demo_rng_between(&x->rng, 0, (int64_t)k);
		t = order[k], order[k] = order[j], order[j] = t;
	}
	for (k = 0; k < nassets && k < DEMO_MAX_HOSTS; k++) {
		h = &co->hosts[co->nhosts++];
		h->index = g->next_asset++;
		h->is_ip = k >= nassets - nip;
		h->is_apex = k == 0;
		h->attributed_at = k == 0 ?
		    co->c.created_at + demo_rng_between(&x->rng, 0, 2) * DAY :
		    x->as_of - demo_rng_between(&x->rng, 20, 730) * DAY;
		if (h->is_ip) {
			do {    /* a /28 of the documentation networks not yet taken */
				blk = (int)demo_rng_between(&x->rng, 0, 3 * 16 - 1);
				for (dup = 0, j = 0; j < (size_t)nblocks; j++)
					dup |= blocks[j] == blk;
			} while (dup);
			blocks[nblocks++] = blk;
			demo_checks_fmt(x, h->value, sizeof(h->value), "%s%d/28",
			    demo_networks[blk / 16], (blk % 16) * 16);
		} else if (k == 0) {
			demo_checks_fmt(x, h->value, sizeof(h->value), "%s.example", co->c.slug);
		} else if (demo_rng_chance(&x->rng, 0.15)) {
			h->is_apex = 1;
			demo_checks_fmt(x, h->value, sizeof(h->value), "%s-%s.test",
			    co->c.slug, demo_labels[order[k]]);
		} else {
			demo_checks_fmt(x, h->value, sizeof(h->value), "%s.%s.example",
			    demo_labels[order[k]], co->c.slug);
		}
		memset(&a, 0, sizeof(a));
		a.index = h->index;
		a.company = co->c.index;
		a.kind = h->is_ip ? "ip_range" : "domain";
		snprintf(a.value, sizeof(a.value), "%s", h->value);
		a.attributed_at = h->attributed_at;
		if (x->failed || (g->sink->asset != NULL && g->sink->asset(g->sink->ctx, &a)))
			return (x->failed = 1, -1);
	}
	return (0);
}

static int
demo_company(struct demo_gen *g, size_t i)
{
	struct demo_co *co = g->co;
	size_t k, nip = 0;

	if (demo_company_identity(g, co, i) != 0)
		return (-1);
	if (g->sink->company != NULL && g->sink->company(g->sink->ctx, &co->c) != 0)
		return (-1);
	if (demo_company_assets(g, co) != 0)
		return (-1);
	if (co->c.sparse)
		return (demo_checks_sparse(&co->x, &co->hosts[0]));
	for (k = 0; k < co->nhosts; k++)
		nip += co->hosts[k].is_ip;
	/* Without IP ranges of its own, the main domain's host is port-scanned. */
	for (k = 0; k < co->nhosts; k++)
		if (demo_checks_host(&co->x, &co->hosts[k], nip == 0 && k == 0) != 0)
			return (-1);
	if (demo_compromise_events(co) || demo_governance(co) || demo_incidents(g, co))
		return (-1);
	if (strcmp(co->c.visibility, "public") == 0) {
		if (g->worst < 0 || co->c.posture < g->worst_posture)
			g->worst = (int64_t)i, g->worst_posture = co->c.posture;
		if (g->best < 0 || co->c.posture > g->best_posture)
			g->best = (int64_t)i, g->best_posture = co->c.posture;
	}
	return (co->x.failed ? -1 : 0);
}

/* The demo's paying customers. Two are rated companies, those of the worst and the
 * best posture among public companies with enough evidence, so that the demo shows a
 * subscription buys no rating. */
static int
demo_customers(struct demo_gen *g)
{
	struct demo_customer cu;
	size_t i;

	for (i = 0; i < NELEM(demo_customer_names); i++) {
		memset(&cu, 0, sizeof(cu));
		cu.index = i;
		snprintf(cu.name, sizeof(cu.name), "%s", demo_customer_names[i]);
		cu.plan = demo_plans[i];
		cu.annual_value_eur = demo_plan_values[i];
		cu.company = i == 0 ? g->worst : i == 3 ? g->best : -1;
		cu.started_at = g->p->as_of - (int64_t)(90 + 60 * i) * DAY;
		if (g->sink->customer != NULL && g->sink->customer(g->sink->ctx, &cu) != 0)
			return (-1);
	}
	return (0);
}

int
demo_world_generate(const struct demo_world_params *p, const struct demo_sink *sink)
{
	struct demo_gen g;
	size_t i;
	int rc = -1;

	if (p->ncompanies < 1 || p->ncompanies > DEMO_WORLD_MAX_COMPANIES ||
	    p->as_of < 315532800)
		return (-1);
	memset(&g, 0, sizeof(g));
	g.p = p;
	g.sink = sink;
	g.worst = g.best = -1;
	for (g.slug_cap = 64; g.slug_cap < 2 * p->ncompanies; g.slug_cap *= 2)
		;
	if ((g.slugs = calloc(g.slug_cap, sizeof(*g.slugs))) == NULL ||
	    (g.co = malloc(sizeof(*g.co))) == NULL)
		goto cleanup;
	for (i = 0; i < p->ncompanies; i++)
		if (demo_company(&g, i) != 0)
			goto cleanup;
	if (demo_customers(&g) != 0)
		goto cleanup;
	rc = 0;
cleanup:
	free(g.co);
	free(g.slugs);
	return (rc);
}

const char *const *
demo_world_check_codes(size_t *n)
{
	return (demo_checks_codes(n));
}

static int
demo_ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return (ls > lx && strcmp(s + ls - lx, suffix) == 0);
}

int
demo_world_domain_is_synthetic(const char *domain)
{
	return (demo_ends_with(domain, ".example") || demo_ends_with(domain, ".test"));
}

int
demo_world_range_is_documentation(const char *range)
{
	unsigned a, b, c, d, len;
	char tail;

	if (sscanf(range, "%u.%u.%u.%u/%u%c", &a, &b, &c, &d, &len, &tail) != 5 ||
	    d > 255 || len < 24 || len > 32)
		return (0);
	return ((a == 192 && b == 0 && c == 2) || (a == 198 && b == 51 && c == 100) ||
	    (a == 203 && b == 0 && c == 113));
}
