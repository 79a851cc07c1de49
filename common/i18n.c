#include "common/i18n.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/paths.h"
#include "common/utf8.h"

#define I18N_TEXT_MAX (64 * 1024)
#define I18N_FILE_MAX (4 * 1024 * 1024)

enum i18n_field { FIELD_NONE, FIELD_CTXT, FIELD_ID, FIELD_PLURAL, FIELD_STR, FIELD_STRN };

struct i18n_reader {
	struct buf ctxt, id, str;
	int has_ctxt, has_id, has_str, fuzzy, plural, next_fuzzy;
	enum i18n_field field;
	struct i18n_entry *add;        /* entries read so far */
	size_t nadd, capadd;
};

static int
i18n_cmp(const void *pa, const void *pb)
{
	const struct i18n_entry *a = pa, *b = pb;

	return (strcmp(a->id, b->id));
}

/* Append the C-quoted string starting at s (after optional spaces) to b. Returns 0, or
 * -1 with the reason in why. */
static int
i18n_quoted(const char *s, const char *end, struct buf *b, const char **why)
{
	char c;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s >= end || *s != '"') {
		*why = "a string in double quotes was expected";
		return (-1);
	}
	for (s++; s < end && *s != '"'; s++) {
		c = *s;
		if (c == '\\') {
			if (++s >= end) {
				*why = "the string ends in a backslash";
				return (-1);
			}
			switch (*s) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case '"': c = '"'; break;
			case '\\': c = '\\'; break;
			default:
				*why = "unknown escape in a string";
				return (-1);
			}
		} else if ((unsigned char)c < 0x20) {
			*why = "a control character in a string";
			return (-1);
		}
		if (buf_append(b, &c, 1) != 0) {
			*why = "the string is too long";
			return (-1);
		}
	}
	if (s >= end) {
		*why = "the string has no closing quote";
		return (-1);
	}
	for (s++; s < end && (*s == ' ' || *s == '\t' || *s == '\r'); s++)
		;
	if (s < end) {
		*why = "text after the closing quote";
		return (-1);
	}
	return (0);
}

/* Keep the entry read so far (when it is complete, translated, and not fuzzy). */
static int
i18n_finish(struct i18n_reader *rd, const char **why)
{
	struct i18n_entry *e;
	size_t n;

	if (rd->has_id && !rd->has_str) {
		*why = "an msgid without its msgstr";
		return (-1);
	}
	if (rd->has_id && rd->id.len > 0 && rd->str.len > 0 && !rd->fuzzy && !rd->plural) {
		if (!utf8_valid(rd->id.data, rd->id.len) ||
		    !utf8_valid(rd->str.data, rd->str.len)) {
			*why = "a string is not UTF-8";
			return (-1);
		}
		if (rd->nadd == rd->capadd) {
			n = rd->capadd ? rd->capadd * 2 : 64;
			if ((e = realloc(rd->add, n * sizeof(*e))) == NULL)
				goto nomem;
			rd->add = e;
			rd->capadd = n;
		}
		e = &rd->add[rd->nadd];
		n = (rd->has_ctxt ? rd->ctxt.len + 1 : 0) + rd->id.len + 1;
		if ((e->id = malloc(n)) == NULL)
			goto nomem;
		if (rd->has_ctxt)
			snprintf(e->id, n, "%.*s\004%.*s", (int)rd->ctxt.len, rd->ctxt.data,
			    (int)rd->id.len, rd->id.data);
		else
			snprintf(e->id, n, "%.*s", (int)rd->id.len, rd->id.data);
		if ((e->str = strndup(rd->str.data, rd->str.len)) == NULL) {
			free(e->id);
			goto nomem;
		}
		rd->nadd++;
	}
	buf_reset(&rd->ctxt);
	buf_reset(&rd->id);
	buf_reset(&rd->str);
	rd->has_ctxt = rd->has_id = rd->has_str = rd->plural = 0;
	rd->fuzzy = 0;
	rd->field = FIELD_NONE;
	return (0);
nomem:
	*why = "out of memory";
	return (-1);
}

/* One line of a catalogue. */
static int
i18n_line(struct i18n_reader *rd, const char *s, const char *end, const char **why)
{
	static const struct {
		const char *kw;
		enum i18n_field field;
	} kws[] = {
		{"msgctxt", FIELD_CTXT}, {"msgid_plural", FIELD_PLURAL}, {"msgid", FIELD_ID},
		{"msgstr[", FIELD_STRN}, {"msgstr", FIELD_STR},
	};
	struct buf *target;
	size_t i, k;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s == end || *s == '\r')
		return (0);
	if (*s == '#') {
		/* A flags comment belongs to the next entry. */
		if (end - s >= 2 && s[1] == ',')
			for (; s + 5 <= end; s++)
				if (strncmp(s, "fuzzy", 5) == 0)
					rd->next_fuzzy = 1;
		return (0);
	}
	if (*s == '"') {
		target = rd->field == FIELD_CTXT ? &rd->ctxt : rd->field == FIELD_ID ? &rd->id :
		    rd->field == FIELD_STR ? &rd->str : NULL;
		if (rd->field == FIELD_NONE) {
			*why = "a string continues nothing";
			return (-1);
		}
		if (target == NULL) {
			struct buf skip;
			int rc;

			buf_init(&skip, I18N_TEXT_MAX);
			rc = i18n_quoted(s, end, &skip, why);
			buf_free(&skip);
			return (rc);
		}
		return (i18n_quoted(s, end, target, why));
	}
	for (i = 0; i < sizeof(kws) / sizeof(kws[0]); i++) {
		k = strlen(kws[i].kw);
		if ((size_t)(end - s) >= k && strncmp(s, kws[i].kw, k) == 0)
			break;
	}
	if (i == sizeof(kws) / sizeof(kws[0])) {
		*why = "not a catalogue line (msgctxt, msgid, msgstr, a string or a comment)";
		return (-1);
	}
	s += k;
	switch (kws[i].field) {
	case FIELD_CTXT:
	case FIELD_ID:
		if (rd->has_str && i18n_finish(rd, why) != 0)
			return (-1);
		if ((kws[i].field == FIELD_CTXT && (rd->has_ctxt || rd->has_id)) ||
		    (kws[i].field == FIELD_ID && rd->has_id)) {
			*why = "an entry repeats its msgctxt or msgid";
			return (-1);
		}
		if (!rd->has_ctxt && !rd->has_id) {
			/* A new entry: the flags comments above it are its own. */
			rd->fuzzy = rd->next_fuzzy;
			rd->next_fuzzy = 0;
		}
		if (kws[i].field == FIELD_CTXT)
			rd->has_ctxt = 1;
		else
			rd->has_id = 1;
		rd->field = kws[i].field;
		return (i18n_quoted(s, end, kws[i].field == FIELD_CTXT ? &rd->ctxt : &rd->id,
		    why));
	case FIELD_PLURAL:
	case FIELD_STRN:
		if (!rd->has_id) {
			*why = "msgid_plural or msgstr[N] before msgid";
			return (-1);
		}
		rd->plural = 1;
		rd->has_str = 1;
		rd->field = kws[i].field;
		if (kws[i].field == FIELD_STRN) {
			while (s < end && *s != ']')
				s++;
			if (s < end)
				s++;
		}
		{
			struct buf skip;
			int rc;

			buf_init(&skip, I18N_TEXT_MAX);
			rc = i18n_quoted(s, end, &skip, why);
			buf_free(&skip);
			return (rc);
		}
	case FIELD_STR:
		if (!rd->has_id || rd->has_str) {
			*why = "msgstr without its msgid";
			return (-1);
		}
		rd->has_str = 1;
		rd->field = FIELD_STR;
		return (i18n_quoted(s, end, &rd->str, why));
	case FIELD_NONE:
		break;
	}
	return (-1);
}

int
i18n_parse(struct i18n *cat, const char *text, size_t len, char *err, size_t errlen)
{
	struct i18n_reader rd;
	const char *p = text, *end = text + len, *nl, *why = NULL;
	struct i18n_entry *all;
	size_t line = 0, i;
	int rc = -1;

	memset(&rd, 0, sizeof(rd));
	buf_init(&rd.ctxt, I18N_TEXT_MAX);
	buf_init(&rd.id, I18N_TEXT_MAX);
	buf_init(&rd.str, I18N_TEXT_MAX);
	while (p < end) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (memchr(p, '\0', (size_t)(nl - p)) != NULL) {
			why = "a NUL byte";
			goto out;
		}
		if (i18n_line(&rd, p, nl, &why) != 0)
			goto out;
		p = nl < end ? nl + 1 : end;
	}
	line++;
	if (i18n_finish(&rd, &why) != 0)
		goto out;
	if (rd.nadd > 0) {
		if ((all = realloc(cat->entries, (cat->n + rd.nadd) * sizeof(*all))) == NULL) {
			why = "out of memory";
			goto out;
		}
		memcpy(all + cat->n, rd.add, rd.nadd * sizeof(*all));
		cat->entries = all;
		cat->n += rd.nadd;
		rd.nadd = 0;
		qsort(cat->entries, cat->n, sizeof(*cat->entries), i18n_cmp);
	}
	rc = 0;
out:
	if (rc != 0)
		snprintf(err, errlen, "line %zu: %s", line, why ? why : "out of memory");
	for (i = 0; i < rd.nadd; i++) {
		free(rd.add[i].id);
		free(rd.add[i].str);
	}
	free(rd.add);
	buf_free(&rd.ctxt);
	buf_free(&rd.id);
	buf_free(&rd.str);
	return (rc);
}

const char *
i18n_lang(const char *explicit_lang, const char *accept_language)
{
	double q, best_ja = 0, best_en = 0;
	const char *p = accept_language, *tag, *semi, *comma;
	size_t tn;

	if (explicit_lang != NULL)
		return (strcmp(explicit_lang, "ja") == 0 ? "ja" :
		    strcmp(explicit_lang, "en") == 0 ? "en" : NULL);
	/* RFC 9110 12.5.4: comma-separated language ranges, each with an optional q (1 by
	 * default); the larger q of ja and en wins, en on a tie. */
	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		tag = p;
		comma = strchr(p, ',');
		semi = strchr(p, ';');
		if (semi != NULL && comma != NULL && semi > comma)
			semi = NULL;
		tn = strcspn(tag, ";, ");
		q = 1;
		if (semi != NULL && strncmp(semi, ";q=", 3) == 0)
			q = strtod(semi + 3, NULL);
		if (tn >= 2 && (tn == 2 || tag[2] == '-')) {
			if (strncasecmp(tag, "ja", 2) == 0 && q > best_ja)
				best_ja = q;
			if (strncasecmp(tag, "en", 2) == 0 && q > best_en)
				best_en = q;
		}
		p = comma;
	}
	return (best_ja > 0 && best_ja > best_en ? "ja" : "en");
}

static int
i18n_load_file(struct i18n *cat, const char *rel, char *err, size_t errlen)
{
	char path[4096], why[256];
	struct buf text;
	char chunk[8192];
	size_t n;
	FILE *f;
	int rc = -1;

	if (paths_join(path, sizeof(path), rel) != 0) {
		snprintf(err, errlen, "%s: path too long", rel);
		return (-1);
	}
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	buf_init(&text, I18N_FILE_MAX);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(&text, chunk, n) != 0) {
			snprintf(err, errlen, "%s: larger than %d bytes", path, I18N_FILE_MAX);
			goto out;
		}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: cannot read", path);
		goto out;
	}
	if (i18n_parse(cat, text.data ? text.data : "", text.len, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "%s: %s", path, why);
		goto out;
	}
	rc = 0;
out:
	buf_free(&text);
	fclose(f);
	return (rc);
}

/* Load the catalogues <prefix><lang>.po of each prefix into cat. */
static int
i18n_load_files(struct i18n *cat, const char *lang, const char *const *prefixes,
    size_t n, char *err, size_t errlen)
{
	char rel[64];
	size_t i;

	memset(cat, 0, sizeof(*cat));
	snprintf(cat->lang, sizeof(cat->lang), "%s", lang);
	if (strcmp(lang, "en") == 0)
		return (0);
	for (i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "%s%s.po", prefixes[i], lang);
		if (i18n_load_file(cat, rel, err, errlen) != 0) {
			i18n_free(cat);
			return (-1);
		}
	}
	return (0);
}

int
i18n_load(struct i18n *cat, const char *lang, char *err, size_t errlen)
{
	static const char *const files[] = {"po/", "methodology/i18n/"};

	return (i18n_load_files(cat, lang, files, sizeof(files) / sizeof(files[0]), err,
	    errlen));
}

int
i18n_load_portal(struct i18n *cat, const char *lang, char *err, size_t errlen)
{
	static const char *const files[] = {"po/portal-", "po/",
	    "methodology/i18n/"};

	return (i18n_load_files(cat, lang, files, sizeof(files) / sizeof(files[0]), err,
	    errlen));
}

int
i18n_load_api(struct i18n *cat, const char *lang, char *err, size_t errlen)
{
	static const char *const files[] = {"po/api-"};

	return (i18n_load_files(cat, lang, files, 1, err, errlen));
}

int
i18n_open(struct i18n *cat, const char *explicit_lang, const char *accept_language,
    char *err, size_t errlen)
{
	const char *lang = i18n_lang(explicit_lang, accept_language);

	memset(cat, 0, sizeof(*cat));
	if (lang == NULL) {
		snprintf(err, errlen, "language '%s': use ja or en", explicit_lang);
		return (1);
	}
	return (i18n_load(cat, lang, err, errlen));
}

const char *
i18n_text(const struct i18n *cat, const char *msgid)
{
	struct i18n_entry key, *e;

	if (cat == NULL || cat->n == 0)
		return (msgid);
	key.id = (char *)msgid;
	e = bsearch(&key, cat->entries, cat->n, sizeof(*cat->entries), i18n_cmp);
	return (e != NULL ? e->str : msgid);
}

const char *
i18n_ctext(const struct i18n *cat, const char *ctxt, const char *msgid)
{
	char key[1024];
	const char *t;

	if (cat == NULL || cat->n == 0 ||
	    (size_t)snprintf(key, sizeof(key), "%s\004%s", ctxt, msgid) >= sizeof(key))
		return (msgid);
	t = i18n_text(cat, key);
	return (t == key ? msgid : t);
}

void
i18n_free(struct i18n *cat)
{
	size_t i;

	for (i = 0; i < cat->n; i++) {
		free(cat->entries[i].id);
		free(cat->entries[i].str);
	}
	free(cat->entries);
	cat->entries = NULL;
	cat->n = 0;
}
