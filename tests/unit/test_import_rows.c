/* Import row validation: every message for every field kind, and the JSONL mapping. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/import_rows.h"
#include "common/timefmt.h"

#define NOW 1780000000   /* 2026-05-28 */

static char err[2048];

/* Fields from "name", "value" pairs ending with NULL. */
static void
fields(struct import_fields *f, enum import_kind kind, ...)
{
	const char *name, *value;
	va_list ap;
	int col;

	memset(f, 0, sizeof(*f));
	va_start(ap, kind);
	while ((name = va_arg(ap, const char *)) != NULL) {
		value = va_arg(ap, const char *);
		col = import_rows_column(kind, name, strlen(name));
		cr_assert_geq(col, 0, "no column %s", name);
		f->value[col] = value;
		f->len[col] = strlen(value);
	}
	va_end(ap);
}

/* A valid company row with one column replaced (value NULL: left out). */
static int
company_with(const char *name, const char *value, struct import_company *c)
{
	const char *cols[] = {"slug", "name", "sector", "size_band", "country", "domains",
	    "ip_ranges", "visibility"};
	const char *vals[] = {"acme", "Acme", "manufacturing", "large", "DE",
	    "acme.example", "192.0.2.0/24", "public"};
	struct import_fields f;
	size_t i;
	int col;

	memset(&f, 0, sizeof(f));
	for (i = 0; i < 8; i++) {
		const char *v = strcmp(cols[i], name) == 0 ? value : vals[i];

		if (v == NULL)
			continue;
		col = import_rows_column(IMPORT_COMPANIES, cols[i], strlen(cols[i]));
		f.value[col] = v;
		f.len[col] = strlen(v);
	}
	err[0] = '\0';
	return (import_rows_company(&f, c, err, sizeof(err)));
}

static void
company_fails(const char *name, const char *value, const char *message)
{
	struct import_company *c = malloc(sizeof(*c));

	cr_assert_eq(company_with(name, value, c), -1, "%s=%s should fail", name,
	    value ? value : "(none)");
	cr_assert_str_eq(err, message);
	free(c);
}

Test(import_rows, a_good_company_is_normalised)
{
	struct import_company *c = malloc(sizeof(*c));
	struct import_fields f;

	fields(&f, IMPORT_COMPANIES, "slug", "acme-2", "name", "Acme \xC3\x89t\xC3\xA9",
	    "sector", "it_services", "size_band", "enterprise", "country", "JP", "domains",
	    " Acme.Example ; www.acme.example.;", "ip_ranges", "2001:DB8:0::/48;10.0.0.1",
	    NULL);
	cr_assert_eq(import_rows_company(&f, c, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(c->slug, "acme-2");
	cr_assert_str_eq(c->visibility, "", "not given: keep the stored one");
	cr_assert_eq(c->nassets, 4);
	cr_assert_str_eq(c->assets[0].value, "acme.example");
	cr_assert_str_eq(c->assets[1].value, "www.acme.example");
	cr_assert_str_eq(c->assets[2].value, "2001:db8::/48");
	cr_assert_eq(c->assets[2].kind, IMPORT_ASSET_IP_RANGE);
	cr_assert_str_eq(c->assets[3].value, "10.0.0.1/32");
	free(c);
}

Test(import_rows, company_messages)
{
	company_fails("slug", NULL, "slug: required");
	company_fails("slug", "Acme", "slug: 'Acme' is not a slug (1 to 63 of a-z, 0-9 and "
	    "'-', not starting with '-')");
	company_fails("slug", "-acme", "slug: '-acme' is not a slug (1 to 63 of a-z, 0-9 and "
	    "'-', not starting with '-')");
	company_fails("slug", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "slug: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is not a "
	    "slug (1 to 63 of a-z, 0-9 and '-', not starting with '-')");
	company_fails("name", "", "name: required");
	company_fails("name", "tab\there", "name: holds a control character");
	company_fails("name", "\xFF", "name: not valid UTF-8 text");
	company_fails("sector", NULL, "sector: required");
	company_fails("sector", "Retail", "sector: 'Retail' is not a sector code (1 to 40 of "
	    "a-z, 0-9 and '_', starting with a letter)");
	company_fails("size_band", NULL, "size_band: required");
	company_fails("size_band", "huge", "size_band: 'huge' is not one of micro, small, "
	    "medium, large, enterprise");
	company_fails("country", NULL, "country: required");
	company_fails("country", "de", "country: 'de' is not two capital letters (ISO 3166-1 "
	    "alpha-2)");
	company_fails("country", "XX", "country: 'XX' is not an assigned ISO 3166-1 alpha-2 "
	    "code");
	company_fails("domains", "acme.example;-bad.example", "domains: '-bad.example' is not "
	    "a domain name (labels of a-z, 0-9 and '-', at least two, the last not numeric)");
	company_fails("domains", "localhost", "domains: 'localhost' is not a domain name "
	    "(labels of a-z, 0-9 and '-', at least two, the last not numeric)");
	company_fails("domains", "192.0.2.0/24", "domains: '192.0.2.0/24' is not a domain "
	    "name");
	company_fails("domains", "a..example", "domains: 'a..example' is not a domain name "
	    "(labels of a-z, 0-9 and '-', at least two, the last not numeric)");
	company_fails("ip_ranges", "192.0.2.1/24", "ip_ranges: '192.0.2.1/24' has bits set "
	    "past its /24 prefix");
	company_fails("ip_ranges", "192.0.2.0/33", "ip_ranges: '192.0.2.0/33' is not an IPv4 "
	    "or IPv6 range (CIDR)");
	company_fails("ip_ranges", "300.0.0.0/8", "ip_ranges: '300.0.0.0/8' is not an IPv4 "
	    "or IPv6 range (CIDR)");
	company_fails("ip_ranges", "acme.example", "ip_ranges: 'acme.example' is not a CIDR "
	    "range");
	company_fails("visibility", "hidden", "visibility: 'hidden' is not one of public, "
	    "private");
}

Test(import_rows, too_many_assets_on_a_row)
{
	struct import_company *c = malloc(sizeof(*c));
	char *list = malloc(IMPORT_MAX_FIELD);
	size_t i, n = 0;

	for (i = 0; i <= IMPORT_MAX_ASSETS; i++)
		n += (size_t)snprintf(list + n, IMPORT_MAX_FIELD - n, "d%zu.example;", i);
	cr_assert_eq(company_with("domains", list, c), -1);
	cr_assert_str_eq(err, "domains: more than 512 assets on one row");
	free(list);
	free(c);
}

/* Evidence with every column valid, then one replaced. */
static int
evidence_with(const char *name, const char *value, const char *default_source,
    struct import_evidence *e)
{
	const char *cols[] = {"company", "asset", "check_code", "outcome", "observation_key",
	    "first_seen", "last_seen", "source", "collector_version", "details", "observed_at"};
	const char *vals[] = {"acme", "acme.example", "tls.certificate_expired", "fail", "443",
	    "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z", "scanner", "1.0", "{\"a\": 1}",
	    NULL};
	struct import_fields f;
	size_t i;
	int col;

	memset(&f, 0, sizeof(f));
	for (i = 0; i < 11; i++) {
		const char *v = strcmp(cols[i], name) == 0 ? value : vals[i];

		if (v == NULL)
			continue;
		col = import_rows_column(IMPORT_EVIDENCE, cols[i], strlen(cols[i]));
		f.value[col] = v;
		f.len[col] = strlen(v);
	}
	err[0] = '\0';
	return (import_rows_evidence(&f, default_source, NOW, e, err, sizeof(err)));
}

static void
evidence_fails(const char *name, const char *value, const char *message)
{
	struct import_evidence e;

	cr_assert_eq(evidence_with(name, value, NULL, &e), -1, "%s should fail", name);
	cr_assert_str_eq(err, message);
}

/* Every wrong column of a row is reported, one per line in column order, not only the
 * first; a line break quoted from the input is escaped so that it stays one line. */
Test(import_rows, every_problem_of_a_row_is_reported)
{
	struct import_company *c = malloc(sizeof(*c));
	struct import_evidence e;
	struct import_incident in;
	struct import_fields f;

	fields(&f, IMPORT_COMPANIES, "slug", "Bad Slug", "name", "Acme", "sector", "9x",
	    "size_band", "huge", "country", "XX", "domains", "acme.example", "ip_ranges",
	    "example.org", NULL);
	cr_assert_eq(import_rows_company(&f, c, err, sizeof(err)), -1);
	cr_assert_str_eq(err,
	    "slug: 'Bad Slug' is not a slug (1 to 63 of a-z, 0-9 and '-', not starting with"
	    " '-')\n"
	    "sector: '9x' is not a sector code (1 to 40 of a-z, 0-9 and '_', starting with a"
	    " letter)\n"
	    "size_band: 'huge' is not one of micro, small, medium, large, enterprise\n"
	    "country: 'XX' is not an assigned ISO 3166-1 alpha-2 code\n"
	    "ip_ranges: 'example.org' is not a CIDR range");

	fields(&f, IMPORT_EVIDENCE, "company", "acme", "check_code", "tls.\nexpired",
	    "outcome", "maybe", "first_seen", "2026-05-01T00:00:00Z", "last_seen", "yesterday",
	    "details", "[1]", NULL);
	cr_assert_eq(import_rows_evidence(&f, "scanner", NOW, &e, err, sizeof(err)), -1);
	cr_assert_str_eq(err,
	    "check_code: 'tls.\\nexpired' is not a check code (2 to 64 of a-z, 0-9, '_' and"
	    " '.', starting with a letter)\n"
	    "outcome: 'maybe' is not one of pass, fail, info\n"
	    "last_seen: 'yesterday' is not an ISO 8601 time (2026-03-01T12:00:00Z)\n"
	    "details: not a JSON object");

	fields(&f, IMPORT_INCIDENTS, "company", "acme", "occurred_at", "2026-05-02T00:00:00Z",
	    "disclosed_at", "2026-05-01T00:00:00Z", "kind", "flood", "severity", "low", NULL);
	cr_assert_eq(import_rows_incident(&f, NULL, NOW, &in, err, sizeof(err)), -1);
	cr_assert_str_eq(err,
	    "disclosed_at: before occurred_at\n"
	    "kind: 'flood' is not one of breach, ransomware, compromise, ddos, data_exposure,"
	    " other\n"
	    "source: required (a column, or --source)");
	free(c);
}

Test(import_rows, a_good_evidence_row)
{
	struct import_evidence e;

	cr_assert_eq(evidence_with("asset", "2001:db8::/32", NULL, &e), 0, "%s", err);
	cr_assert_eq(e.asset.kind, IMPORT_ASSET_IP_RANGE);
	cr_assert_eq(e.first_seen, 1767225600);
	cr_assert_eq(e.last_seen, 1769904000);
	cr_assert_eq(e.details_len, 8);
	cr_assert_eq(evidence_with("details", NULL, NULL, &e), 0);
	cr_assert_str_eq(e.details, "{}");
	cr_assert_eq(evidence_with("asset", NULL, NULL, &e), 0);
	cr_assert_eq(e.asset.kind, IMPORT_ASSET_NONE);
	cr_assert_eq(evidence_with("source", NULL, "feed-x", &e), 0);
	cr_assert_str_eq(e.source, "feed-x", "--source fills a missing source");
	cr_assert_eq(evidence_with("source", "own", "feed-x", &e), 0);
	cr_assert_str_eq(e.source, "own", "the row's own source wins");
	/* Verified disclosures own their source: an import cannot revive one; a
	 * company's self-disclosure imported as before keeps its own source. */
	cr_assert_eq(evidence_with("source", "disclosure", NULL, &e), 0);
	cr_assert_eq(evidence_with("source", "verified_disclosure", NULL, &e), -1);
	cr_assert_eq(evidence_with("source", NULL, "verified_disclosure", &e), -1);
}

Test(import_rows, observed_at_sets_both_times)
{
	struct import_fields f;
	struct import_evidence e;

	fields(&f, IMPORT_EVIDENCE, "company", "acme", "check_code", "dns.x", "outcome",
	    "pass", "observed_at", "2026-03-01T12:00:00+02:00", "source", "s", NULL);
	cr_assert_eq(import_rows_evidence(&f, NULL, NOW, &e, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(e.first_seen, e.last_seen);
	cr_assert_eq(e.first_seen, 1772359200);
	fields(&f, IMPORT_EVIDENCE, "company", "acme", "check_code", "dns.x", "outcome",
	    "pass", "observed_at", "2026-03-01", "first_seen", "2026-03-01", "source", "s",
	    NULL);
	cr_assert_eq(import_rows_evidence(&f, NULL, NOW, &e, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "observed_at: give it or first_seen and last_seen, not both");
	fields(&f, IMPORT_EVIDENCE, "company", "acme", "check_code", "dns.x", "outcome",
	    "pass", "source", "s", NULL);
	cr_assert_eq(import_rows_evidence(&f, NULL, NOW, &e, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "observed_at: required (or first_seen and last_seen)");
}

Test(import_rows, evidence_messages)
{
	char big[IMPORT_MAX_FIELD + 16];

	evidence_fails("company", NULL, "company: required");
	evidence_fails("company", "ACME", "company: 'ACME' is not a slug (1 to 63 of a-z, 0-9 "
	    "and '-', not starting with '-')");
	evidence_fails("asset", "not a host", "asset: 'not a host' is not a domain name "
	    "(labels of a-z, 0-9 and '-', at least two, the last not numeric)");
	evidence_fails("asset", "10.0.0.0/x", "asset: '10.0.0.0/x' is not an IPv4 or IPv6 "
	    "range (CIDR)");
	evidence_fails("check_code", NULL, "check_code: required");
	evidence_fails("check_code", "TLS.x", "check_code: 'TLS.x' is not a check code (2 to "
	    "64 of a-z, 0-9, '_' and '.', starting with a letter)");
	evidence_fails("outcome", NULL, "outcome: required");
	evidence_fails("outcome", "failed", "outcome: 'failed' is not one of pass, fail, info");
	memset(big, 'k', 201);
	big[201] = '\0';
	evidence_fails("observation_key", big, "observation_key: longer than 200 characters");
	evidence_fails("first_seen", NULL, "first_seen: required");
	evidence_fails("last_seen", NULL, "last_seen: required");
	evidence_fails("first_seen", "2026-02-30", "first_seen: '2026-02-30' is not an ISO "
	    "8601 time (2026-03-01T12:00:00Z)");
	evidence_fails("last_seen", "yesterday", "last_seen: 'yesterday' is not an ISO 8601 "
	    "time (2026-03-01T12:00:00Z)");
	evidence_fails("last_seen", "2025-12-31T00:00:00Z", "last_seen: before first_seen");
	evidence_fails("last_seen", "2030-01-01T00:00:00Z", "last_seen: '2030-01-01T00:00:00Z' "
	    "is in the future");
	evidence_fails("source", NULL, "source: required (a column, or --source)");
	memset(big, 's', 101);
	big[101] = '\0';
	evidence_fails("source", big, "source: longer than 100 characters");
	memset(big, 'v', 51);
	big[51] = '\0';
	evidence_fails("collector_version", big, "collector_version: longer than 50 characters");
	evidence_fails("details", "{\"a\": ", "details: not JSON: unexpected token near end of file "
	    "(at character 6)");
	evidence_fails("details", "[1, 2]", "details: not a JSON object");
	big[0] = '{';
	memset(big + 1, ' ', IMPORT_MAX_FIELD);
	big[IMPORT_MAX_FIELD + 1] = '}';
	big[IMPORT_MAX_FIELD + 2] = '\0';
	evidence_fails("details", big, "details: longer than 16384 bytes");
}

static int
incident(struct import_incident *in, const char *name, const char *value)
{
	const char *cols[] = {"company", "occurred_at", "disclosed_at", "kind", "severity",
	    "source", "external_ref", "summary"};
	const char *vals[] = {"acme", "2025-11-01T00:00:00Z", "2025-12-01T00:00:00Z",
	    "breach", "high", "feed", "BR-1", "Records\nexposed"};
	struct import_fields f;
	size_t i;
	int col;

	memset(&f, 0, sizeof(f));
	for (i = 0; i < 8; i++) {
		const char *v = strcmp(cols[i], name) == 0 ? value : vals[i];

		if (v == NULL)
			continue;
		col = import_rows_column(IMPORT_INCIDENTS, cols[i], strlen(cols[i]));
		f.value[col] = v;
		f.len[col] = strlen(v);
	}
	err[0] = '\0';
	return (import_rows_incident(&f, NULL, NOW, in, err, sizeof(err)));
}

static void
incident_fails(const char *name, const char *value, const char *message)
{
	struct import_incident *in = malloc(sizeof(*in));

	cr_assert_eq(incident(in, name, value), -1, "%s should fail", name);
	cr_assert_str_eq(err, message);
	free(in);
}

Test(import_rows, incidents)
{
	struct import_incident *in = malloc(sizeof(*in));
	char big[2100];

	cr_assert_eq(incident(in, "summary", "multi\nline\tsummary"), 0, "%s", err);
	cr_assert(in->disclosed);
	cr_assert_eq(incident(in, "disclosed_at", NULL), 0, "%s", err);
	cr_assert_not(in->disclosed);
	free(in);
	incident_fails("company", NULL, "company: required");
	incident_fails("occurred_at", NULL, "occurred_at: required");
	incident_fails("occurred_at", "2025-13-01", "occurred_at: '2025-13-01' is not an ISO "
	    "8601 time (2026-03-01T12:00:00Z)");
	incident_fails("disclosed_at", "2025-10-01T00:00:00Z", "disclosed_at: before "
	    "occurred_at");
	incident_fails("kind", "theft", "kind: 'theft' is not one of breach, ransomware, "
	    "compromise, ddos, data_exposure, other");
	incident_fails("kind", NULL, "kind: required");
	incident_fails("severity", "severe", "severity: 'severe' is not one of low, medium, "
	    "high, critical");
	incident_fails("source", NULL, "source: required (a column, or --source)");
	memset(big, 'r', 201);
	big[201] = '\0';
	incident_fails("external_ref", big, "external_ref: longer than 200 characters");
	incident_fails("external_ref", "a\nb", "external_ref: holds a control character");
	memset(big, 's', 2001);
	big[2001] = '\0';
	incident_fails("summary", big, "summary: longer than 2000 characters");
}

Test(import_rows, csv_headers)
{
	const char *names[] = {"name", "slug", "sector", "size_band", "country", "bogus"};
	size_t lens[6];
	int map[6];
	size_t i;

	for (i = 0; i < 6; i++)
		lens[i] = strlen(names[i]);
	cr_assert_eq(import_rows_header(IMPORT_COMPANIES, names, lens, 5, map, err,
	    sizeof(err)), 0, "%s", err);
	cr_assert_eq(map[0], import_rows_column(IMPORT_COMPANIES, "name", 4));
	cr_assert_eq(import_rows_header(IMPORT_COMPANIES, names, lens, 6, map, err,
	    sizeof(err)), -1);
	cr_assert_str_eq(err, "header: unknown column 'bogus'");
	cr_assert_eq(import_rows_header(IMPORT_COMPANIES, names, lens, 4, map, err,
	    sizeof(err)), -1);
	cr_assert_str_eq(err, "header: missing column 'country'");
	names[1] = "name";
	cr_assert_eq(import_rows_header(IMPORT_COMPANIES, names, lens, 5, map, err,
	    sizeof(err)), -1);
	cr_assert_str_eq(err, "header: column 'name' appears twice");
}

Test(import_rows, evidence_header_needs_times)
{
	const char *names[] = {"company", "check_code", "outcome", "first_seen"};
	size_t lens[4];
	int map[4];
	size_t i;

	for (i = 0; i < 4; i++)
		lens[i] = strlen(names[i]);
	cr_assert_eq(import_rows_header(IMPORT_EVIDENCE, names, lens, 4, map, err,
	    sizeof(err)), -1);
	cr_assert_str_eq(err, "header: needs 'observed_at' or both 'first_seen' and "
	    "'last_seen'");
}

Test(import_rows, json_lines)
{
	struct import_json *j = import_json_new();
	struct import_fields f;
	struct import_company *c = malloc(sizeof(*c));
	struct import_evidence e;
	const char *line;

	line = "{\"slug\":\"acme\",\"name\":\"Acme\",\"sector\":\"it\",\"size_band\":\"small\","
	    "\"country\":\"DE\",\"domains\":[\"a.example\",\"b.example\"],\"visibility\":null}";
	cr_assert_eq(import_json_row(j, IMPORT_COMPANIES, line, strlen(line), &f, err,
	    sizeof(err)), 0, "%s", err);
	cr_assert_eq(import_rows_company(&f, c, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(c->nassets, 2);
	cr_assert_str_eq(c->visibility, "");
	line = "{\"company\":\"acme\",\"check_code\":\"tls.x\",\"outcome\":\"pass\","
	    "\"observed_at\":\"2026-01-01\",\"source\":\"s\",\"details\":{\"k\":[1,2]}}";
	cr_assert_eq(import_json_row(j, IMPORT_EVIDENCE, line, strlen(line), &f, err,
	    sizeof(err)), 0, "%s", err);
	cr_assert_eq(import_rows_evidence(&f, NULL, NOW, &e, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(strncmp(e.details, "{\"k\":[1,2]}", e.details_len), 0);
	free(c);

	line = "{\"slug\": 1}";
	cr_assert_eq(import_json_row(j, IMPORT_COMPANIES, line, strlen(line), &f, err,
	    sizeof(err)), -1);
	cr_assert_str_eq(err, "slug: must be a string");
	line = "{\"slug\": \"a\", \"colour\": \"red\"}";
	cr_assert_eq(import_json_row(j, IMPORT_COMPANIES, line, strlen(line), &f, err,
	    sizeof(err)), -1);
	cr_assert_str_eq(err, "unknown field 'colour'");
	line = "[1]";
	cr_assert_eq(import_json_row(j, IMPORT_COMPANIES, line, strlen(line), &f, err,
	    sizeof(err)), -1);
	cr_assert_str_eq(err, "not a JSON object");
	line = "{\"slug\": \"a\", \"slug\": \"b\"}";
	cr_assert_eq(import_json_row(j, IMPORT_COMPANIES, line, strlen(line), &f, err,
	    sizeof(err)), -1);
	cr_assert(strncmp(err, "not JSON: duplicate object key", 30) == 0, "%s", err);
	line = "{\"domains\": [\"a.example\", 3]}";
	cr_assert_eq(import_json_row(j, IMPORT_COMPANIES, line, strlen(line), &f, err,
	    sizeof(err)), -1);
	cr_assert_str_eq(err, "domains: item 2 is not a string without ';'");
	line = "{\"details\": [1]}";
	cr_assert_eq(import_json_row(j, IMPORT_EVIDENCE, line, strlen(line), &f, err,
	    sizeof(err)), -1);
	cr_assert_str_eq(err, "details: must be a string or an object");
	import_json_free(j);
}

Test(import_rows, kinds)
{
	enum import_kind k;

	cr_assert_eq(import_rows_kind_parse("evidence", &k), 0);
	cr_assert_eq(k, IMPORT_EVIDENCE);
	cr_assert_str_eq(import_rows_kind_name(IMPORT_INCIDENTS), "incidents");
	cr_assert_eq(import_rows_kind_parse("assets", &k), -1);
	cr_assert_eq(import_rows_ncolumns(IMPORT_COMPANIES), 8);
}
