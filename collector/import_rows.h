#ifndef FAIRRATE_IMPORT_ROWS_H
#define FAIRRATE_IMPORT_ROWS_H

#include <stddef.h>
#include <stdint.h>

/*
 * The rows of `fairrate import`: column names per kind, the mapping of a CSV header
 * or a JSON Lines object onto them, and the validation of one row into a typed struct
 * with normalised values (lowercase domains, canonical CIDR, Unix seconds). Pure: no
 * I/O, no clock (the caller passes "now"). The formats are in docs/import-formats.md.
 *
 * Every validation failure is one message "column: problem"; a row is checked column
 * by column to the end, and all of its messages are written to err (size errlen), one
 * per line ('\n' between them; a control character quoted from the input escaped as
 * \n, \r, \t or \xHH; cut at errlen), and the row is rejected; the caller
 * prefixes each with "FILE:LINE: ". A JSON Lines row that is not an object of known
 * fields of the right types is reported for that (every such field) alone.
 */

enum import_kind { IMPORT_COMPANIES = 0, IMPORT_EVIDENCE, IMPORT_INCIDENTS };

#define IMPORT_MAX_COLUMNS 16
#define IMPORT_MAX_FIELD (16 * 1024)      /* bytes in one value (details included) */
#define IMPORT_MAX_ASSETS 512             /* domains plus ranges on one company row */
#define IMPORT_FUTURE_SKEW 3600           /* seconds a time may lie ahead of now */

/* One row's raw values, indexed by column (import_rows_column); NULL: absent. */
struct import_fields {
	const char *value[IMPORT_MAX_COLUMNS];
	size_t len[IMPORT_MAX_COLUMNS];
};

enum import_asset_kind { IMPORT_ASSET_NONE = 0, IMPORT_ASSET_DOMAIN, IMPORT_ASSET_IP_RANGE };

struct import_asset {
	enum import_asset_kind kind;
	char value[254];                  /* lowercase domain or canonical CIDR */
};

struct import_company {
	char slug[64];
	char name[801];
	char sector[41];
	char size_band[12];
	char country[3];
	char visibility[8];               /* "" when not given: keep what is stored */
	size_t nassets;
	struct import_asset assets[IMPORT_MAX_ASSETS];
};

struct import_evidence {
	char company[64];
	struct import_asset asset;        /* kind NONE for company-level facts */
	char check_code[65];
	char outcome[5];
	char observation_key[801];
	int64_t first_seen, last_seen;
	char source[401];
	char collector_version[201];
	const char *details;              /* a JSON object's text ("{}" when not given);
	                                     points into the fields, valid as long as they */
	size_t details_len;
};

struct import_incident {
	char company[64];
	int64_t occurred_at;
	int disclosed;                    /* disclosed_at was given */
	int64_t disclosed_at;
	char kind[16];
	char severity[10];
	char source[401];
	char external_ref[801];
	char summary[8001];
};

/* import_rows_kind_parse: "companies", "evidence" or "incidents" into *kind; 0 or -1. */
int import_rows_kind_parse(const char *name, enum import_kind *kind);

/* import_rows_kind_name: the name of kind. */
const char *import_rows_kind_name(enum import_kind kind);

/* import_rows_ncolumns: how many columns kind has. */
size_t import_rows_ncolumns(enum import_kind kind);

/* import_rows_column_name: the name of column i of kind (i below ncolumns). */
const char *import_rows_column_name(enum import_kind kind, size_t i);

/* import_rows_column: the index of the column called name (n bytes), or -1. */
int import_rows_column(enum import_kind kind, const char *name, size_t n);

/* import_rows_header: map the n names of a CSV header onto the columns of kind:
 * map[i] gets the column of header field i. Fails (-1, message in err) on an unknown
 * or repeated name or a missing required column; 0 otherwise. */
int import_rows_header(enum import_kind kind, const char *const *names, const size_t *lens,
    size_t n, int *map, char *err, size_t errlen);

/* import_rows_company: validate a companies row. 0, or -1 with the reason in err. */
int import_rows_company(const struct import_fields *f, struct import_company *out,
    char *err, size_t errlen);

/* import_rows_evidence: validate an evidence row. default_source (may be NULL) is
 * used when the row has no source; times after now + IMPORT_FUTURE_SKEW are refused.
 * 0, or -1 with the reason in err. */
int import_rows_evidence(const struct import_fields *f, const char *default_source,
    int64_t now, struct import_evidence *out, char *err, size_t errlen);

/* import_rows_incident: validate an incidents row, as import_rows_evidence. */
int import_rows_incident(const struct import_fields *f, const char *default_source,
    int64_t now, struct import_incident *out, char *err, size_t errlen);

/* import_rows_asset: classify and normalise one asset (a domain, an IPv4/IPv6 CIDR,
 * or a bare address meaning /32 or /128) of n bytes into out. 0, or -1 with the
 * reason in err. */
int import_rows_asset(const char *s, size_t n, struct import_asset *out, char *err,
    size_t errlen);

/*
 * JSON Lines: one object per line. String values are taken as they are; null is
 * absent; "details" may be an object (or a string holding one); "domains" and
 * "ip_ranges" may be arrays of strings. Anything else is an error.
 */
struct import_json;

/* import_json_new: a reusable converter; NULL when memory is short. */
struct import_json *import_json_new(void);

/* import_json_row: parse one line (len bytes) into f, whose values stay valid until
 * the next call on j. 0, or -1 with the reason in err. */
int import_json_row(struct import_json *j, enum import_kind kind, const char *line,
    size_t len, struct import_fields *f, char *err, size_t errlen);

/* import_json_free: release j; NULL is a no-op. */
void import_json_free(struct import_json *j);

#endif
