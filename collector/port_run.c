#include "collector/port_run.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "collector/address_policy.h"
#include "collector/coverage.h"
#include "collector/port_scan_store.h"
#include "common/log.h"
#include "common/progress.h"

#define PR_BATCH 1024                         /* items written at once */

/* An address attributed to a company through one of its assets. */
struct pr_owner {
	struct sockaddr_storage addr;
	socklen_t len;
	size_t company, asset, target;
};

struct pr_company {
	const char *slug;
	int incomplete;                       /* something of it was not scanned */
};

/* An open port, judged. */
struct pr_open {
	size_t port;
	char code[64];
	char key[PORT_KEY_MAX];
	char details[SCAN_RESULT_DETAILS];
	struct pr_open *next;
};

struct pr_target {
	struct pr_open *open;
	int incomplete;                       /* a port was refused, skipped or failed */
};

struct pr_run {
	PGconn *conn;
	const struct port_run_options *o;
	struct port_run_summary *sum;
	struct port_asset *assets;
	size_t nassets;
	struct pr_company *companies;
	size_t ncompanies;
	struct pr_owner *owners;
	size_t nowners, capowners;
	struct port_scan_target *targets;
	size_t ntargets;
	struct pr_target *tstate;
	unsigned char *states;                /* ntargets * nports port_state values */
	uint64_t done, total;
	int failed;
	/* the batch being filled */
	struct scan_results_item items[PR_BATCH];
	struct scan_results *results;         /* PR_BATCH of them */
	size_t nitems;
	struct port_finding_ref *refs;        /* earlier findings; items point into them */
	size_t nrefs;
};

static int
pr_addr_cmp(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return (a->ss_family < b->ss_family ? -1 : 1);
	if (a->ss_family == AF_INET)
		return (memcmp(&((const struct sockaddr_in *)(const void *)a)->sin_addr,
		    &((const struct sockaddr_in *)(const void *)b)->sin_addr, 4));
	return (memcmp(&((const struct sockaddr_in6 *)(const void *)a)->sin6_addr,
	    &((const struct sockaddr_in6 *)(const void *)b)->sin6_addr, 16));
}

static int
pr_owner_by_addr(const void *x, const void *y)
{
	const struct pr_owner *a = x, *b = y;
	int c = pr_addr_cmp(&a->addr, &b->addr);

	if (c != 0)
		return (c);
	if (a->company != b->company)
		return (a->company < b->company ? -1 : 1);
	return (a->asset < b->asset ? -1 : a->asset > b->asset);
}

static int
pr_owner_by_asset(const void *x, const void *y)
{
	const struct pr_owner *a = x, *b = y;

	if (a->company != b->company)
		return (a->company < b->company ? -1 : 1);
	if (a->asset != b->asset)
		return (a->asset < b->asset ? -1 : 1);
	return (a->target < b->target ? -1 : a->target > b->target);
}

static void
pr_addr_text(const struct sockaddr_storage *sa, char *out, size_t n)
{
	if (sa->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		    out, (socklen_t)n);
	else
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		    out, (socklen_t)n);
}

/* Attribute address sa to asset a of company c, unless it is opted out. */
static int
pr_add_owner(struct pr_run *r, const struct sockaddr *sa, socklen_t len, size_t c, size_t a)
{
	struct pr_owner *w;

	if (port_optout_address(r->o->optout, sa)) {
		r->sum->opted_out++;
		r->companies[c].incomplete = 1;
		return (0);
	}
	if (r->nowners == r->capowners) {
		size_t cap = r->capowners ? r->capowners * 2 : 256;
		void *p = realloc(r->owners, cap * sizeof(*r->owners));

		if (p == NULL) {
			log_error("ports: out of memory");
			return (-1);
		}
		r->owners = p;
		r->capowners = cap;
	}
	w = &r->owners[r->nowners++];
	memset(w, 0, sizeof(*w));
	memcpy(&w->addr, sa, len);
	w->len = len;
	w->company = c;
	w->asset = a;
	return (0);
}

/* The --resolve entries for name: 1 when there was one (its addresses added). */
static int
pr_resolve_override(struct pr_run *r, const char *name, size_t c, size_t a, int *err)
{
	const char *const *e;
	size_t nl = strlen(name);
	int found = 0;

	for (e = r->o->resolve; e != NULL && *e != NULL; e++) {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
		const char *addr;

		if (strncasecmp(*e, name, nl) != 0 || (*e)[nl] != ':')
			continue;
		found = 1;
		addr = *e + nl + 1;
		memset(&v4, 0, sizeof(v4));
		memset(&v6, 0, sizeof(v6));
		if (inet_pton(AF_INET, addr, &v4.sin_addr) == 1) {
			v4.sin_family = AF_INET;
			*err |= pr_add_owner(r, (struct sockaddr *)&v4, sizeof(v4), c, a);
		} else if (inet_pton(AF_INET6, addr, &v6.sin6_addr) == 1) {
			v6.sin6_family = AF_INET6;
			*err |= pr_add_owner(r, (struct sockaddr *)&v6, sizeof(v6), c, a);
		} else {
			log_error("ports: resolve entry '%s': not NAME:ADDRESS", *e);
			*err = -1;
		}
	}
	return (found);
}

/* The A and AAAA addresses of a domain asset. */
static int
pr_resolve(struct pr_run *r, size_t c, size_t a)
{
	const char *name = r->assets[a].value;
	struct addrinfo hints, *res = NULL, *ai;
	int rc, err = 0;

	if (port_optout_domain(r->o->optout, name)) {
		r->sum->opted_out++;
		r->companies[c].incomplete = 1;
		return (0);
	}
	if (pr_resolve_override(r, name, c, a, &err))
		return (err ? -1 : 0);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(name, NULL, &hints, &res);
	if (rc == EAI_NONAME
#ifdef EAI_NODATA
	    || rc == EAI_NODATA
#endif
	    )
		return (0);                   /* no address: nothing to scan */
	if (rc != 0) {
		log_info("ports: %s: %s", name, gai_strerror(rc));
		r->sum->unresolved++;
		r->companies[c].incomplete = 1;
		return (0);
	}
	for (ai = res; ai != NULL && err == 0; ai = ai->ai_next)
		if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6)
			err = pr_add_owner(r, ai->ai_addr, ai->ai_addrlen, c, a);
	freeaddrinfo(res);
	return (err);
}

/* The addresses of an IP range asset (at most max_range of them). */
static int
pr_expand(struct pr_run *r, size_t c, size_t a)
{
	struct address_policy_net net;
	size_t n = 0, count, i, max = r->o->max_range ? r->o->max_range : 256;
	int bits;

	if (address_policy_parse_allow(r->assets[a].value, &net, 1, &n) != 0 || n != 1) {
		log_error("ports: asset %s: not a CIDR range", r->assets[a].value);
		r->companies[c].incomplete = 1;
		return (0);
	}
	bits = (net.family == AF_INET ? 32 : 128) - net.prefix;
	if (bits >= 32 || ((size_t)1 << bits) > max) {
		log_info("ports: %s (%s): more than %zu addresses; not scanned (--max-range)",
		    r->assets[a].value, r->companies[c].slug, max);
		r->sum->ranges_too_large++;
		r->companies[c].incomplete = 1;
		return (0);
	}
	count = (size_t)1 << bits;
	for (i = 0; i < count; i++) {
		unsigned char addr[16];
		int len = net.family == AF_INET ? 4 : 16, k;
		size_t carry = i;

		memcpy(addr, net.addr, 16);
		for (k = len - 1; k >= 0 && carry > 0; k--) {
			carry += addr[k];
			addr[k] = (unsigned char)(carry & 0xff);
			carry >>= 8;
		}
		if (net.family == AF_INET) {
			struct sockaddr_in v4;

			memset(&v4, 0, sizeof(v4));
			v4.sin_family = AF_INET;
			memcpy(&v4.sin_addr, addr, 4);
			if (pr_add_owner(r, (struct sockaddr *)&v4, sizeof(v4), c, a) != 0)
				return (-1);
		} else {
			struct sockaddr_in6 v6;

			memset(&v6, 0, sizeof(v6));
			v6.sin6_family = AF_INET6;
			memcpy(&v6.sin6_addr, addr, 16);
			if (pr_add_owner(r, (struct sockaddr *)&v6, sizeof(v6), c, a) != 0)
				return (-1);
		}
	}
	return (0);
}

/* Companies from the assets (ordered by company), and every attributed address. */
static int
pr_collect(struct pr_run *r)
{
	size_t i, c = 0;

	if ((r->companies = calloc(r->nassets + 1, sizeof(*r->companies))) == NULL) {
		log_error("ports: out of memory");
		return (-1);
	}
	for (i = 0; i < r->nassets; i++) {
		if (r->ncompanies == 0 || strcmp(r->companies[r->ncompanies - 1].slug,
		    r->assets[i].company) != 0)
			r->companies[r->ncompanies++].slug = r->assets[i].company;
		c = r->ncompanies - 1;
		if ((r->assets[i].ip_range ? pr_expand(r, c, i) : pr_resolve(r, c, i)) != 0)
			return (-1);
	}
	r->sum->companies = (long)r->ncompanies;
	return (0);
}

/* One target per distinct address; an address a company reaches through several
 * assets is reported under the first of them (domains before ranges, by name). */
static int
pr_targets(struct pr_run *r)
{
	size_t i, k = 0;

	qsort(r->owners, r->nowners, sizeof(*r->owners), pr_owner_by_addr);
	for (i = 0; i < r->nowners; i++) {
		if (k > 0 && pr_addr_cmp(&r->owners[k - 1].addr, &r->owners[i].addr) == 0 &&
		    r->owners[k - 1].company == r->owners[i].company)
			continue;
		r->owners[k++] = r->owners[i];
	}
	r->nowners = k;
	if ((r->targets = calloc(k + 1, sizeof(*r->targets))) == NULL ||
	    (r->tstate = calloc(k + 1, sizeof(*r->tstate))) == NULL) {
		log_error("ports: out of memory");
		return (-1);
	}
	for (i = 0; i < k; i++) {
		if (r->ntargets == 0 || pr_addr_cmp(&r->targets[r->ntargets - 1].addr,
		    &r->owners[i].addr) != 0) {
			r->targets[r->ntargets].addr = r->owners[i].addr;
			r->targets[r->ntargets].len = r->owners[i].len;
			r->ntargets++;
		}
		r->owners[i].target = r->ntargets - 1;
	}
	r->sum->addresses = (long)r->ntargets;
	if ((r->states = calloc(r->ntargets * r->o->nports + 1, 1)) == NULL) {
		log_error("ports: out of memory");
		return (-1);
	}
	return (0);
}

static void
pr_on_report(void *arg, const struct port_scan_report *rep)
{
	struct pr_run *r = arg;
	size_t p = (size_t)(rep->spec - r->o->ports);
	struct pr_target *t = &r->tstate[rep->target];
	struct pr_open *op;
	struct port_seen seen;
	char addr[INET6_ADDRSTRLEN];

	r->states[rep->target * r->o->nports + p] = (unsigned char)rep->state;
	if (rep->state == PORT_REFUSED || rep->state == PORT_SKIPPED ||
	    rep->state == PORT_ERROR)
		t->incomplete = 1;
	if (rep->state == PORT_OPEN) {
		if ((op = calloc(1, sizeof(*op))) == NULL) {
			r->failed = 1;
			return;
		}
		pr_addr_text(&r->targets[rep->target].addr, addr, sizeof(addr));
		memset(&seen, 0, sizeof(seen));
		seen.address = addr;
		seen.port = rep->spec->port;
		seen.expected = rep->spec->service;
		seen.banner = rep->banner;
		seen.banner_len = rep->banner_len;
		seen.reply = rep->reply;
		seen.reply_len = rep->reply_len;
		op->port = p;
		if (port_services_judge(&seen, op->code, op->key, op->details,
		    sizeof(op->details)) != 0) {
			free(op);
			r->failed = 1;
			return;
		}
		op->next = t->open;
		t->open = op;
	}
	if (r->o->progress != NULL && (++r->done % 64 == 0 || r->done == r->total))
		r->o->progress(r->o->progress_arg, r->done, r->total);
}

/* Write the batch. */
static int
pr_flush(struct pr_run *r)
{
	size_t i;

	if (r->nitems == 0)
		return (0);
	if (scan_results_store(r->conn, r->items, r->nitems, &r->sum->evidence) != 0)
		return (-1);
	for (i = 0; i < r->nitems; i++) {
		/* Only the counts: clearing all of a set would touch every page of it. */
		r->results[i].n = 0;
		r->results[i].truncated = 0;
	}
	r->nitems = 0;
	return (0);
}

/* The item results go to for (company, asset): the last one if it is for them and
 * has room, else a new one. NULL on a failed write. */
static struct scan_results *
pr_item(struct pr_run *r, size_t c, const char *asset)
{
	struct scan_results_item *it;

	if (r->nitems > 0) {
		it = &r->items[r->nitems - 1];
		if (strcmp(it->company, r->companies[c].slug) == 0 &&
		    strcmp(it->domain, asset) == 0 && it->results->n < SCAN_RESULTS_MAX)
			return (&r->results[r->nitems - 1]);
	}
	if (r->nitems == PR_BATCH && pr_flush(r) != 0)
		return (NULL);
	it = &r->items[r->nitems];
	memset(it, 0, sizeof(*it));
	it->company = r->companies[c].slug;
	it->domain = asset;
	it->observed_at = r->o->now;
	it->results = &r->results[r->nitems];
	r->nitems++;
	return (&r->results[r->nitems - 1]);
}

/* A company's failing results, asset by asset, owners sorted by asset. */
static int
pr_write_open(struct pr_run *r)
{
	size_t i;

	for (i = 0; i < r->nowners; i++) {
		const struct pr_owner *w = &r->owners[i];
		const struct port_asset *a = &r->assets[w->asset];
		const struct pr_open *op;
		struct scan_results *res;

		for (op = r->tstate[w->target].open; op != NULL; op = op->next) {
			if ((res = pr_item(r, w->company, a->value)) == NULL)
				return (-1);
			if (scan_results_add(res, op->code, "fail", op->key, op->details) != 0) {
				log_error("ports: %s: a result could not be stored", op->key);
				return (-1);
			}
			r->sum->findings++;
		}
	}
	return (0);
}

/* The target and port of an observation key, as the scan saw them; 0 when found. */
static int
pr_find_key(const struct pr_run *r, const char *key, size_t *target, size_t *port)
{
	struct sockaddr_storage sa;
	char addr[64];
	const char *colon = strrchr(key, ':');
	size_t len, lo = 0, hi = r->ntargets, p;
	int portno;

	if (colon == NULL || (len = (size_t)(colon - key)) >= sizeof(addr))
		return (-1);
	if (key[0] == '[' && len >= 2 && key[len - 1] == ']')
		memcpy(addr, key + 1, len - 2), addr[len - 2] = '\0';
	else
		memcpy(addr, key, len), addr[len] = '\0';
	portno = atoi(colon + 1);
	memset(&sa, 0, sizeof(sa));
	if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)(void *)&sa)->sin_addr) == 1)
		sa.ss_family = AF_INET;
	else if (inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)(void *)&sa)->sin6_addr) == 1)
		sa.ss_family = AF_INET6;
	else
		return (-1);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = pr_addr_cmp(&r->targets[mid].addr, &sa);

		if (c == 0) {
			for (p = 0; p < r->o->nports; p++)
				if (r->o->ports[p].port == portno) {
					*target = mid;
					*port = p;
					return (0);
				}
			return (-1);
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (-1);
}

/* Whether company c owns target t. */
static int
pr_owns(const struct pr_run *r, size_t c, size_t t)
{
	size_t i;

	for (i = 0; i < r->nowners; i++)
		if (r->owners[i].company == c && r->owners[i].target == t)
			return (1);
	return (0);
}

static size_t
pr_company_index(const struct pr_run *r, const char *slug)
{
	size_t i;

	for (i = 0; i < r->ncompanies; i++)
		if (strcmp(r->companies[i].slug, slug) == 0)
			return (i);
	return ((size_t)-1);
}

/* Passes for earlier findings on ports now seen closed, or open as another class. */
static int
pr_write_passes(struct pr_run *r)
{
	struct port_finding_ref *refs;
	size_t n, i, c, t, p;

	if (port_scan_store_findings(r->conn, r->o->companies, r->o->ncompanies, &r->refs,
	    &r->nrefs) != 0)
		return (-1);
	refs = r->refs;
	n = r->nrefs;
	for (i = 0; i < n; i++) {
		const struct pr_open *op;
		enum port_state st;
		struct scan_results *res;
		char details[200], addr[INET6_ADDRSTRLEN];
		int same = 0;

		if ((c = pr_company_index(r, refs[i].company)) == (size_t)-1 ||
		    pr_find_key(r, refs[i].key, &t, &p) != 0 || !pr_owns(r, c, t))
			continue;
		st = (enum port_state)r->states[t * r->o->nports + p];
		if (st != PORT_CLOSED && st != PORT_OPEN)
			continue;
		for (op = r->tstate[t].open; op != NULL; op = op->next)
			same |= op->port == p && strcmp(op->code, refs[i].code) == 0;
		if (same)
			continue;
		pr_addr_text(&r->targets[t].addr, addr, sizeof(addr));
		snprintf(details, sizeof(details), "{\"address\":\"%s\",\"port\":%d,"
		    "\"protocol\":\"tcp\",\"state\":\"%s\"}", addr, r->o->ports[p].port,
		    port_scan_state_name(st));
		if ((res = pr_item(r, c, refs[i].asset)) == NULL ||
		    scan_results_add(res, refs[i].code, "pass", refs[i].key, details) != 0)
			return (-1);
		r->sum->passes++;
	}
	return (0);
}

/* Coverage "ports" for every company scanned whole, also when nothing was found. */
static int
pr_write_coverage(struct pr_run *r)
{
	const char **slugs;
	size_t c, n = 0;
	int rc;

	if ((slugs = calloc(r->ncompanies + 1, sizeof(*slugs))) == NULL) {
		log_error("ports: out of memory");
		return (-1);
	}
	for (c = 0; c < r->ncompanies; c++)
		if (!r->companies[c].incomplete)
			slugs[n++] = r->companies[c].slug;
	r->sum->covered = (long)n;
	rc = n > 0 ? coverage_record(r->conn, "ports", slugs, n, r->o->now) : 0;
	free(slugs);
	return (rc);
}

static void
pr_free(struct pr_run *r)
{
	size_t t;

	for (t = 0; r->tstate != NULL && t < r->ntargets; t++) {
		struct pr_open *op, *next;

		for (op = r->tstate[t].open; op != NULL; op = next) {
			next = op->next;
			free(op);
		}
	}
	free(r->tstate);
	free(r->targets);
	free(r->states);
	free(r->owners);
	free(r->companies);
	free(r->assets);
	free(r->results);
	free(r->refs);
}

int
port_run(PGconn *conn, const struct port_run_options *o, struct port_run_summary *sum)
{
	struct pr_run r;
	size_t i;
	int rc = -1;
	double t0 = progress_clock(), t1, t2;

	memset(sum, 0, sizeof(*sum));
	memset(&r, 0, sizeof(r));
	r.conn = conn;
	r.o = o;
	r.sum = sum;
	if ((r.results = calloc(PR_BATCH, sizeof(*r.results))) == NULL) {
		log_error("ports: out of memory");
		goto done;
	}
	if (port_scan_store_assets(conn, o->companies, o->ncompanies, &r.assets,
	    &r.nassets) != 0 || pr_collect(&r) != 0 || pr_targets(&r) != 0)
		goto done;
	r.total = (uint64_t)r.ntargets * o->nports;
	t1 = progress_clock();
	sum->resolve_seconds = t1 - t0;
	if (port_scan_run(&o->scan, r.targets, r.ntargets, o->ports, o->nports,
	    pr_on_report, &r, &sum->scan) != 0)
		goto done;
	t2 = progress_clock();
	sum->scan_seconds = t2 - t1;
	if (r.failed) {
		log_error("ports: out of memory, or a result too large to store");
		goto done;
	}
	for (i = 0; i < r.nowners; i++)
		if (r.tstate[r.owners[i].target].incomplete)
			r.companies[r.owners[i].company].incomplete = 1;
	qsort(r.owners, r.nowners, sizeof(*r.owners), pr_owner_by_asset);
	if (pr_write_open(&r) != 0 || pr_write_passes(&r) != 0 || pr_flush(&r) != 0 ||
	    pr_write_coverage(&r) != 0)
		goto done;
	sum->write_seconds = progress_clock() - t2;
	rc = 0;
done:
	pr_free(&r);
	return (rc);
}
