#ifndef FAIRRATE_I18N_FORMAT_H
#define FAIRRATE_I18N_FORMAT_H

#include <stddef.h>

#include "common/i18n.h"

/*
 * Translated printf formats, and English sentences stored in the database that are
 * translated when they are shown. Pure: no I/O.
 *
 * N_("text") marks a text that is translated later, where it is shown (gettext's
 * convention): it is the text itself, and xgettext extracts it for the catalogue
 * check (scripts/check-api-i18n.mjs).
 */
#define N_(s) (s)

#define I18N_CAPTURE_MAX 128      /* bytes of one %s of a stored sentence */
#define I18N_CAPTURES 6           /* %s of one stored pattern, at most */

/* i18n_format_same: whether the printf formats a and b have the same conversions
 * (length and type, and each * of a width or precision) in the same order. */
int i18n_format_same(const char *a, const char *b);

/* i18n_format: the translation in cat (may be NULL) of the printf format fmt when
 * the catalogue has one with the same conversions (i18n_format_same), else fmt
 * itself; so that a broken catalogue never reaches printf with the wrong arguments
 * (msgfmt --check in make test keeps it from being shipped). */
const char *i18n_format(const struct i18n *cat, const char *fmt)
    __attribute__((format_arg(2)));

/* i18n_match: whether text is pattern with each "%s" in it standing for a non-empty
 * run of characters and each "%p" for "" or "s" (an English plural ending). The %s
 * runs are copied into caps in order (cut at I18N_CAPTURE_MAX - 1 bytes: then no
 * match). Returns how many, or -1 when text does not match or pattern has more than
 * I18N_CAPTURES. */
int i18n_match(const char *pattern, const char *text,
    char caps[I18N_CAPTURES][I18N_CAPTURE_MAX]);

/* i18n_fill: msg (a text whose only conversions are %s) with its %s replaced by
 * caps[0..ncaps) in order, into out (n bytes, cut at a character boundary). Returns
 * 0, or -1 when msg has another conversion or more %s than ncaps (out is then
 * untouched). */
int i18n_fill(const char *msg, char caps[I18N_CAPTURES][I18N_CAPTURE_MAX], int ncaps,
    char *out, size_t n);

#endif
