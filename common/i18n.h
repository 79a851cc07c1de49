#ifndef FAIRRATE_I18N_H
#define FAIRRATE_I18N_H

#include <stddef.h>

/*
 * Message catalogues in gettext's .po format (po/<lang>.po for the program's own
 * texts, methodology/i18n/<lang>.po for the methodology's factor names, check titles
 * and remediation texts). The msgid is the English text; English needs no catalogue.
 * i18n_parse is pure (unit-tested, fuzzed); i18n_load reads the files.
 *
 * What is read: msgctxt (kept as part of the key, "ctxt\004id" as gettext does),
 * msgid, msgstr, strings continued on the next lines, the C escapes \n \t \" \\, and
 * comments. Entries with msgid_plural, fuzzy entries and empty msgstr are skipped (the
 * English text is shown), as msgfmt does.
 */

#define I18N_LANG_MAX 8

struct i18n_entry {
	char *id;                      /* the key: msgid, or msgctxt "\004" msgid */
	char *str;                     /* the translation */
};

struct i18n {
	char lang[I18N_LANG_MAX];      /* "en", "ja" */
	size_t n;
	struct i18n_entry *entries;    /* sorted by id */
};

/* i18n_parse: add the entries of the .po text (len bytes) to cat. Returns 0, or -1
 * with "line N: why" in err (cat keeps what it had before) when the text is not a
 * catalogue or memory is short. */
int i18n_parse(struct i18n *cat, const char *text, size_t len, char *err, size_t errlen);

/* i18n_lang: the language of a request, from a ?lang= value or --lang (preferred) or
 * an Accept-Language header (either may be NULL): "ja" or "en" (the default). An
 * unsupported explicit value returns NULL so that the caller can refuse it. */
const char *i18n_lang(const char *explicit_lang, const char *accept_language);

/* i18n_load: the catalogues of lang from the share folder (po/<lang>.po and
 * methodology/i18n/<lang>.po), into cat. "en" loads nothing. Returns 0, or -1 with
 * the file and line in err. */
int i18n_load(struct i18n *cat, const char *lang, char *err, size_t errlen);

/* i18n_load_portal: the same, with the web portal's own catalogue
 * (po/portal-<lang>.po) first: every text the portal shows. */
int i18n_load_portal(struct i18n *cat, const char *lang, char *err, size_t errlen);

/* i18n_load_api: the API server's own catalogue of lang (po/api-<lang>.po): its error
 * messages and the sentences it stores in English (api/messages.h). */
int i18n_load_api(struct i18n *cat, const char *lang, char *err, size_t errlen);

/* i18n_open: i18n_lang then i18n_load. 0 with cat loaded; 1 when explicit_lang is not
 * a language we have (err says which we have); -1 when a catalogue is broken (err
 * names the file and line). */
int i18n_open(struct i18n *cat, const char *explicit_lang, const char *accept_language,
    char *err, size_t errlen);

/* i18n_text: the translation of msgid in cat (may be NULL), or msgid itself. */
const char *i18n_text(const struct i18n *cat, const char *msgid);

/* i18n_ctext: the same with a context ("factor", "check"). */
const char *i18n_ctext(const struct i18n *cat, const char *ctxt, const char *msgid);

/* i18n_free: release cat's entries; a zeroed catalogue is a no-op. */
void i18n_free(struct i18n *cat);

#endif
