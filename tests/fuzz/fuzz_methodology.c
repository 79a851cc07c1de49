/*
 * Methodology documents (rater/methodology): any bytes through methodology_parse, as
 * an analyst's draft arrives through the API. Checks: a refused document has errors,
 * each a NUL-terminated valid UTF-8 path and message, and methodology_errors_format
 * stays within any buffer size; an accepted one is coherent: every text valid UTF-8,
 * checks sorted by code and each found by methodology_find_check, each check's factor
 * in range, factors found by code, weights and points as documented, bands strictly
 * descending down to 0, counts within the caps; and parsing it twice gives the same.
 */
#include "tests/fuzz/fuzz.h"

#include "rater/methodology.h"

static void
check_errors(const struct methodology_errors *errs)
{
	static char out[8192];
	size_t i, n, cut;

	FUZZ_CHECK(errs->n > 0);
	n = errs->n < METHODOLOGY_MAX_ERRORS ? errs->n : METHODOLOGY_MAX_ERRORS;
	for (i = 0; i < n; i++) {
		FUZZ_TEXT(errs->items[i].where);
		FUZZ_TEXT(errs->items[i].message);
	}
	for (cut = 1; cut <= sizeof(out); cut *= 4) {
		char *buf = malloc(cut);              /* exact size: ASan sees any overrun */

		FUZZ_CHECK(buf != NULL);
		FUZZ_CHECK(methodology_errors_format(errs, "draft.json", buf, cut) == buf);
		FUZZ_CHECK(memchr(buf, '\0', cut) != NULL);
		free(buf);
	}
}

static void
check_methodology(const struct methodology *m)
{
	size_t i;
	int penalty = 0;

	FUZZ_TEXT(m->version);
	FUZZ_TEXT(m->title);
	FUZZ_CHECK(m->summary != NULL && utf8_valid(m->summary, strlen(m->summary)));
	FUZZ_CHECK(m->change_log != NULL && utf8_valid(m->change_log, strlen(m->change_log)));
	FUZZ_CHECK(strlen(m->summary) <= METHODOLOGY_MAX_TEXT);
	FUZZ_CHECK(strlen(m->change_log) <= METHODOLOGY_MAX_TEXT);
	FUZZ_CHECK(m->nfactors >= 1 && m->nfactors <= METHODOLOGY_MAX_FACTORS);
	FUZZ_CHECK(m->nchecks <= METHODOLOGY_MAX_CHECKS);
	FUZZ_CHECK(m->nbands >= 1 && m->nbands <= METHODOLOGY_MAX_BANDS);
	for (i = 0; i < m->nfactors; i++) {
		const struct methodology_factor *f = &m->factors[i];

		FUZZ_TEXT(f->code);
		FUZZ_TEXT(f->name);
		FUZZ_CHECK(methodology_find_factor(m, f->code) == (int)i);
		if (f->kind == METHODOLOGY_FACTOR_PENALTY) {
			penalty = 1;
			FUZZ_CHECK(f->weight > 0);
			FUZZ_CHECK(f->lifetime_days > 0 || f->half_life_days > 0);
		} else {
			FUZZ_CHECK(f->kind == METHODOLOGY_FACTOR_BONUS);
			FUZZ_CHECK(f->bonus_cap >= 0);
		}
	}
	FUZZ_CHECK(penalty);
	for (i = 0; i < m->nchecks; i++) {
		const struct methodology_check *c = &m->checks[i];

		FUZZ_TEXT(c->code);
		FUZZ_TEXT(c->title);
		FUZZ_CHECK(c->factor < m->nfactors);
		FUZZ_CHECK(c->severity < METHODOLOGY_NSEV);
		FUZZ_CHECK(c->points >= 0);
		FUZZ_CHECK(i == 0 || strcmp(m->checks[i - 1].code, c->code) < 0);
		FUZZ_CHECK(methodology_find_check(m, c->code) == c);
	}
	for (i = 0; i < m->nbands; i++) {
		FUZZ_TEXT(m->bands[i].grade);
		FUZZ_CHECK(i == 0 || m->bands[i].min_score < m->bands[i - 1].min_score);
	}
	FUZZ_CHECK(m->bands[m->nbands - 1].min_score == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct methodology_errors errs, again_errs;
	struct methodology *m, *again;

	memset(&errs, 0, sizeof(errs));
	m = methodology_parse((const char *)data, size, &errs);
	if (m == NULL) {
		check_errors(&errs);
		return (0);
	}
	FUZZ_CHECK(errs.n == 0);
	check_methodology(m);
	memset(&again_errs, 0, sizeof(again_errs));
	again = methodology_parse((const char *)data, size, &again_errs);
	FUZZ_CHECK(again != NULL);
	FUZZ_CHECK(again->nfactors == m->nfactors && again->nchecks == m->nchecks &&
	    again->nbands == m->nbands);
	FUZZ_CHECK(memcmp(again->factors, m->factors, m->nfactors * sizeof(*m->factors)) == 0);
	FUZZ_CHECK(memcmp(again->checks, m->checks, m->nchecks * sizeof(*m->checks)) == 0);
	FUZZ_CHECK(memcmp(again->bands, m->bands, m->nbands * sizeof(*m->bands)) == 0);
	methodology_free(again);
	methodology_free(m);
	return (0);
}
