#include "collector/feeds.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "collector/csv.h"
#include "collector/import_file.h"
#include "collector/port_services.h"
#include "common/log.h"
#include "common/progress.h"
#include "common/timefmt.h"

static const char *const feeds_columns[][FEEDS_MAX_COLUMNS] = {
	[FEEDS_BREACHES] = {"company", "occurred_at", "disclosed_at", "kind", "severity",
	    "source", "external_ref", "summary", "records", NULL},
	[FEEDS_COMPROMISED_HOSTS] = {"company", "asset", "ip", "category", "family",
	    "observed_at", "source", NULL},
	[FEEDS_OPEN_PORTS] = {"company", "asset", "ip", "port", "protocol", "service",
	    "observed_at", "source", NULL},
};

/* Columns every row must have. */
static const char *const feeds_required[][6] = {
	[FEEDS_BREACHES] = {"company", "occurred_at", "severity", NULL},
	[FEEDS_COMPROMISED_HOSTS] = {"company", "asset", "ip", "category", "observed_at", NULL},
	[FEEDS_OPEN_PORTS] = {"company", "asset", "ip", "port", "observed_at", NULL},
};

int
feeds_kind_parse(const char *name, enum feeds_kind *kind)
{
	if (strcmp(name, "breaches") == 0)
		*kind = FEEDS_BREACHES;
	else if (strcmp(name, "compromised_hosts") == 0 ||
	    strcmp(name, "compromised-hosts") == 0)
		*kind = FEEDS_COMPROMISED_HOSTS;
	else if (strcmp(name, "open_ports") == 0 || strcmp(name, "open-ports") == 0)
		*kind = FEEDS_OPEN_PORTS;
	else
		return (-1);
	return (0);
}

int
feeds_column(enum feeds_kind kind, const char *name)
{
	int i;

	for (i = 0; i < FEEDS_MAX_COLUMNS && feeds_columns[kind][i] != NULL; i++)
		if (strcmp(feeds_columns[kind][i], name) == 0)
			return (i);
	return (-1);
}

static const char *
feeds_get(enum feeds_kind kind, const struct feeds_fields *f, const char *name)
{
	int i = feeds_column(kind, name);

	return (i < 0 || f->value[i] == NULL || f->value[i][0] == '\0' ? NULL : f->value[i]);
}

const char *
feeds_port_check(int port)
{
	return (port_services_port_code(port));
}

static int feeds_err(char *err, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
feeds_err(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
	return (-1);
}

static int
feeds_check_required(enum feeds_kind kind, const struct feeds_fields *f, char *err,
    size_t n)
{
	size_t i;

	for (i = 0; feeds_required[kind][i] != NULL; i++)
		if (feeds_get(kind, f, feeds_required[kind][i]) == NULL)
			return (feeds_err(err, n, "%s: missing", feeds_required[kind][i]));
	return (0);
}

/* A time column; 0 with *t, or -1 with the reason. */
static int
feeds_time(const char *col, const char *v, int64_t now, int64_t *t, char *err, size_t n)
{
	if (timefmt_parse(v, t) != 0) {
		snprintf(err, n, "%s: '%.40s' is not an ISO 8601 time", col, v);
		return (-1);
	}
	if (*t > now + IMPORT_FUTURE_SKEW) {
		snprintf(err, n, "%s: %.40s is in the future", col, v);
		return (-1);
	}
	return (0);
}

static int
feeds_text(const char *col, const char *v, char *out, size_t cap, size_t max, char *err,
    size_t n)
{
	if (strlen(v) > max || strlen(v) >= cap) {
		snprintf(err, n, "%s: longer than %zu bytes", col, max);
		return (-1);
	}
	snprintf(out, cap, "%s", v);
	return (0);
}

static int
feeds_source(const struct feeds_fields *f, enum feeds_kind kind, const char *def,
    char *out, size_t cap, char *err, size_t n)
{
	const char *v = feeds_get(kind, f, "source");

	if (v == NULL)
		v = def;
	if (v == NULL)
		return (feeds_err(err, n, "source: missing (or give --source)"));
	return (feeds_text("source", v, out, cap, 100, err, n));
}

int
feeds_row_breach(const struct feeds_fields *f, const char *default_source, int64_t now,
    struct import_incident *out, char *err, size_t errlen)
{
	const enum feeds_kind k = FEEDS_BREACHES;
	const char *v, *kind, *sev, *records;
	char *end;

	memset(out, 0, sizeof(*out));
	if (feeds_check_required(k, f, err, errlen) != 0 ||
	    feeds_text("company", feeds_get(k, f, "company"), out->company,
	    sizeof(out->company), 63, err, errlen) != 0 ||
	    feeds_time("occurred_at", feeds_get(k, f, "occurred_at"), now, &out->occurred_at,
	    err, errlen) != 0 ||
	    feeds_source(f, k, default_source, out->source, sizeof(out->source), err,
	    errlen) != 0)
		return (-1);
	if ((v = feeds_get(k, f, "disclosed_at")) != NULL) {
		if (feeds_time("disclosed_at", v, now, &out->disclosed_at, err, errlen) != 0)
			return (-1);
		if (out->disclosed_at < out->occurred_at)
			return (feeds_err(err, errlen, "disclosed_at: before occurred_at"));
		out->disclosed = 1;
	}
	kind = feeds_get(k, f, "kind");
	if (kind == NULL)
		kind = "breach";
	if (strcmp(kind, "breach") != 0 && strcmp(kind, "ransomware") != 0 &&
	    strcmp(kind, "data_exposure") != 0)
		return (feeds_err(err, errlen, "kind: '%.30s' is not breach, ransomware or"
		    " data_exposure", kind));
	snprintf(out->kind, sizeof(out->kind), "%s", kind);
	sev = feeds_get(k, f, "severity");
	if (strcmp(sev, "low") != 0 && strcmp(sev, "medium") != 0 && strcmp(sev, "high") != 0 &&
	    strcmp(sev, "critical") != 0)
		return (feeds_err(err, errlen, "severity: '%.30s' is not low, medium, high or"
		    " critical", sev));
	snprintf(out->severity, sizeof(out->severity), "%s", sev);
	if ((v = feeds_get(k, f, "external_ref")) != NULL &&
	    feeds_text("external_ref", v, out->external_ref, sizeof(out->external_ref), 200,
	    err, errlen) != 0)
		return (-1);
	if ((records = feeds_get(k, f, "records")) != NULL) {
		errno = 0;
		if (strtoll(records, &end, 10) < 0 || *end != '\0' || errno != 0)
			return (feeds_err(err, errlen, "records: '%.30s' is not a count", records));
	}
	v = feeds_get(k, f, "summary");
	snprintf(out->summary, sizeof(out->summary), "%s%s%s%s", v ? v : "",
	    records ? (v ? " (" : "(") : "", records ? records : "",
	    records ? " records)" : "");
	if (strlen(out->summary) > 2000)
		return (feeds_err(err, errlen, "summary: longer than 2000 bytes"));
	return (0);
}

int
feeds_row_evidence(enum feeds_kind kind, const struct feeds_fields *f,
    const char *default_source, int64_t now, struct import_evidence *out, char *details,
    size_t dlen, char *err, size_t errlen)
{
	unsigned char addr[16];
	const char *asset, *ip, *v, *code, *proto = "tcp";
	json_t *d = NULL;
	char *text;
	long port = 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (feeds_check_required(kind, f, err, errlen) != 0 ||
	    feeds_text("company", feeds_get(kind, f, "company"), out->company,
	    sizeof(out->company), 63, err, errlen) != 0 ||
	    feeds_time("observed_at", feeds_get(kind, f, "observed_at"), now, &out->last_seen,
	    err, errlen) != 0 ||
	    feeds_source(f, kind, default_source, out->source, sizeof(out->source), err,
	    errlen) != 0)
		return (-1);
	out->first_seen = out->last_seen;
	asset = feeds_get(kind, f, "asset");
	if (import_rows_asset(asset, strlen(asset), &out->asset, err, errlen) != 0) {
		char why[256];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "asset: %s", why);
		return (-1);
	}
	ip = feeds_get(kind, f, "ip");
	if (inet_pton(AF_INET, ip, addr) != 1 && inet_pton(AF_INET6, ip, addr) != 1)
		return (feeds_err(err, errlen, "ip: '%.60s' is not an IP address", ip));
	if (kind == FEEDS_COMPROMISED_HOSTS) {
		v = feeds_get(kind, f, "category");
		if (strcmp(v, "botnet") == 0)
			code = "compromised_systems.botnet_infection";
		else if (strcmp(v, "malware") == 0)
			code = "compromised_systems.malware_host";
		else if (strcmp(v, "spam") == 0)
			code = "compromised_systems.spam_source";
		else
			return (feeds_err(err, errlen, "category: '%.30s' is not botnet, malware or"
			    " spam", v));
		d = json_pack("{ssssss?}", "ip", ip, "category", v, "family",
		    feeds_get(kind, f, "family"));
		snprintf(out->observation_key, sizeof(out->observation_key), "%s", ip);
	} else {
		char *end;

		v = feeds_get(kind, f, "port");
		port = strtol(v, &end, 10);
		if (*end != '\0' || port < 1 || port > 65535)
			return (feeds_err(err, errlen, "port: '%.30s' is not a port number", v));
		if ((v = feeds_get(kind, f, "protocol")) != NULL) {
			if (strcmp(v, "tcp") != 0 && strcmp(v, "udp") != 0)
				return (feeds_err(err, errlen, "protocol: '%.20s' is not tcp or udp", v));
			proto = v;
		}
		code = feeds_port_check((int)port);
		d = json_pack("{sssiss,ss?}", "ip", ip, "port", (int)port, "protocol", proto,
		    "service", feeds_get(kind, f, "service"));
		snprintf(out->observation_key, sizeof(out->observation_key), "%s:%ld/%s", ip,
		    port, proto);
	}
	snprintf(out->check_code, sizeof(out->check_code), "%s", code);
	snprintf(out->outcome, sizeof(out->outcome), "fail");
	snprintf(out->collector_version, sizeof(out->collector_version), "feed");
	if (d == NULL || (text = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
		snprintf(err, errlen, "details: too large");
		goto done;
	}
	if (strlen(text) >= dlen) {
		snprintf(err, errlen, "details: too large");
	} else {
		snprintf(details, dlen, "%s", text);
		out->details = details;
		out->details_len = strlen(details);
		rc = 0;
	}
	free(text);
done:
	json_decref(d);
	return (rc);
}

/* ---- reading a file ---- */

struct feeds_run {
	const struct feeds_options *opt;
	const char *name;
	struct import_store *store;           /* NULL once a row is bad */
	long errors, rows;
	struct import_evidence evidence;
	struct import_incident incident;
	char details[IMPORT_MAX_FIELD];
	FILE *in;
	struct progress *progress;            /* on a terminal, for a regular file */
};

static void
feeds_bad(struct feeds_run *r, long line, const char *why)
{
	if (r->errors++ < IMPORT_MAX_REPORTED)
		fprintf(r->opt->errors, "%s:%ld: %s\n", r->name, line, why);
	import_store_abort(r->store);
	r->store = NULL;
}

static void
feeds_report(void *arg, long line, const char *message)
{
	struct feeds_run *r = arg;

	if (r->errors++ < IMPORT_MAX_REPORTED)
		fprintf(r->opt->errors, "%s:%ld: %s\n", r->name, line, message);
}

/* Validate and stage one row. 0, or -1 when the import must stop. */
static int
feeds_row(struct feeds_run *r, long line, const struct feeds_fields *f)
{
	const struct feeds_options *o = r->opt;
	char why[512];
	int rc, staged = 0;

	if (r->progress != NULL)
		progress_update(r->progress, (uint64_t)ftello(r->in));
	if (++r->rows > IMPORT_MAX_ROWS) {
		feeds_bad(r, line, "too many rows; split the file");
		return (-1);
	}
	if (o->kind == FEEDS_BREACHES) {
		rc = feeds_row_breach(f, o->source, o->now, &r->incident, why, sizeof(why));
		if (rc == 0 && r->store != NULL)
			staged = import_store_add_incident(r->store, line, &r->incident);
	} else {
		rc = feeds_row_evidence(o->kind, f, o->source, o->now, &r->evidence, r->details,
		    sizeof(r->details), why, sizeof(why));
		if (rc == 0 && r->store != NULL)
			staged = import_store_add_evidence(r->store, line, &r->evidence);
	}
	if (rc != 0)
		feeds_bad(r, line, why);
	if (staged != 0) {
		import_store_abort(r->store);
		r->store = NULL;
		return (-1);
	}
	return (0);
}

static int
feeds_read_csv(struct feeds_run *r, FILE *in)
{
	struct csv_reader *csv;
	struct feeds_fields f;
	enum csv_result res;
	int map[CSV_MAX_FIELDS], rc = -1;
	size_t i, n;
	char why[160];

	if ((csv = csv_reader_new(in, IMPORT_MAX_LINE, IMPORT_MAX_FIELD)) == NULL)
		return (-1);
	if ((res = csv_reader_next(csv)) != CSV_RECORD) {
		if (res != CSV_IO_ERROR)
			feeds_bad(r, 1, res == CSV_EOF ? "empty file: the first line must name"
			    " the columns" : csv_reader_error(csv));
		goto done;
	}
	n = csv_reader_nfields(csv);
	for (i = 0; i < n; i++) {
		const char *name = csv_reader_field(csv, i, NULL);
		size_t k;

		map[i] = feeds_column(r->opt->kind, name);
		for (k = 0; k < i && map[i] >= 0; k++)
			if (map[k] == map[i])
				map[i] = -2;
		if (map[i] < 0) {
			snprintf(why, sizeof(why), "header: %s column '%.40s'", map[i] == -2 ?
			    "repeated" : "unknown", name);
			feeds_bad(r, 1, why);
			goto done;
		}
	}
	while ((res = csv_reader_next(csv)) != CSV_EOF) {
		if (res == CSV_IO_ERROR)
			goto done;
		if (res == CSV_BAD) {
			feeds_bad(r, csv_reader_line(csv), csv_reader_error(csv));
			continue;
		}
		memset(&f, 0, sizeof(f));
		for (i = 0; i < n && i < csv_reader_nfields(csv); i++)
			f.value[map[i]] = csv_reader_field(csv, i, NULL);
		if (feeds_row(r, csv_reader_line(csv), &f) != 0)
			goto done;
	}
	rc = 0;
done:
	csv_reader_free(csv);
	return (rc);
}

/* One JSON Lines object into f; values (strings or integers) go to store. */
static int
feeds_json_row(struct feeds_run *r, json_t *obj, struct feeds_fields *f,
    char store[FEEDS_MAX_COLUMNS][IMPORT_MAX_FIELD / 8], char *why, size_t n)
{
	const char *key;
	json_t *v;
	int col;

	memset(f, 0, sizeof(*f));
	if (!json_is_object(obj))
		return (feeds_err(why, n, "not a JSON object"));
	json_object_foreach(obj, key, v) {
		if ((col = feeds_column(r->opt->kind, key)) < 0) {
			snprintf(why, n, "unknown field '%.40s'", key);
			return (-1);
		}
		if (json_is_null(v))
			continue;
		if (json_is_string(v) && json_string_length(v) < IMPORT_MAX_FIELD / 8)
			snprintf(store[col], IMPORT_MAX_FIELD / 8, "%s", json_string_value(v));
		else if (json_is_integer(v))
			snprintf(store[col], IMPORT_MAX_FIELD / 8, "%lld",
			    (long long)json_integer_value(v));
		else {
			snprintf(why, n, "%s: must be a string or an integer", key);
			return (-1);
		}
		f->value[col] = store[col];
	}
	return (0);
}

static int
feeds_read_jsonl(struct feeds_run *r, FILE *in)
{
	static char store[FEEDS_MAX_COLUMNS][IMPORT_MAX_FIELD / 8];
	struct feeds_fields f;
	json_error_t jerr;
	json_t *obj;
	char *line, why[256];
	long lineno = 0, len;
	int rc = 0;

	/* Lines are read into a buffer of IMPORT_MAX_LINE bytes: a longer one is refused
	 * at its line, never read whole into memory. */
	if ((line = malloc(IMPORT_MAX_LINE + 1)) == NULL) {
		log_error("feed: out of memory");
		return (-1);
	}
	while ((len = import_file_getline(in, line, IMPORT_MAX_LINE)) != -1) {
		lineno++;
		if (len == -2) {
			snprintf(why, sizeof(why), "line longer than %d bytes", IMPORT_MAX_LINE);
			feeds_bad(r, lineno, why);
			continue;
		}
		if (strspn(line, " \t\r") == (size_t)len)
			continue;
		if ((obj = json_loadb(line, (size_t)len, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
			snprintf(why, sizeof(why), "bad JSON: %s", jerr.text);
			feeds_bad(r, lineno, why);
			continue;
		}
		if (feeds_json_row(r, obj, &f, store, why, sizeof(why)) != 0) {
			feeds_bad(r, lineno, why);
		} else if (feeds_row(r, lineno, &f) != 0) {
			rc = -1;
			json_decref(obj);
			break;
		}
		json_decref(obj);
	}
	if (rc == 0 && ferror(in)) {
		log_error("feed: %s: read error: %s", r->name, strerror(errno));
		rc = -1;
	}
	free(line);
	return (rc);
}

int
feeds_run(PGconn *conn, const char *path, const struct feeds_options *opt,
    struct import_counts *counts)
{
	struct feeds_run *r;
	struct stat st;
	char label[300];
	FILE *in;
	long rejected = 0;
	int rc = -1, read_rc;

	memset(counts, 0, sizeof(*counts));
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		log_error("feed: out of memory");
		return (-1);
	}
	r->opt = opt;
	r->name = opt->label ? opt->label : path;
	if ((in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r")) == NULL) {
		log_error("feed: cannot open %s: %s", path, strerror(errno));
		free(r);
		return (-1);
	}
	if ((r->store = import_store_begin(conn, opt->kind == FEEDS_BREACHES ?
	    IMPORT_INCIDENTS : IMPORT_EVIDENCE)) == NULL)
		goto done;
	r->in = in;
	snprintf(label, sizeof(label), "reading %s", r->name);
	if (fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode))
		r->progress = progress_new(label, (uint64_t)st.st_size, "bytes");
	read_rc = opt->jsonl ? feeds_read_jsonl(r, in) : feeds_read_csv(r, in);
	progress_finish(r->progress);
	r->progress = NULL;
	if (r->errors > 0) {
		rc = 1;
		goto done;
	}
	if (read_rc != 0)
		goto done;
	rc = import_store_finish(r->store, "feed", IMPORT_MAX_REPORTED, feeds_report, r,
	    &rejected, counts);
	r->store = NULL;
done:
	if (rc == 1)
		fprintf(opt->errors, "%s: rejected; nothing was imported\n", r->name);
	import_store_abort(r->store);
	if (in != stdin)
		fclose(in);
	free(r);
	return (rc);
}
