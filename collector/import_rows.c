#include "collector/import_rows.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "collector/csv.h"
#include "common/utf8.h"
#include "common/buf.h"
#include "common/timefmt.h"
#include "disclosure/disclosure_evidence.h"

enum { CO_SLUG, CO_NAME, CO_SECTOR, CO_SIZE_BAND, CO_COUNTRY, CO_DOMAINS, CO_IP_RANGES,
    CO_VISIBILITY, CO_N };
enum { EV_COMPANY, EV_ASSET, EV_CHECK_CODE, EV_OUTCOME, EV_OBSERVATION_KEY, EV_OBSERVED_AT,
    EV_FIRST_SEEN, EV_LAST_SEEN, EV_SOURCE, EV_COLLECTOR_VERSION, EV_DETAILS, EV_N };
enum { IN_COMPANY, IN_OCCURRED_AT, IN_DISCLOSED_AT, IN_KIND, IN_SEVERITY, IN_SOURCE,
    IN_EXTERNAL_REF, IN_SUMMARY, IN_N };

struct import_column {
	const char *name;
	int required;                  /* must be in a CSV header */
};

static const struct import_column company_columns[CO_N] = {
	{"slug", 1}, {"name", 1}, {"sector", 1}, {"size_band", 1}, {"country", 1},
	{"domains", 0}, {"ip_ranges", 0}, {"visibility", 0},
};
static const struct import_column evidence_columns[EV_N] = {
	{"company", 1}, {"asset", 0}, {"check_code", 1}, {"outcome", 1},
	{"observation_key", 0}, {"observed_at", 0}, {"first_seen", 0}, {"last_seen", 0},
	{"source", 0}, {"collector_version", 0}, {"details", 0},
};
static const struct import_column incident_columns[IN_N] = {
	{"company", 1}, {"occurred_at", 1}, {"disclosed_at", 0}, {"kind", 1},
	{"severity", 1}, {"source", 0}, {"external_ref", 0}, {"summary", 0},
};

static const struct {
	const char *name;
	const struct import_column *columns;
	size_t n;
} import_kinds[] = {
	{"companies", company_columns, CO_N},
	{"evidence", evidence_columns, EV_N},
	{"incidents", incident_columns, IN_N},
};

/* ISO 3166-1 alpha-2: the officially assigned codes. */
static const char import_countries[] =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM "
    "BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX "
    "CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG "
    "GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR "
    "IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV "
    "LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE "
    "NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO "
    "RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF "
    "TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF "
    "WS YE YT ZA ZM ZW";

static int
import_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Add one message to err: a row's messages are one per line, in column order, so a
 * line break or other control character a message quotes from the input is written
 * escaped (\n, \r, \t, \xHH). The entry points (import_rows_*, import_json_row) start
 * err empty. -1. */
static int
import_fail(char *err, size_t errlen, const char *fmt, ...)
{
	static const char hex[] = "0123456789abcdef";
	size_t used = strnlen(err, errlen), i;
	char msg[1024], esc[5];
	va_list ap;

	if (used > 0 && used + 2 < errlen) {
		err[used++] = '\n';
		err[used] = '\0';
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (i = 0; msg[i] != '\0'; i++) {
		unsigned char c = (unsigned char)msg[i];

		esc[0] = (char)c;
		esc[1] = '\0';
		if (c < 0x20 || c == 0x7F) {
			esc[0] = '\\';
			esc[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : 'x';
			esc[2] = '\0';
			if (esc[1] == 'x') {
				esc[2] = hex[c >> 4];
				esc[3] = hex[c & 15];
				esc[4] = '\0';
			}
		}
		if (used + strlen(esc) + 1 > errlen)
			break;
		memcpy(err + used, esc, strlen(esc) + 1);
		used += strlen(esc);
	}
	return (-1);
}

int
import_rows_kind_parse(const char *name, enum import_kind *kind)
{
	size_t i;

	for (i = 0; i < sizeof(import_kinds) / sizeof(import_kinds[0]); i++)
		if (strcmp(name, import_kinds[i].name) == 0) {
			*kind = (enum import_kind)i;
			return (0);
		}
	return (-1);
}

const char *
import_rows_kind_name(enum import_kind kind)
{
	return (import_kinds[kind].name);
}

size_t
import_rows_ncolumns(enum import_kind kind)
{
	return (import_kinds[kind].n);
}

const char *
import_rows_column_name(enum import_kind kind, size_t i)
{
	return (import_kinds[kind].columns[i].name);
}

int
import_rows_column(enum import_kind kind, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < import_kinds[kind].n; i++)
		if (strlen(import_kinds[kind].columns[i].name) == n &&
		    memcmp(import_kinds[kind].columns[i].name, name, n) == 0)
			return ((int)i);
	return (-1);
}

int
import_rows_header(enum import_kind kind, const char *const *names, const size_t *lens,
    size_t n, int *map, char *err, size_t errlen)
{
	int seen[IMPORT_MAX_COLUMNS] = {0};
	size_t i;
	int col;

	err[0] = '\0';
	for (i = 0; i < n; i++) {
		if ((col = import_rows_column(kind, names[i], lens[i])) < 0)
			return (import_fail(err, errlen, "header: unknown column '%.*s'",
			    (int)(lens[i] > 64 ? 64 : lens[i]), names[i]));
		if (seen[col])
			return (import_fail(err, errlen, "header: column '%s' appears twice",
			    import_rows_column_name(kind, (size_t)col)));
		seen[col] = 1;
		map[i] = col;
	}
	for (i = 0; i < import_kinds[kind].n; i++)
		if (import_kinds[kind].columns[i].required && !seen[i])
			return (import_fail(err, errlen, "header: missing column '%s'",
			    import_kinds[kind].columns[i].name));
	if (kind == IMPORT_EVIDENCE && !seen[EV_OBSERVED_AT] &&
	    !(seen[EV_FIRST_SEEN] && seen[EV_LAST_SEEN]))
		return (import_fail(err, errlen,
		    "header: needs 'observed_at' or both 'first_seen' and 'last_seen'"));
	return (0);
}

/* The value of column col, or NULL when it is absent or empty. */
static const char *
import_get(const struct import_fields *f, int col, size_t *len)
{
	if (f->value[col] == NULL || f->len[col] == 0)
		return (NULL);
	*len = f->len[col];
	return (f->value[col]);
}

/* Copy a text value of at most max_chars characters into out (size outsize, which
 * holds 4 * max_chars + 1). Control characters are refused unless multiline allows
 * tab, CR and LF. */
static int
import_text(const struct import_fields *f, int col, const char *name, int required,
    size_t max_chars, int multiline, char *out, size_t outsize, char *err, size_t errlen)
{
	const char *v;
	size_t n = 0, i;

	out[0] = '\0';
	if ((v = import_get(f, col, &n)) == NULL)
		return (required ? import_fail(err, errlen, "%s: required", name) : 0);
	if (!csv_utf8_valid(v, n))
		return (import_fail(err, errlen, "%s: not valid UTF-8 text", name));
	if (utf8_length(v, n) > max_chars || n >= outsize)
		return (import_fail(err, errlen, "%s: longer than %zu characters", name,
		    max_chars));
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if ((c < 0x20 || c == 0x7F) &&
		    !(multiline && (c == '\n' || c == '\r' || c == '\t')))
			return (import_fail(err, errlen, "%s: holds a control character",
			    name));
	}
	memcpy(out, v, n);
	out[n] = '\0';
	return (0);
}

/* One of a fixed set of words (a NULL-terminated list). */
static int
import_choice(const struct import_fields *f, int col, const char *name, int required,
    const char *const *words, const char *wordlist, char *out, size_t outsize, char *err,
    size_t errlen)
{
	const char *v;
	size_t n = 0, i;

	out[0] = '\0';
	if ((v = import_get(f, col, &n)) == NULL)
		return (required ? import_fail(err, errlen, "%s: required", name) : 0);
	for (i = 0; words[i] != NULL; i++)
		if (strlen(words[i]) == n && memcmp(words[i], v, n) == 0 && n < outsize) {
			memcpy(out, v, n);
			out[n] = '\0';
			return (0);
		}
	return (import_fail(err, errlen, "%s: '%.*s' is not one of %s", name,
	    (int)(n > 40 ? 40 : n), v, wordlist));
}

/* ^[a-z0-9][a-z0-9-]{0,62}$ */
static int
import_slug(const struct import_fields *f, int col, const char *name, char out[64],
    char *err, size_t errlen)
{
	const char *v;
	size_t n = 0, i;

	if ((v = import_get(f, col, &n)) == NULL)
		return (import_fail(err, errlen, "%s: required", name));
	for (i = 0; i < n; i++)
		if (!(islower((unsigned char)v[i]) || isdigit((unsigned char)v[i]) ||
		    (v[i] == '-' && i > 0)) || !isascii((unsigned char)v[i]))
			break;
	if (i < n || n > 63)
		return (import_fail(err, errlen, "%s: '%.*s' is not a slug (1 to 63 of a-z, 0-9 "
		    "and '-', not starting with '-')", name, (int)(n > 64 ? 64 : n), v));
	memcpy(out, v, n);
	out[n] = '\0';
	return (0);
}

static int
import_time(const struct import_fields *f, int col, const char *name, int64_t now,
    int64_t *out, char *err, size_t errlen)
{
	char tmp[64];
	const char *v;
	size_t n = 0;

	if ((v = import_get(f, col, &n)) == NULL)
		return (import_fail(err, errlen, "%s: required", name));
	if (n >= sizeof(tmp))
		return (import_fail(err, errlen, "%s: not an ISO 8601 time", name));
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	if (timefmt_parse(tmp, out) != 0)
		return (import_fail(err, errlen, "%s: '%s' is not an ISO 8601 time "
		    "(2026-03-01T12:00:00Z)", name, tmp));
	if (*out > now + IMPORT_FUTURE_SKEW)
		return (import_fail(err, errlen, "%s: '%s' is in the future", name, tmp));
	return (0);
}

static int
import_domain(const char *s, size_t n, struct import_asset *out, char *err, size_t errlen)
{
	size_t i, label = 0, labels = 1;
	int alpha_tld = 0;

	if (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return (import_fail(err, errlen, "'%.*s' is not a domain name (1 to 253 "
		    "characters)", (int)(n > 64 ? 64 : n), s));
	for (i = 0; i < n; i++) {
		char c = (char)tolower((unsigned char)s[i]);

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				break;
			labels++;
			label = 0;
			alpha_tld = 0;
			out->value[i] = c;
			continue;
		}
		if (!isascii((unsigned char)c) ||
		    !(islower((unsigned char)c) || isdigit((unsigned char)c) || c == '-'))
			break;
		if ((c == '-' && label == 0) || ++label > 63)
			break;
		if (islower((unsigned char)c))
			alpha_tld = 1;
		out->value[i] = c;
	}
	if (i < n || label == 0 || s[n - 1] == '-' || labels < 2 || !alpha_tld)
		return (import_fail(err, errlen, "'%.*s' is not a domain name (labels of "
		    "a-z, 0-9 and '-', at least two, the last not numeric)",
		    (int)(n > 64 ? 64 : n), s));
	out->value[n] = '\0';
	out->kind = IMPORT_ASSET_DOMAIN;
	return (0);
}

static int
import_cidr(const char *s, size_t n, struct import_asset *out, char *err, size_t errlen)
{
	unsigned char addr[16];
	char tmp[64], text[INET6_ADDRSTRLEN];
	const char *slash;
	int family, bits, prefix, i;
	long v;
	char *end;

	if (n >= sizeof(tmp))
		goto bad;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	family = strchr(tmp, ':') != NULL ? AF_INET6 : AF_INET;
	bits = family == AF_INET6 ? 128 : 32;
	prefix = bits;
	if ((slash = strchr(tmp, '/')) != NULL) {
		if (!isdigit((unsigned char)slash[1]))
			goto bad;
		v = strtol(slash + 1, &end, 10);
		if (*end != '\0' || v < 0 || v > bits || end - (slash + 1) > 3)
			goto bad;
		prefix = (int)v;
		tmp[slash - tmp] = '\0';
	}
	if (inet_pton(family, tmp, addr) != 1)
		goto bad;
	for (i = prefix; i < bits; i++)
		if (addr[i / 8] & (0x80 >> (i % 8)))
			return (import_fail(err, errlen, "'%.*s' has bits set past its /%d prefix",
			    (int)n, s, prefix));
	if (inet_ntop(family, addr, text, sizeof(text)) == NULL)
		goto bad;
	snprintf(out->value, sizeof(out->value), "%s/%d", text, prefix);
	out->kind = IMPORT_ASSET_IP_RANGE;
	return (0);

bad:
	return (import_fail(err, errlen, "'%.*s' is not an IPv4 or IPv6 range (CIDR)",
	    (int)(n > 64 ? 64 : n), s));
}

int
import_rows_asset(const char *s, size_t n, struct import_asset *out, char *err, size_t errlen)
{
	size_t i;
	int ip = 1;

	err[0] = '\0';
	/* An address has a ':' (IPv6) or only digits, dots and a '/' (IPv4). */
	if (memchr(s, ':', n) == NULL)
		for (i = 0; i < n; i++)
			if (!isdigit((unsigned char)s[i]) && s[i] != '.' && s[i] != '/')
				ip = 0;
	if (n > 0 && memchr(s, '/', n) != NULL)
		ip = 1;
	return (ip ? import_cidr(s, n, out, err, errlen) : import_domain(s, n, out, err, errlen));
}

/* A ';'-separated list of assets of one kind; blanks around items and empty items
 * are ignored. */
static int
import_asset_list(const struct import_fields *f, int col, const char *name,
    enum import_asset_kind kind, struct import_company *out, char *err, size_t errlen)
{
	char why[200];
	const char *v, *p, *end, *seg_end, *item;
	size_t n = 0, len;

	if ((v = import_get(f, col, &n)) == NULL)
		return (0);
	for (p = v, end = v + n;; p = seg_end + 1) {
		if ((seg_end = memchr(p, ';', (size_t)(end - p))) == NULL)
			seg_end = end;
		item = p;
		len = (size_t)(seg_end - p);
		while (len > 0 && *item == ' ')
			item++, len--;
		while (len > 0 && item[len - 1] == ' ')
			len--;
		if (len > 0) {
			if (out->nassets == IMPORT_MAX_ASSETS)
				return (import_fail(err, errlen, "%s: more than %d assets on "
				    "one row", name, IMPORT_MAX_ASSETS));
			if (import_rows_asset(item, len, &out->assets[out->nassets], why,
			    sizeof(why)) != 0)
				return (import_fail(err, errlen, "%s: %s", name, why));
			if (out->assets[out->nassets].kind != kind)
				return (import_fail(err, errlen, "%s: '%.*s' is not a %s", name,
				    (int)(len > 64 ? 64 : len), item,
				    kind == IMPORT_ASSET_DOMAIN ? "domain name" : "CIDR range"));
			out->nassets++;
		}
		if (seg_end == end)
			break;
	}
	return (0);
}

/* The sector: a lowercase code. */
static int
import_sector(const struct import_fields *f, char out[41], char *err, size_t errlen)
{
	const char *v;
	size_t n = 0, i;

	if ((v = import_get(f, CO_SECTOR, &n)) == NULL)
		return (import_fail(err, errlen, "sector: required"));
	for (i = 0; i < n; i++)
		if (!isascii((unsigned char)v[i]) || !(islower((unsigned char)v[i]) ||
		    (i > 0 && (isdigit((unsigned char)v[i]) || v[i] == '_'))))
			break;
	if (i < n || n > 40)
		return (import_fail(err, errlen, "sector: '%.*s' is not a sector code (1 to 40 "
		    "of a-z, 0-9 and '_', starting with a letter)", (int)(n > 64 ? 64 : n), v));
	memcpy(out, v, n);
	out[n] = '\0';
	return (0);
}

/* The country: an assigned ISO 3166-1 alpha-2 code. */
static int
import_country(const struct import_fields *f, char out[3], char *err, size_t errlen)
{
	const char *v;
	size_t n = 0, i;

	if ((v = import_get(f, CO_COUNTRY, &n)) == NULL)
		return (import_fail(err, errlen, "country: required"));
	if (n != 2 || !isupper((unsigned char)v[0]) || !isupper((unsigned char)v[1]) ||
	    !isascii((unsigned char)v[0]) || !isascii((unsigned char)v[1]))
		return (import_fail(err, errlen, "country: '%.*s' is not two capital letters "
		    "(ISO 3166-1 alpha-2)", (int)(n > 64 ? 64 : n), v));
	for (i = 0; i + 2 <= sizeof(import_countries) - 1; i += 3)
		if (memcmp(import_countries + i, v, 2) == 0)
			break;
	if (i + 2 > sizeof(import_countries) - 1)
		return (import_fail(err, errlen, "country: '%.2s' is not an assigned ISO 3166-1 "
		    "alpha-2 code", v));
	memcpy(out, v, 2);
	out[2] = '\0';
	return (0);
}

int
import_rows_company(const struct import_fields *f, struct import_company *out, char *err,
    size_t errlen)
{
	static const char *const bands[] = {"micro", "small", "medium", "large",
	    "enterprise", NULL};
	static const char *const visibilities[] = {"public", "private", NULL};
	int bad = 0, domains_bad;

	err[0] = '\0';
	out->nassets = 0;
	bad |= import_slug(f, CO_SLUG, "slug", out->slug, err, errlen) != 0;
	bad |= import_text(f, CO_NAME, "name", 1, 200, 0, out->name, sizeof(out->name), err,
	    errlen) != 0;
	bad |= import_sector(f, out->sector, err, errlen) != 0;
	bad |= import_choice(f, CO_SIZE_BAND, "size_band", 1, bands,
	    "micro, small, medium, large, enterprise", out->size_band,
	    sizeof(out->size_band), err, errlen) != 0;
	bad |= import_country(f, out->country, err, errlen) != 0;
	domains_bad = import_asset_list(f, CO_DOMAINS, "domains", IMPORT_ASSET_DOMAIN, out,
	    err, errlen) != 0;
	bad |= domains_bad;
	/* The cap is on domains and ranges together: said once, for the domains when
	 * they alone reach it. */
	if (!(domains_bad && out->nassets == IMPORT_MAX_ASSETS))
		bad |= import_asset_list(f, CO_IP_RANGES, "ip_ranges", IMPORT_ASSET_IP_RANGE,
		    out, err, errlen) != 0;
	bad |= import_choice(f, CO_VISIBILITY, "visibility", 0, visibilities,
	    "public, private", out->visibility, sizeof(out->visibility), err, errlen) != 0;
	return (bad ? -1 : 0);
}

/* The source column, else the default; required either way. */
static int
import_source(const struct import_fields *f, int col, const char *default_source,
    char out[401], char *err, size_t errlen)
{
	size_t n;

	if (import_text(f, col, "source", 0, 100, 0, out, 401, err, errlen) != 0)
		return (-1);
	if (out[0] != '\0')
		return (0);
	if (default_source == NULL || default_source[0] == '\0')
		return (import_fail(err, errlen, "source: required (a column, or --source)"));
	if ((n = strlen(default_source)) > 400 || utf8_length(default_source, n) > 100)
		return (import_fail(err, errlen, "source: --source is longer than 100 "
		    "characters"));
	memcpy(out, default_source, n + 1);
	return (0);
}

static int
import_details(const struct import_fields *f, int col, struct import_evidence *out,
    char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *j;
	const char *v;
	size_t n = 0;
	int is_object;

	if ((v = import_get(f, col, &n)) == NULL) {
		out->details = "{}";
		out->details_len = 2;
		return (0);
	}
	if (n > IMPORT_MAX_FIELD)
		return (import_fail(err, errlen, "details: longer than %d bytes",
		    IMPORT_MAX_FIELD));
	if ((j = json_loadb(v, n, JSON_DECODE_INT_AS_REAL, &jerr)) == NULL)
		return (import_fail(err, errlen, "details: not JSON: %s (at character %d)",
		    jerr.text, jerr.position));
	is_object = json_is_object(j);
	json_decref(j);
	if (!is_object)
		return (import_fail(err, errlen, "details: not a JSON object"));
	out->details = v;
	out->details_len = n;
	return (0);
}

/* A check code: its syntax only; the store checks that a methodology knows it. */
static int
import_check_code(const struct import_fields *f, char out[65], char *err, size_t errlen)
{
	const char *v;
	size_t n = 0, i;

	if ((v = import_get(f, EV_CHECK_CODE, &n)) == NULL)
		return (import_fail(err, errlen, "check_code: required"));
	for (i = 0; i < n; i++)
		if (!isascii((unsigned char)v[i]) || !(islower((unsigned char)v[i]) ||
		    (i > 0 && (isdigit((unsigned char)v[i]) || v[i] == '_' || v[i] == '.'))))
			break;
	if (i < n || n < 2 || n > 64)
		return (import_fail(err, errlen, "check_code: '%.*s' is not a check code (2 to 64 "
		    "of a-z, 0-9, '_' and '.', starting with a letter)", (int)(n > 64 ? 64 : n),
		    v));
	memcpy(out, v, n);
	out[n] = '\0';
	return (0);
}

/* observed_at, or first_seen and last_seen (not both forms). */
static int
import_seen(const struct import_fields *f, int64_t now, struct import_evidence *out,
    char *err, size_t errlen)
{
	size_t n;
	int bad;

	if (import_get(f, EV_OBSERVED_AT, &n) != NULL) {
		if (import_get(f, EV_FIRST_SEEN, &n) != NULL ||
		    import_get(f, EV_LAST_SEEN, &n) != NULL)
			return (import_fail(err, errlen, "observed_at: give it or first_seen and "
			    "last_seen, not both"));
		if (import_time(f, EV_OBSERVED_AT, "observed_at", now, &out->first_seen, err,
		    errlen) != 0)
			return (-1);
		out->last_seen = out->first_seen;
		return (0);
	}
	if (import_get(f, EV_FIRST_SEEN, &n) == NULL && import_get(f, EV_LAST_SEEN, &n) == NULL)
		return (import_fail(err, errlen, "observed_at: required (or first_seen and "
		    "last_seen)"));
	bad = import_time(f, EV_FIRST_SEEN, "first_seen", now, &out->first_seen, err,
	    errlen) != 0;
	bad |= import_time(f, EV_LAST_SEEN, "last_seen", now, &out->last_seen, err,
	    errlen) != 0;
	if (bad)
		return (-1);
	if (out->last_seen < out->first_seen)
		return (import_fail(err, errlen, "last_seen: before first_seen"));
	return (0);
}

int
import_rows_evidence(const struct import_fields *f, const char *default_source, int64_t now,
    struct import_evidence *out, char *err, size_t errlen)
{
	static const char *const outcomes[] = {"pass", "fail", "info", NULL};
	char why[200];
	const char *v;
	size_t n = 0;
	int bad = 0, source_bad;

	err[0] = '\0';
	bad |= import_slug(f, EV_COMPANY, "company", out->company, err, errlen) != 0;
	out->asset.kind = IMPORT_ASSET_NONE;
	out->asset.value[0] = '\0';
	if ((v = import_get(f, EV_ASSET, &n)) != NULL &&
	    import_rows_asset(v, n, &out->asset, why, sizeof(why)) != 0)
		bad |= import_fail(err, errlen, "asset: %s", why) != 0;
	bad |= import_check_code(f, out->check_code, err, errlen) != 0;
	bad |= import_choice(f, EV_OUTCOME, "outcome", 1, outcomes, "pass, fail, info",
	    out->outcome, sizeof(out->outcome), err, errlen) != 0;
	bad |= import_text(f, EV_OBSERVATION_KEY, "observation_key", 0, 200, 0,
	    out->observation_key, sizeof(out->observation_key), err, errlen) != 0;
	bad |= import_seen(f, now, out, err, errlen) != 0;
	source_bad = import_source(f, EV_SOURCE, default_source, out->source, err,
	    errlen) != 0;
	/* Verified governance disclosures own that source's rows (docs/disclosure.md):
	 * an import must not revive one that was withdrawn, rejected or expired. */
	if (!source_bad && strcmp(out->source, DISCLOSURE_EVIDENCE_SOURCE) == 0)
		source_bad = import_fail(err, errlen, "source: \"" DISCLOSURE_EVIDENCE_SOURCE
		    "\" is reserved for the governance disclosures staff verified") != 0;
	bad |= source_bad;
	bad |= import_text(f, EV_COLLECTOR_VERSION, "collector_version", 0, 50, 0,
	    out->collector_version, sizeof(out->collector_version), err, errlen) != 0;
	bad |= import_details(f, EV_DETAILS, out, err, errlen) != 0;
	return (bad ? -1 : 0);
}

int
import_rows_incident(const struct import_fields *f, const char *default_source, int64_t now,
    struct import_incident *out, char *err, size_t errlen)
{
	static const char *const kinds[] = {"breach", "ransomware", "compromise", "ddos",
	    "data_exposure", "other", NULL};
	static const char *const severities[] = {"low", "medium", "high", "critical", NULL};
	size_t n;
	int bad = 0, occurred_bad, disclosed_bad = 0;

	err[0] = '\0';
	bad |= import_slug(f, IN_COMPANY, "company", out->company, err, errlen) != 0;
	occurred_bad = import_time(f, IN_OCCURRED_AT, "occurred_at", now, &out->occurred_at,
	    err, errlen) != 0;
	out->disclosed = import_get(f, IN_DISCLOSED_AT, &n) != NULL;
	out->disclosed_at = 0;
	if (out->disclosed) {
		disclosed_bad = import_time(f, IN_DISCLOSED_AT, "disclosed_at", now,
		    &out->disclosed_at, err, errlen) != 0;
		if (!occurred_bad && !disclosed_bad && out->disclosed_at < out->occurred_at)
			disclosed_bad = import_fail(err, errlen,
			    "disclosed_at: before occurred_at") != 0;
	}
	bad |= occurred_bad | disclosed_bad;
	bad |= import_choice(f, IN_KIND, "kind", 1, kinds,
	    "breach, ransomware, compromise, ddos, data_exposure, other", out->kind,
	    sizeof(out->kind), err, errlen) != 0;
	bad |= import_choice(f, IN_SEVERITY, "severity", 1, severities,
	    "low, medium, high, critical", out->severity, sizeof(out->severity), err,
	    errlen) != 0;
	bad |= import_source(f, IN_SOURCE, default_source, out->source, err, errlen) != 0;
	bad |= import_text(f, IN_EXTERNAL_REF, "external_ref", 0, 200, 0, out->external_ref,
	    sizeof(out->external_ref), err, errlen) != 0;
	bad |= import_text(f, IN_SUMMARY, "summary", 0, 2000, 1, out->summary,
	    sizeof(out->summary), err, errlen) != 0;
	return (bad ? -1 : 0);
}

struct import_json {
	json_t *root;
	char *owned[IMPORT_MAX_COLUMNS];   /* values made for this row (dumps, joins) */
};

struct import_json *
import_json_new(void)
{
	return (calloc(1, sizeof(struct import_json)));
}

static void
import_json_clear(struct import_json *j)
{
	size_t i;

	json_decref(j->root);
	j->root = NULL;
	for (i = 0; i < IMPORT_MAX_COLUMNS; i++) {
		free(j->owned[i]);
		j->owned[i] = NULL;
	}
}

void
import_json_free(struct import_json *j)
{
	if (j == NULL)
		return;
	import_json_clear(j);
	free(j);
}

/* Join an array of strings with ';' into a new string. */
static char *
import_json_join(const char *key, json_t *arr, char *err, size_t errlen)
{
	struct buf b;
	size_t i;
	json_t *item;

	buf_init(&b, IMPORT_MAX_FIELD);
	if (buf_append(&b, "", 0) != 0)
		goto fail;
	json_array_foreach(arr, i, item) {
		if (!json_is_string(item) || memchr(json_string_value(item), ';',
		    json_string_length(item)) != NULL) {
			import_fail(err, errlen, "%s: item %zu is not a string without ';'", key,
			    i + 1);
			buf_free(&b);
			return (NULL);
		}
		if ((i > 0 && buf_append(&b, ";", 1) != 0) ||
		    buf_append(&b, json_string_value(item), json_string_length(item)) != 0)
			goto fail;
	}
	return (b.data);

fail:
	import_fail(err, errlen, "%s: longer than %d bytes", key, IMPORT_MAX_FIELD);
	buf_free(&b);
	return (NULL);
}

int
import_json_row(struct import_json *j, enum import_kind kind, const char *line, size_t len,
    struct import_fields *f, char *err, size_t errlen)
{
	json_error_t jerr;
	const char *key;
	json_t *v;
	int col, bad = 0;

	err[0] = '\0';
	import_json_clear(j);
	memset(f, 0, sizeof(*f));
	if ((j->root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL)
		return (import_fail(err, errlen, "not JSON: %s (at character %d)", jerr.text,
		    jerr.position));
	if (!json_is_object(j->root))
		return (import_fail(err, errlen, "not a JSON object"));
	json_object_foreach(j->root, key, v) {
		const char *name;

		if ((col = import_rows_column(kind, key, strlen(key))) < 0) {
			bad = import_fail(err, errlen, "unknown field '%.64s'", key);
			continue;
		}
		name = import_rows_column_name(kind, (size_t)col);
		if (json_is_null(v))
			continue;
		if (json_is_string(v)) {
			f->value[col] = json_string_value(v);
			f->len[col] = json_string_length(v);
		} else if (json_is_object(v) && kind == IMPORT_EVIDENCE && col == EV_DETAILS) {
			if ((j->owned[col] = json_dumps(v, JSON_COMPACT)) == NULL) {
				bad = import_fail(err, errlen, "details: cannot be encoded");
				continue;
			}
			f->value[col] = j->owned[col];
			f->len[col] = strlen(j->owned[col]);
		} else if (json_is_array(v) && kind == IMPORT_COMPANIES &&
		    (col == CO_DOMAINS || col == CO_IP_RANGES)) {
			if ((j->owned[col] = import_json_join(name, v, err, errlen)) == NULL) {
				bad = -1;
				continue;
			}
			f->value[col] = j->owned[col];
			f->len[col] = strlen(j->owned[col]);
		} else {
			bad = import_fail(err, errlen, "%s: must be a string%s", name,
			    col == EV_DETAILS && kind == IMPORT_EVIDENCE ? " or an object" : "");
			continue;
		}
		if (f->len[col] > IMPORT_MAX_FIELD)
			bad = import_fail(err, errlen, "%s: longer than %d bytes", name,
			    IMPORT_MAX_FIELD);
	}
	return (bad);
}
