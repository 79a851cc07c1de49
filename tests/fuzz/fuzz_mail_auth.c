/*
 * SPF and DMARC records (collector/mail_auth): the input is a small DNS world of TXT
 * records, zones separated by a line "--", one record a line, a zone "!" failing its
 * lookup; a name is answered by the zone its bytes hash to. Each record is parsed as
 * SPF and as DMARC, and mail_auth_run checks "example.test" in that world.
 * Checks: a parsed SPF record has a valid "all" qualifier, includes and redirect that
 * fit; a refused one says why; a parsed DMARC record has one of the three policies and
 * a pct of 0..100; evaluation asks at most MAIL_AUTH_MAX_FETCHES names; and every
 * result is a check code with a details text that is one JSON object in valid UTF-8
 * (what the evidence table stores).
 */
#include "tests/fuzz/fuzz.h"

#include <jansson.h>

#include "collector/mail_auth.h"

#define ZONES 4

struct world {
	size_t nzones;
	int failing[ZONES];
	struct mail_auth_txt zone[ZONES];
	int fetches;
};

static int
lookup(void *arg, const char *name, struct mail_auth_txt *out)
{
	struct world *w = arg;
	unsigned h = 0;

	FUZZ_CHECK(name != NULL && strlen(name) < 1024);
	FUZZ_CHECK(++w->fetches <= MAIL_AUTH_MAX_FETCHES + 2);
	for (; *name != '\0'; name++)
		h = h * 31 + (unsigned char)*name;
	h %= w->nzones;
	if (w->failing[h])
		return (-1);
	*out = w->zone[h];
	return (0);
}

static int
is_policy(const char *p)
{
	return (strcmp(p, "none") == 0 || strcmp(p, "quarantine") == 0 ||
	    strcmp(p, "reject") == 0);
}

static void
check_record(const char *rec)
{
	static struct mail_auth_spf spf;
	static struct mail_auth_dmarc dmarc;
	size_t i;

	(void)mail_auth_is_spf(rec);
	if (mail_auth_spf_parse(rec, &spf) == 0) {
		FUZZ_CHECK(spf.ok);
		FUZZ_CHECK(spf.all == 0 || strchr("+-~?", spf.all) != NULL);
		FUZZ_CHECK(spf.lookups >= 0);
		FUZZ_CHECK(spf.nincludes <= MAIL_AUTH_MAX_LOOKUPS + 1);
		for (i = 0; i < spf.nincludes; i++)
			FUZZ_CHECK(memchr(spf.includes[i], '\0', sizeof(spf.includes[i])) != NULL);
		FUZZ_CHECK(memchr(spf.redirect, '\0', sizeof(spf.redirect)) != NULL);
	} else {
		FUZZ_CHECK(!spf.ok && spf.error[0] != '\0');
		FUZZ_CHECK(memchr(spf.error, '\0', sizeof(spf.error)) != NULL);
	}
	(void)mail_auth_is_dmarc(rec);
	if (mail_auth_dmarc_parse(rec, &dmarc) == 0) {
		FUZZ_CHECK(dmarc.ok && is_policy(dmarc.policy));
		FUZZ_CHECK(dmarc.subdomain_policy[0] == '\0' || is_policy(dmarc.subdomain_policy));
		FUZZ_CHECK(dmarc.pct >= 0 && dmarc.pct <= 100);
	} else {
		FUZZ_CHECK(!dmarc.ok && dmarc.error[0] != '\0');
		FUZZ_CHECK(memchr(dmarc.error, '\0', sizeof(dmarc.error)) != NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct world w;
	static struct scan_results results;
	const uint8_t *zone, *line;
	size_t zlen, llen, i;
	json_t *d;

	memset(&w, 0, sizeof(w));
	while (size > 0 && w.nzones < ZONES) {
		struct mail_auth_txt *t = &w.zone[w.nzones];

		zone = fuzz_split(&data, &size, "\n--\n", &zlen);
		if (zlen == 1 && zone[0] == '!')
			w.failing[w.nzones] = 1;
		while (zlen > 0 && t->n < MAIL_AUTH_MAX_RECORDS) {
			line = fuzz_split(&zone, &zlen, "\n", &llen);
			if (llen >= MAIL_AUTH_MAX_TXT || memchr(line, '\0', llen) != NULL)
				continue;
			memcpy(t->rec[t->n], line, llen);
			t->rec[t->n][llen] = '\0';
			check_record(t->rec[t->n]);
			t->n++;
		}
		w.nzones++;
	}
	if (w.nzones == 0)
		return (0);
	memset(&results, 0, sizeof(results));
	(void)mail_auth_run("example.test", lookup, &w, &results);
	FUZZ_CHECK(results.n <= SCAN_RESULTS_MAX);
	for (i = 0; i < results.n; i++) {
		const struct scan_result *r = &results.items[i];

		FUZZ_CHECK(strncmp(r->code, "email_auth.", 11) == 0);
		FUZZ_TEXT(r->key);
		FUZZ_TEXT(r->details);
		d = json_loads(r->details, 0, NULL);
		FUZZ_CHECK(json_is_object(d));
		json_decref(d);
	}
	return (0);
}
