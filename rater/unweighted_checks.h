#ifndef FAIRRATE_UNWEIGHTED_CHECKS_H
#define FAIRRATE_UNWEIGHTED_CHECKS_H

#include <stddef.h>

#include "rater/methodology.h"

/*
 * The catalogue of checks the collectors record before a published methodology
 * weighs them (methodology/unweighted/checks.json, format in docs/methodology.md).
 * Their evidence is stored and shown to the company with its title, factor and
 * severity, marked unweighted; no rating counts it. When a methodology that names a
 * code is published, that methodology's definition of the code applies instead.
 * Pure: no I/O.
 */

#define UNWEIGHTED_CHECKS_MAX 256
#define UNWEIGHTED_CHECK_DESCRIPTION 1200        /* bytes */

struct unweighted_check {
	char code[64];
	char factor[40];
	enum methodology_severity severity;
	char title[120];
	char description[UNWEIGHTED_CHECK_DESCRIPTION];
};

struct unweighted_checks {
	size_t n;
	struct unweighted_check *items;           /* owned */
};

/* unweighted_checks_parse: parse and validate a catalogue document of len bytes whose
 * factors must be factors of m (the newest shipped methodology). 0 with *out filled
 * (free with unweighted_checks_free), or -1 with every problem in errs (JSON paths
 * such as "checks[2].severity"). */
int unweighted_checks_parse(const char *json, size_t len, const struct methodology *m,
    struct unweighted_checks *out, struct methodology_errors *errs);

void unweighted_checks_free(struct unweighted_checks *c);

#endif
