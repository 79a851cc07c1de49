/*
 * The rows of `fairrate import` (collector/import_file, csv, import_rows): a whole
 * file, CSV or JSON Lines, of companies, evidence or incidents, read and validated by
 * import_file_check as a dry run does. The first byte picks the kind and the format.
 * Checks on every row accepted: each text is NUL-terminated valid UTF-8 within its
 * field, slugs and domains are lowercase, an asset normalises to itself, details are
 * one JSON object, times are in order and not in the future; and a file is
 * rejected exactly when some message was written. (Messages quote the input raw and
 * cut at a byte count: see tests/fuzz/crashes-open/import/.)
 */
#define _GNU_SOURCE
#include "tests/fuzz/fuzz.h"

#include <jansson.h>

#include "collector/import_file.h"

#define NOW 1767225600                    /* 2026-01-01T00:00:00Z */

static void
check_slug(const char *s, size_t cap)
{
	FUZZ_CHECK(fuzz_text_ok(s, cap));
	FUZZ_CHECK(s[0] != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") ==
	    strlen(s));
}

static void
check_asset(const struct import_asset *a)
{
	struct import_asset again;
	char err[256];

	FUZZ_TEXT(a->value);
	FUZZ_CHECK(a->kind == IMPORT_ASSET_DOMAIN || a->kind == IMPORT_ASSET_IP_RANGE);
	FUZZ_CHECK(strspn(a->value, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 0 &&
	    strpbrk(a->value, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == NULL);
	FUZZ_CHECK(import_rows_asset(a->value, strlen(a->value), &again, err, sizeof(err)) == 0);
	FUZZ_CHECK(again.kind == a->kind && strcmp(again.value, a->value) == 0);
}

static void
on_row(void *arg, long line, enum import_kind kind, const void *row)
{
	size_t i;

	(void)arg;
	FUZZ_CHECK(line >= 1);
	if (kind == IMPORT_COMPANIES) {
		const struct import_company *c = row;

		check_slug(c->slug, sizeof(c->slug));
		FUZZ_TEXT(c->name);
		FUZZ_TEXT(c->sector);
		FUZZ_TEXT(c->size_band);
		FUZZ_TEXT(c->country);
		FUZZ_TEXT(c->visibility);
		FUZZ_CHECK(c->nassets <= IMPORT_MAX_ASSETS);
		for (i = 0; i < c->nassets; i++)
			check_asset(&c->assets[i]);
	} else if (kind == IMPORT_EVIDENCE) {
		const struct import_evidence *e = row;
		json_t *d;

		check_slug(e->company, sizeof(e->company));
		if (e->asset.kind != IMPORT_ASSET_NONE)
			check_asset(&e->asset);
		FUZZ_TEXT(e->check_code);
		FUZZ_TEXT(e->outcome);
		FUZZ_TEXT(e->observation_key);
		FUZZ_TEXT(e->source);
		FUZZ_TEXT(e->collector_version);
		FUZZ_CHECK(e->first_seen <= e->last_seen && e->last_seen <= NOW + IMPORT_FUTURE_SKEW);
		FUZZ_CHECK(e->details != NULL && e->details_len <= IMPORT_MAX_FIELD);
		FUZZ_CHECK(utf8_valid(e->details, e->details_len));
		d = json_loadb(e->details, e->details_len, 0, NULL);
		FUZZ_CHECK(json_is_object(d));
		json_decref(d);
	} else {
		const struct import_incident *n = row;

		check_slug(n->company, sizeof(n->company));
		FUZZ_TEXT(n->kind);
		FUZZ_TEXT(n->severity);
		FUZZ_TEXT(n->source);
		FUZZ_TEXT(n->external_ref);
		FUZZ_TEXT(n->summary);
		FUZZ_CHECK(n->occurred_at <= NOW + IMPORT_FUTURE_SKEW);
		if (n->disclosed)
			FUZZ_CHECK(n->disclosed_at >= n->occurred_at &&
			    n->disclosed_at <= NOW + IMPORT_FUTURE_SKEW);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_options opt;
	char *msgs = NULL;
	size_t msglen = 0;
	FILE *in, *errors;
	int rc;

	if (size < 1)
		return (0);
	memset(&opt, 0, sizeof(opt));
	opt.kind = (enum import_kind)((data[0] & 3) % 3);
	opt.format = (data[0] & 4) ? IMPORT_FORMAT_JSONL : IMPORT_FORMAT_CSV;
	opt.source = (data[0] & 8) ? "fuzz" : NULL;
	opt.now = NOW;
	opt.label = "-";
	data++, size--;
	if ((in = size > 0 ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r")) == NULL)
		return (0);
	FUZZ_CHECK((errors = open_memstream(&msgs, &msglen)) != NULL);
	opt.errors = errors;
	rc = import_file_check(in, &opt, on_row, NULL);
	fclose(in);
	fclose(errors);
	FUZZ_CHECK(rc == 0 || rc == 1);
	FUZZ_CHECK((rc == 1) == (msglen > 0));
	FUZZ_CHECK(rc == 0 || strncmp(msgs, "-:", 2) == 0);
	free(msgs);
	return (0);
}
