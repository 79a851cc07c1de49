#include "common/i18n_format.h"

#include <string.h>

/* The next conversion of a printf format from *p on, as its signature (the '*'s of
 * width and precision, the length modifier and the conversion letter) into sig;
 * *p moves past it. 0 at the end of the format, 1 with a conversion, -1 for a
 * conversion that is cut short. */
static int
i18n_next_conversion(const char **p, char sig[8])
{
	const char *s = *p;
	size_t k = 0;

	for (;;) {
		if ((s = strchr(s, '%')) == NULL) {
			*p = s;
			return (0);
		}
		if (s[1] == '%') {
			s += 2;
			continue;
		}
		break;
	}
	for (s++; *s != '\0' && strchr("-+ #0'", *s) != NULL; s++)
		;
	for (; *s == '*' || (*s >= '0' && *s <= '9') || *s == '.'; s++)
		if (*s == '*' && k < 2)
			sig[k++] = '*';
	for (; *s != '\0' && strchr("hlLqjzt", *s) != NULL && k < 6; s++)
		sig[k++] = *s;
	if (*s == '\0')
		return (-1);
	sig[k++] = *s++;
	sig[k] = '\0';
	*p = s;
	return (1);
}

int
i18n_format_same(const char *a, const char *b)
{
	char sa[8], sb[8];
	int ra, rb;

	for (;;) {
		ra = i18n_next_conversion(&a, sa);
		rb = i18n_next_conversion(&b, sb);
		if (ra != rb || ra < 0)
			return (0);
		if (ra == 0)
			return (1);
		if (strcmp(sa, sb) != 0)
			return (0);
	}
}

const char *
i18n_format(const struct i18n *cat, const char *fmt)
{
	const char *t = i18n_text(cat, fmt);

	return (t != fmt && i18n_format_same(fmt, t) ? t : fmt);
}

/* Match text against pattern from capture k on (backtracking over the length of each
 * %s run). */
static int
i18n_match_from(const char *pat, const char *text,
    char caps[I18N_CAPTURES][I18N_CAPTURE_MAX], int k)
{
	size_t n;

	while (*pat != '\0') {
		if (pat[0] == '%' && pat[1] == 's') {
			if (k >= I18N_CAPTURES)
				return (-1);
			for (n = 1; text[n - 1] != '\0' && n < I18N_CAPTURE_MAX; n++) {
				int rc = i18n_match_from(pat + 2, text + n, caps, k + 1);

				if (rc >= 0) {
					memcpy(caps[k], text, n);
					caps[k][n] = '\0';
					return (rc);
				}
			}
			return (-1);
		}
		if (pat[0] == '%' && pat[1] == 'p') {
			if (*text == 's') {
				int rc = i18n_match_from(pat + 2, text + 1, caps, k);

				if (rc >= 0)
					return (rc);
			}
			pat += 2;
			continue;
		}
		if (*pat != *text)
			return (-1);
		pat++;
		text++;
	}
	return (*text == '\0' ? k : -1);
}

int
i18n_match(const char *pattern, const char *text,
    char caps[I18N_CAPTURES][I18N_CAPTURE_MAX])
{
	return (i18n_match_from(pattern, text, caps, 0));
}

int
i18n_fill(const char *msg, char caps[I18N_CAPTURES][I18N_CAPTURE_MAX], int ncaps,
    char *out, size_t n)
{
	const char *s, *add;
	size_t o = 0, len, cut;
	int k = 0;

	if (n == 0)
		return (-1);
	/* First the check, so that out stays as it was when msg does not fit caps. */
	for (s = msg; (s = strchr(s, '%')) != NULL; s += 2)
		if (s[1] == 's') {
			if (k++ >= ncaps)
				return (-1);
		} else if (s[1] != '%') {
			return (-1);
		}
	for (k = 0, s = msg; *s != '\0' && o + 1 < n; ) {
		if (s[0] == '%' && (s[1] == 's' || s[1] == '%')) {
			add = s[1] == 's' ? caps[k++] : "%";
			s += 2;
		} else {
			add = s;
			s += 1;
			/* A whole UTF-8 character at a time. */
			while ((*s & 0xc0) == 0x80)
				s++;
			len = (size_t)(s - add);
			if (o + len >= n)
				break;
			memcpy(out + o, add, len);
			o += len;
			continue;
		}
		len = strlen(add);
		cut = o + len < n ? len : n - 1 - o;
		while (cut < len && cut > 0 && (add[cut] & 0xc0) == 0x80)
			cut--;
		memcpy(out + o, add, cut);
		o += cut;
		if (cut < len)
			break;
	}
	out[o] = '\0';
	return (0);
}
