#include "collector/scan_results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "collector/import_store.h"
#include "common/buf.h"
#include "common/db.h"
#include "common/log.h"

#define RESULTS_ARRAY_LIMIT (16 * 1024 * 1024)

/*
 * Scanner evidence that a dispute corrected, observed again with the same outcome
 * and details: the same fact, not a new one, so it is not written (the importer
 * would take any newer observation as a new fact). Returns the 1-based positions.
 */
static const char results_corrected_same[] =
    "SELECT r.i FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
    "   $6::text[]) WITH ORDINALITY AS r(company, domain, code, key, outcome, details, i)"
    " JOIN companies c ON c.slug = r.company"
    " JOIN assets a ON a.company_id = c.id AND lower(a.value) = r.domain"
    "   AND a.kind = CASE WHEN strpos(r.domain, '/') > 0 THEN 'ip_range' ELSE 'domain' END"
    " JOIN evidence e ON e.company_id = c.id AND e.asset_id = a.id"
    "   AND e.check_code = r.code AND e.source = '" SCAN_RESULTS_SOURCE "'"
    "   AND e.observation_key = r.key"
    " WHERE e.status = 'corrected' AND e.outcome = r.outcome"
    "   AND e.details = r.details::jsonb";

int
scan_results_add(struct scan_results *r, const char *code, const char *outcome,
    const char *key, const char *details)
{
	struct scan_result *x;

	if (details == NULL)
		details = "{}";
	if (key == NULL)
		key = "";
	if (r->n >= SCAN_RESULTS_MAX || strlen(code) >= sizeof(x->code) ||
	    strlen(outcome) >= sizeof(x->outcome) || strlen(key) >= sizeof(x->key) ||
	    strlen(details) >= sizeof(x->details)) {
		r->truncated = 1;
		return (-1);
	}
	x = &r->items[r->n++];
	snprintf(x->code, sizeof(x->code), "%s", code);
	snprintf(x->outcome, sizeof(x->outcome), "%s", outcome);
	snprintf(x->key, sizeof(x->key), "%s", key);
	snprintf(x->details, sizeof(x->details), "%s", details);
	return (0);
}

int
scan_results_add_json(struct scan_results *r, const char *code, int fail, json_t *d)
{
	char *text = d ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc;

	rc = scan_results_add(r, code, fail ? "fail" : "pass", NULL,
	    text != NULL && strlen(text) >= SCAN_RESULT_DETAILS ?
	    "{\"details_omitted\":\"too long\"}" : text);
	free(text);
	json_decref(d);
	return (rc);
}

const char *
scan_results_outcome(const struct scan_results *r, const char *code)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->items[i].code, code) == 0)
			return (r->items[i].outcome);
	return ("-");
}

char *
scan_results_excerpt(const char *text, size_t len, size_t max, char *out)
{
	size_t i;

	if (max > SCAN_RESULTS_EXCERPT)
		max = SCAN_RESULTS_EXCERPT;
	for (i = 0; i < len && i < max; i++)
		out[i] = (text[i] >= 0x20 && text[i] < 0x7f) ? text[i] : '?';
	if (i < len)
		out[i++] = '.', out[i++] = '.', out[i++] = '.';
	out[i] = '\0';
	return (out);
}

/* Whether any of the companies (slugs, one array) has scanner evidence that a dispute
 * corrected: almost never, and then the results need not be compared one by one (the
 * partial index evidence_corrected_idx answers it). */
static const char results_any_corrected[] =
    "SELECT EXISTS (SELECT 1 FROM companies c"
    " JOIN evidence e ON e.company_id = c.id AND e.status = 'corrected'"
    " WHERE c.slug = ANY ($1::text[]) AND e.source = '" SCAN_RESULTS_SOURCE "')";

/* 1 when a company of items[0..n) has corrected scanner evidence, 0 when none has, -1
 * after logging. */
static int
results_any_corrected_of(PGconn *conn, const struct scan_results_item *items, size_t n)
{
	struct buf slugs;
	const char *params[1];
	PGresult *res;
	size_t i;
	int bad, rc = -1;

	buf_init(&slugs, RESULTS_ARRAY_LIMIT);
	bad = buf_append(&slugs, "{", 1);
	for (i = 0; i < n && !bad; i++) {
		/* A batch holds a company's domains next to one another, mostly. */
		if (i > 0 && strcmp(items[i].company, items[i - 1].company) == 0)
			continue;
		bad |= db_array_add_text(&slugs, items[i].company);
	}
	bad |= buf_append(&slugs, "}", 1);
	if (bad) {
		log_error("scan: too many companies to write at once");
		buf_free(&slugs);
		return (-1);
	}
	params[0] = slugs.data;
	if ((res = db_query(conn, results_any_corrected, 1, params)) != NULL) {
		rc = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
		PQclear(res);
	}
	buf_free(&slugs);
	return (rc);
}

/* Mark in skip[] (one per result, in order) the results that repeat a corrected
 * fact unchanged. 0, or -1 after logging. */
static int
results_corrected(PGconn *conn, const struct scan_results_item *items, size_t n,
    size_t total, unsigned char *skip)
{
	struct buf cols[6];
	const char *params[6];
	PGresult *res = NULL;
	size_t i, k, c;
	int bad = 0, rc = -1, row;

	if ((rc = results_any_corrected_of(conn, items, n)) <= 0)
		return (rc);
	rc = -1;
	for (c = 0; c < 6; c++) {
		buf_init(&cols[c], RESULTS_ARRAY_LIMIT);
		bad |= buf_append(&cols[c], "{", 1);
	}
	for (i = 0; i < n && !bad; i++) {
		const struct scan_results *r = items[i].results;

		for (k = 0; k < r->n && !bad; k++) {
			const char *v[6] = {items[i].company, items[i].domain, r->items[k].code,
			    r->items[k].key, r->items[k].outcome, r->items[k].details};

			for (c = 0; c < 6; c++)
				bad |= db_array_add_text(&cols[c], v[c]);
		}
	}
	for (c = 0; c < 6; c++) {
		bad |= buf_append(&cols[c], "}", 1);
		params[c] = cols[c].data;
	}
	if (bad) {
		log_error("scan: too many results to write at once");
		goto done;
	}
	if ((res = db_query(conn, results_corrected_same, 6, params)) == NULL)
		goto done;
	for (row = 0; row < PQntuples(res); row++) {
		long at = atol(PQgetvalue(res, row, 0));

		if (at >= 1 && (size_t)at <= total)
			skip[at - 1] = 1;
	}
	rc = 0;
done:
	PQclear(res);
	for (c = 0; c < 6; c++)
		buf_free(&cols[c]);
	return (rc);
}

struct results_rejects {
	long first_line;                      /* of the first rejected row */
	char message[256];
};

static void
results_report(void *arg, long line, const char *message)
{
	struct results_rejects *r = arg;

	if (r->first_line == 0) {
		r->first_line = line;
		snprintf(r->message, sizeof(r->message), "%s", message);
	}
}

/* The coverage of items[0..n): a domain's company is covered by "web", "tls" and
 * "mail" when its results hold a check of factor web_headers, tls and email_auth (a
 * part of the scan that failed left none). 0, or -1 logged. */
static int
results_coverage(const struct scan_results_item *items, size_t n,
    struct coverage_batch *coverage)
{
	static const struct {
		const char *prefix, *collector;
	} parts[] = {
		{"web_headers.", "web"}, {"tls.", "tls"}, {"email_auth.", "mail"},
	};
	size_t i, k, p;

	for (i = 0; i < n; i++)
		for (p = 0; p < sizeof(parts) / sizeof(parts[0]); p++)
			for (k = 0; k < items[i].results->n; k++)
				if (strncmp(items[i].results->items[k].code, parts[p].prefix,
				    strlen(parts[p].prefix)) == 0) {
					if (coverage_batch_add(coverage, parts[p].collector,
					    items[i].company, items[i].observed_at) != 0)
						return (-1);
					break;
				}
	return (0);
}

/* e's check, outcome, observation key and details from x (the rest is left). */
static void
results_evidence(struct import_evidence *e, const struct scan_result *x)
{
	snprintf(e->check_code, sizeof(e->check_code), "%s", x->code);
	snprintf(e->outcome, sizeof(e->outcome), "%s", x->outcome);
	snprintf(e->observation_key, sizeof(e->observation_key), "%s", x->key);
	e->details = x->details;
	e->details_len = strlen(x->details);
}

/* e's source and collector version: the scanner's. */
static void
results_evidence_source(struct import_evidence *e)
{
	snprintf(e->source, sizeof(e->source), "%s", SCAN_RESULTS_SOURCE);
	snprintf(e->collector_version, sizeof(e->collector_version), "%s",
	    SCAN_RESULTS_VERSION);
}

/* Write the lines rows staged in s with coverage and commit (s is freed), adding to
 * counts; 0, 1 or -1 as import_store_finish (why a refusal in rej). */
static int
results_finish(struct import_store *s, struct coverage_batch *coverage, long lines,
    struct scan_results_counts *counts, struct results_rejects *rej)
{
	struct import_counts ic;
	long rejected = 0;
	int rc;

	import_store_set_coverage(s, coverage);
	memset(&ic, 0, sizeof(ic));
	rc = import_store_finish(s, SCAN_RESULTS_SOURCE, 1, results_report, rej, &rejected,
	    &ic);
	if (rc == 0 && counts != NULL) {
		counts->results += lines;
		counts->inserted += ic.evidence_inserted;
		counts->updated += ic.evidence_updated;
		counts->unchanged += lines - ic.evidence_inserted - ic.evidence_updated;
	}
	return (rc);
}

/* What both ways of writing a batch of results need first: its coverage, and which
 * results repeat a fact a dispute corrected (skip, one byte a result in order; kept
 * of them), which are left as corrected. */
struct results_batch {
	struct coverage_batch coverage;
	unsigned char *skip;
	size_t total;                         /* results in all */
	long kept;
};

/* Fill b for items[0..n); 0, or -1 (logged). results_batch_free in either case. */
static int
results_batch_prepare(PGconn *conn, const struct scan_results_item *items, size_t n,
    struct results_batch *b)
{
	size_t i;

	memset(b, 0, sizeof(*b));
	coverage_batch_init(&b->coverage);
	for (i = 0; i < n; i++)
		b->total += items[i].results->n;
	if ((b->skip = calloc(b->total + 1, 1)) == NULL) {
		log_error("scan: out of memory");
		return (-1);
	}
	if (results_coverage(items, n, &b->coverage) != 0 ||
	    (b->total > 0 && results_corrected(conn, items, n, b->total, b->skip) != 0))
		return (-1);
	for (i = 0; i < b->total; i++)
		b->kept += b->skip[i];
	return (0);
}

static void
results_batch_free(struct results_batch *b)
{
	coverage_batch_free(&b->coverage);
	free(b->skip);
}

/* When every result of b repeats a corrected fact: write b's coverage alone and
 * count what was kept; 0 or -1. */
static int
results_batch_only_kept(PGconn *conn, struct results_batch *b,
    struct scan_results_counts *counts)
{
	if (counts != NULL)
		counts->corrected_kept += b->kept;
	return (coverage_batch_write(conn, &b->coverage));
}

/* A domain as the asset its results are about. */
static void
results_asset(struct import_asset *a, const char *domain)
{
	a->kind = strchr(domain, '/') != NULL ? IMPORT_ASSET_IP_RANGE : IMPORT_ASSET_DOMAIN;
	snprintf(a->value, sizeof(a->value), "%s", domain);
}

/* Write b's rows staged in s (lines of them) with its coverage and commit (s is
 * freed), counting what was kept as corrected once the batch is written. */
static int
results_batch_finish(struct import_store *s, struct results_batch *b, long lines,
    struct scan_results_counts *counts, struct results_rejects *rej)
{
	int rc = results_finish(s, &b->coverage, lines, counts, rej);

	if (rc == 0 && counts != NULL)
		counts->corrected_kept += b->kept;
	return (rc);
}

/* Stage the results of items[0..n) (b prepared for them) by company slug and asset
 * value and write them in one import transaction. 0 written, 1 refused by the
 * database (nothing written; why in rej), -1 failure (logged). */
static int
results_write_staged_batch(PGconn *conn, const struct scan_results_item *items, size_t n,
    struct results_batch *b, struct scan_results_counts *counts,
    struct results_rejects *rej)
{
	struct import_evidence *e;
	struct import_store *s;
	long line = 0;
	size_t i, k, at = 0;

	if ((size_t)b->kept == b->total)
		return (results_batch_only_kept(conn, b, counts));
	if ((e = calloc(1, sizeof(*e))) == NULL) {
		log_error("scan: out of memory");
		return (-1);
	}
	if ((s = import_store_begin(conn, IMPORT_EVIDENCE)) == NULL) {
		free(e);
		return (-1);
	}
	results_evidence_source(e);
	for (i = 0; i < n; i++) {
		const struct scan_results *r = items[i].results;

		/* What all of a domain's rows share. */
		snprintf(e->company, sizeof(e->company), "%s", items[i].company);
		results_asset(&e->asset, items[i].domain);
		e->first_seen = e->last_seen = items[i].observed_at;
		for (k = 0; k < r->n; k++) {
			if (b->skip[at++])
				continue;
			results_evidence(e, &r->items[k]);
			if (import_store_add_evidence(s, ++line, e) != 0) {
				import_store_abort(s);
				free(e);
				return (-1);
			}
		}
	}
	free(e);
	return (results_batch_finish(s, b, line, counts, rej));
}

/* results_write_staged_batch with the batch prepared here. */
static int
results_write_staged(PGconn *conn, const struct scan_results_item *items, size_t n,
    struct scan_results_counts *counts, struct results_rejects *rej)
{
	struct results_batch b;
	int rc = -1;

	if (results_batch_prepare(conn, items, n, &b) == 0)
		rc = results_write_staged_batch(conn, items, n, &b, counts, rej);
	results_batch_free(&b);
	return (rc);
}

/* Of the results of items[0..n) not in skip: whether two are one fact (the same
 * asset, check code and observation key), which the import merges into one row and
 * the path by id does not (the same asset under two domains, a check twice). */
static int
results_repeat(const struct scan_results_item *items, size_t n,
    const struct import_asset_ref *refs, const unsigned char *skip)
{
	size_t i, j, k, m, at = 0;

	for (i = 0; i < n; i++) {
		const struct scan_results *r = items[i].results;

		for (j = 0; j < i; j++)
			if (refs[j].asset_id == refs[i].asset_id &&
			    refs[j].company_id == refs[i].company_id)
				return (1);
		for (k = 0; k < r->n; k++) {
			if (skip[at + k])
				continue;
			for (m = 0; m < k; m++)
				if (!skip[at + m] &&
				    strcmp(r->items[m].code, r->items[k].code) == 0 &&
				    strcmp(r->items[m].key, r->items[k].key) == 0)
					return (1);
		}
		at += r->n;
	}
	return (0);
}

/* Why the import would refuse a row of item it with code (known or not) and the
 * company and asset ref, as its checks word it (lines joined by newlines); "" when
 * it would take it. Returns out. */
static char *
results_problem(const struct scan_results_item *it, const struct import_asset_ref *ref,
    const char *code, int known, char *out, size_t len)
{
	struct buf b;
	int bad = 0;

	buf_init(&b, 4096);
	bad |= buf_append(&b, "", 0);          /* data set even when there is no reason */
	if (ref->company_id == 0)
		bad |= buf_appendf(&b, "company: no company '%s'", it->company);
	else if (ref->asset_id == 0)
		bad |= buf_appendf(&b, "asset: '%s' is not attributed to company '%s'",
		    it->domain, it->company);
	if (ref->detached)
		bad |= buf_appendf(&b, "%sasset: '%s' was detached from company '%s'",
		    b.len > 0 ? "\n" : "", it->domain, it->company);
	if (!known)
		bad |= buf_appendf(&b, "%scheck_code: '%s' is in no published methodology and"
		    " not in the catalogue of unweighted checks", b.len > 0 ? "\n" : "", code);
	snprintf(out, len, "%s", bad ? "?" : b.data);
	buf_free(&b);
	return (out);
}

/* The distinct codes of the results of items[0..n) not in skip into codes (room for
 * every result); returns how many. */
static size_t
results_codes(const struct scan_results_item *items, size_t n, const unsigned char *skip,
    const char **codes)
{
	size_t i, k, c, nc = 0, at = 0;

	for (i = 0; i < n; i++)
		for (k = 0; k < items[i].results->n; k++) {
			const char *code = items[i].results->items[k].code;

			if (skip[at++])
				continue;
			for (c = 0; c < nc && strcmp(codes[c], code) != 0; c++)
				;
			if (c == nc)
				codes[nc++] = code;
		}
	return (nc);
}

/*
 * Write the results of items[0..n) as results_write_staged does, without staging
 * them by name: the scanner's rows share their domain's company and asset, so each
 * domain is resolved once (not each of its ~30 results by a join of the staged
 * rows), the check codes once each, and the rows are staged with their ids for the
 * same upsert. What the import would refuse is refused here with its words; rows the
 * import would merge (one fact twice in a batch) go the import's way. 0, 1 or -1 as
 * results_write_staged.
 */
static int
results_write(PGconn *conn, const struct scan_results_item *items, size_t n,
    struct scan_results_counts *counts, struct results_rejects *rej)
{
	struct results_batch b;
	struct import_evidence *e = NULL;
	struct import_store *s = NULL;
	struct import_asset *assets = NULL;
	struct import_asset_ref *refs = NULL;
	const char **companies = NULL, **codes = NULL;
	unsigned char *known = NULL;
	long line = 0;
	size_t i, k, c, at, ncodes;
	int rc = -1;

	if (results_batch_prepare(conn, items, n, &b) != 0)
		goto done;
	if ((size_t)b.kept == b.total) {
		rc = results_batch_only_kept(conn, &b, counts);
		goto done;
	}
	e = calloc(1, sizeof(*e));
	known = calloc(b.total + 1, 1);
	codes = calloc(b.total + 1, sizeof(*codes));
	assets = calloc(n + 1, sizeof(*assets));
	refs = calloc(n + 1, sizeof(*refs));
	companies = calloc(n + 1, sizeof(*companies));
	if (e == NULL || known == NULL || codes == NULL || assets == NULL || refs == NULL ||
	    companies == NULL) {
		log_error("scan: out of memory");
		goto done;
	}
	if ((s = import_store_begin_resolved(conn)) == NULL)
		goto done;
	for (i = 0; i < n; i++) {
		companies[i] = items[i].company;
		results_asset(&assets[i], items[i].domain);
	}
	ncodes = results_codes(items, n, b.skip, codes);
	if (import_store_resolve_assets(s, companies, assets, n, refs) != 0 ||
	    import_store_known_checks(s, codes, ncodes, known) != 0)
		goto abort;
	/* The first row the import would refuse, in line order. */
	for (i = 0, at = 0; i < n && rej->first_line == 0; i++) {
		const struct scan_results *r = items[i].results;

		for (k = 0; k < r->n && rej->first_line == 0; k++) {
			if (b.skip[at++])
				continue;
			line++;
			for (c = 0; strcmp(codes[c], r->items[k].code) != 0; c++)
				;
			results_problem(&items[i], &refs[i], r->items[k].code, known[c],
			    rej->message, sizeof(rej->message));
			if (rej->message[0] != '\0')
				rej->first_line = line;
		}
	}
	if (rej->first_line != 0) {
		rc = 1;
		goto abort;
	}
	if (results_repeat(items, n, refs, b.skip)) {
		import_store_abort(s);
		rc = results_write_staged_batch(conn, items, n, &b, counts, rej);
		goto done;
	}
	results_evidence_source(e);
	line = 0;
	for (i = 0, at = 0; i < n; i++) {
		const struct scan_results *r = items[i].results;

		e->first_seen = e->last_seen = items[i].observed_at;
		for (k = 0; k < r->n; k++) {
			if (b.skip[at++])
				continue;
			results_evidence(e, &r->items[k]);
			if (import_store_add_resolved(s, ++line, refs[i].company_id,
			    refs[i].asset_id, e) != 0)
				goto abort;
		}
	}
	rc = results_batch_finish(s, &b, line, counts, rej);
	goto done;
abort:
	import_store_abort(s);
done:
	results_batch_free(&b);
	free(companies);
	free(refs);
	free(assets);
	free(codes);
	free(known);
	free(e);
	return (rc);
}

typedef int results_write_fn(PGconn *, const struct scan_results_item *, size_t,
    struct scan_results_counts *, struct results_rejects *);

static int
results_store(PGconn *conn, const struct scan_results_item *items, size_t n,
    struct scan_results_counts *counts, results_write_fn *write)
{
	struct results_rejects rej;
	size_t i;
	int rc;

	memset(&rej, 0, sizeof(rej));
	if ((rc = write(conn, items, n, counts, &rej)) != 1)
		return (rc);
	/* Some domain's rows were refused: write each domain alone. */
	for (i = 0; i < n; i++) {
		memset(&rej, 0, sizeof(rej));
		if ((rc = write(conn, &items[i], 1, counts, &rej)) < 0)
			return (-1);
		if (rc == 1) {
			log_error("scan: %s (%s): results not stored: %s", items[i].domain,
			    items[i].company, rej.message);
			if (counts != NULL)
				counts->domains_rejected++;
		}
	}
	return (0);
}

int
scan_results_store(PGconn *conn, const struct scan_results_item *items, size_t n,
    struct scan_results_counts *counts)
{
	return (results_store(conn, items, n, counts, results_write));
}

int
scan_results_store_staged(PGconn *conn, const struct scan_results_item *items, size_t n,
    struct scan_results_counts *counts)
{
	return (results_store(conn, items, n, counts, results_write_staged));
}
