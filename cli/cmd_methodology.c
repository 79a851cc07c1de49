/* fairrate methodology: drafts, their diff against the version in force, impact
 * previews and publishing with notice (principle 4; docs/methodology.md). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/commands.h"
#include "common/buf.h"
#include "common/db.h"
#include "common/log.h"
#include "common/progress.h"
#include "common/timefmt.h"
#include "rater/governance.h"
#include "rater/governance_store.h"
#include "rater/methodology.h"
#include "rater/methodology_diff.h"
#include "rater/methodology_store.h"
#include "rater/preview.h"

static void
meth_usage(FILE *out)
{
	fprintf(out, "usage: fairrate methodology SUBCOMMAND ...\n\n"
	    "  drafts                          list the drafts\n"
	    "  create FILE                     store the methodology document FILE as a draft\n"
	    "  update FILE                     replace the draft of FILE's version\n"
	    "  diff VERSION [--against V]      what VERSION changes against V (default: the\n"
	    "                                  version in force), number by number\n"
	    "  preview VERSION [--as-of TIME]  rate every company under the draft and under\n"
	    "                                  the version in force; store and print the impact\n"
	    "  publish VERSION --effective-at TIME [--reason TEXT]\n"
	    "                                  publish a previewed draft; TIME must be at least\n"
	    "                                  the notice period ahead ($FAIRRATE_NOTICE_DAYS,\n"
	    "                                  default 30 days) unless a reason is given\n\n"
	    "--json prints JSON. The database is $DATABASE_URL, or the private cluster.\n");
}

static void
meth_print_json(const json_t *v)
{
	char *s = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));

	if (s != NULL)
		printf("%s\n", s);
	free(s);
}

/* Read FILE (capped at the largest methodology document) and parse it. */
static struct methodology *
meth_read(const char *path, struct buf *text)
{
	struct methodology_errors errs;
	struct methodology *m;
	char chunk[8192], report[8192];
	size_t n;
	FILE *f;

	buf_init(text, METHODOLOGY_MAX_DOCUMENT);
	if ((f = fopen(path, "rb")) == NULL) {
		log_error("methodology: cannot open %s", path);
		return (NULL);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(text, chunk, n) != 0) {
			log_error("methodology: %s is larger than %d bytes", path,
			    METHODOLOGY_MAX_DOCUMENT);
			fclose(f);
			return (NULL);
		}
	fclose(f);
	if (text->data == NULL && buf_append(text, "", 0) != 0)
		return (NULL);
	if ((m = methodology_parse(text->data, text->len, &errs)) == NULL)
		fprintf(stderr, "%s", methodology_errors_format(&errs, path, report,
		    sizeof(report)));
	return (m);
}

static int
meth_store_draft(const char *path, int update)
{
	enum governance_store_result rc;
	struct methodology *m;
	struct buf text;
	PGconn *conn = NULL;
	int status = 1;

	if ((m = meth_read(path, &text)) == NULL)
		goto done;
	if ((conn = db_connect(NULL)) == NULL)
		goto done;
	rc = update ? governance_store_draft_update(conn, m->version, text.data, text.len, m) :
	    governance_store_draft_create(conn, text.data, text.len, m);
	switch (rc) {
	case GOVERNANCE_STORE_OK:
		printf("draft %s %s\n", m->version, update ? "updated" : "created");
		status = 0;
		break;
	case GOVERNANCE_STORE_EXISTS:
		log_error("methodology: version %s exists already", m->version);
		break;
	case GOVERNANCE_STORE_NOT_FOUND:
		log_error("methodology: no draft %s", m->version);
		break;
	case GOVERNANCE_STORE_NOT_DRAFT:
		log_error("methodology: %s is published and cannot change", m->version);
		break;
	default:
		break;
	}
done:
	if (conn != NULL)
		PQfinish(conn);
	methodology_free(m);
	buf_free(&text);
	return (status);
}

static int
meth_drafts(int as_json)
{
	PGconn *conn;
	json_t *items, *d;
	size_t i;

	if ((conn = db_connect(NULL)) == NULL)
		return (1);
	items = governance_store_drafts(conn);
	PQfinish(conn);
	if (items == NULL)
		return (1);
	if (as_json)
		meth_print_json(items);
	json_array_foreach(items, i, d)
		if (!as_json)
			printf("%s\t%s\t%s\n", json_string_value(json_object_get(d, "version")),
			    json_is_true(json_object_get(d, "previewed")) ? "previewed" :
			    "not previewed", json_string_value(json_object_get(d, "title")));
	json_decref(items);
	return (0);
}

static int
meth_diff(const char *version, const char *against, int as_json)
{
	struct methodology *a = NULL, *b = NULL;
	json_t *changes = NULL;
	char *text = NULL;
	PGconn *conn;
	int rc = 1;

	if ((conn = db_connect(NULL)) == NULL)
		return (1);
	a = against != NULL ? methodology_store_load(conn, against) :
	    methodology_store_load_in_force(conn, timefmt_now());
	b = methodology_store_load(conn, version);
	PQfinish(conn);
	if (a == NULL || b == NULL)
		goto done;
	if ((changes = methodology_diff(a, b)) == NULL ||
	    (!as_json && (text = methodology_diff_text(changes)) == NULL)) {
		log_error("methodology: out of memory");
		goto done;
	}
	if (as_json)
		meth_print_json(changes);
	else
		printf("%s -> %s: %zu changes\n%s", a->version, b->version,
		    json_array_size(changes), text);
	rc = 0;
done:
	free(text);
	json_decref(changes);
	methodology_free(a);
	methodology_free(b);
	return (rc);
}

static int
meth_preview(const char *version, int64_t as_of, int as_json)
{
	struct preview_options po;
	struct progress_lazy meter = {"preview", "companies", NULL};
	json_t *im = NULL, *d, *g, *ins;
	enum preview_result rc;

	memset(&po, 0, sizeof(po));
	po.version = version;
	po.as_of = as_of;
	po.progress = progress_lazy_report;
	po.progress_arg = &meter;
	rc = preview_run(NULL, &po, &im);
	progress_finish(meter.meter);
	if (rc != PREVIEW_OK)
		return (1);
	if (as_json) {
		meth_print_json(im);
	} else {
		d = json_object_get(im, "delta");
		g = json_object_get(im, "grade_migration");
		ins = json_object_get(im, "insufficient_data");
		printf("preview of %s against %s over %" JSON_INTEGER_FORMAT " companies: "
		    "%" JSON_INTEGER_FORMAT " up, %" JSON_INTEGER_FORMAT " down, %"
		    JSON_INTEGER_FORMAT " unchanged (median %+.1f, mean %+.2f); %"
		    JSON_INTEGER_FORMAT " upgrades, %" JSON_INTEGER_FORMAT " downgrades; %"
		    JSON_INTEGER_FORMAT " fall to insufficient data, %" JSON_INTEGER_FORMAT
		    " change confidence\n", version,
		    json_string_value(json_object_get(im, "before_version")),
		    json_integer_value(json_object_get(im, "companies")),
		    json_integer_value(json_object_get(d, "up")),
		    json_integer_value(json_object_get(d, "down")),
		    json_integer_value(json_object_get(d, "unchanged")),
		    json_number_value(json_object_get(d, "median")),
		    json_number_value(json_object_get(d, "mean")),
		    json_integer_value(json_object_get(g, "upgrades")),
		    json_integer_value(json_object_get(g, "downgrades")),
		    json_integer_value(json_object_get(ins, "became_insufficient")),
		    json_integer_value(json_object_get(json_object_get(im, "confidence"),
		    "changed")));
	}
	json_decref(im);
	return (0);
}

static int
meth_publish(const char *version, int64_t effective_at, const char *reason)
{
	enum governance_publish_check check;
	enum governance_store_result rc;
	int64_t now = timefmt_now();
	int notice;
	PGconn *conn;
	char iso[21];

	if (governance_store_notice_days(&notice) != 0)
		return (1);
	check = governance_check_publish(now, effective_at, notice, reason);
	if (check != GOVERNANCE_OK && check != GOVERNANCE_OK_SHORT_NOTICE) {
		log_error("publish: %s (notice period %d days)", governance_check_message(check),
		    notice);
		return (2);
	}
	if ((conn = db_connect(NULL)) == NULL)
		return (1);
	rc = governance_store_publish(conn, version, now, effective_at, notice, reason);
	PQfinish(conn);
	switch (rc) {
	case GOVERNANCE_STORE_OK:
		printf("published %s: effective %s, %d days' notice%s\n", version,
		    timefmt_format(effective_at, iso), governance_notice_given(now, effective_at),
		    check == GOVERNANCE_OK_SHORT_NOTICE ? " (short notice, reason published)" :
		    "");
		return (0);
	case GOVERNANCE_STORE_NOT_FOUND:
		log_error("publish: no methodology version %s", version);
		break;
	case GOVERNANCE_STORE_NOT_DRAFT:
		log_error("publish: %s is already published", version);
		break;
	case GOVERNANCE_STORE_NO_PREVIEW:
		log_error("publish: preview %s first (fairrate methodology preview %s)", version,
		    version);
		break;
	case GOVERNANCE_STORE_STALE_PREVIEW:
		log_error("publish: %s changed since its preview; preview it again", version);
		break;
	case GOVERNANCE_STORE_NOT_LATEST:
		log_error("publish: another version takes effect at or after %s",
		    timefmt_format(effective_at, iso));
		break;
	default:
		break;
	}
	return (1);
}

int
cmd_methodology(int argc, char **argv)
{
	const char *sub, *against = NULL, *reason = NULL, *pos[2] = {NULL, NULL};
	int64_t as_of = timefmt_now(), effective_at = 0;
	int as_json = 0, npos = 0, i;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		meth_usage(argc < 2 ? stderr : stdout);
		return (argc < 2 ? 2 : 0);
	}
	sub = argv[1];
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			as_json = 1;
		else if (strcmp(argv[i], "--against") == 0 && i + 1 < argc)
			against = argv[++i];
		else if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc)
			reason = argv[++i];
		else if ((strcmp(argv[i], "--as-of") == 0 ||
		    strcmp(argv[i], "--effective-at") == 0) && i + 1 < argc) {
			if (timefmt_parse(argv[i + 1], argv[i][2] == 'a' ? &as_of :
			    &effective_at) != 0) {
				log_error("methodology: %s: not an ISO 8601 time: '%s'", argv[i],
				    argv[i + 1]);
				return (2);
			}
			i++;
		} else if (argv[i][0] != '-' && npos < 2)
			pos[npos++] = argv[i];
		else {
			meth_usage(stderr);
			return (2);
		}
	}
	if (strcmp(sub, "drafts") == 0 && npos == 0)
		return (meth_drafts(as_json));
	if ((strcmp(sub, "create") == 0 || strcmp(sub, "update") == 0) && npos == 1)
		return (meth_store_draft(pos[0], sub[0] == 'u'));
	if (strcmp(sub, "diff") == 0 && npos == 1)
		return (meth_diff(pos[0], against, as_json));
	if (strcmp(sub, "preview") == 0 && npos == 1)
		return (meth_preview(pos[0], as_of, as_json));
	if (strcmp(sub, "publish") == 0 && npos == 1 && effective_at != 0)
		return (meth_publish(pos[0], effective_at, reason));
	meth_usage(stderr);
	return (2);
}
