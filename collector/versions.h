#ifndef FAIRRATE_VERSIONS_H
#define FAIRRATE_VERSIONS_H

/*
 * Software versions compared as their maintainers number them (pure): a version is a
 * sequence of numeric and alphabetic parts ("7.4p1" is 7, 4, "p", 1; "1.25.0-rc1" is
 * 1, 25, 0, "rc", 1). Parts compare in order: numbers numerically, letters
 * alphabetically, a number after a letter part. When one version ends first, the
 * other's remaining parts decide: zeros only are the same (1.18 = 1.18.0), a
 * pre-release marker (alpha, beta, rc, pre, dev) makes it older (1.0-rc1 < 1.0),
 * anything else newer (1.0 < 1.0.1, 7.4 < 7.4p1). Separators ('.', '-', '_', '+',
 * '~') only separate.
 */

/* versions_compare: <0, 0 or >0 as a is older than, the same as or newer than b. */
int versions_compare(const char *a, const char *b);

/* versions_in_cycle: whether version belongs to the release cycle cycle ("1.18"
 * holds 1.18, 1.18.0 and 1.18.9, not 1.180): cycle's parts are a prefix of
 * version's. */
int versions_in_cycle(const char *version, const char *cycle);

/* versions_valid: whether s looks like a version (starts with a digit, at most 63
 * characters of letters, digits and separators). */
int versions_valid(const char *s);

#endif
