#include "collector/cookies.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "collector/scan_results.h"

#define COOKIE_NAME_SCAN 256                  /* bytes of a name looked at for words */

/* Whether the n bytes at s equal word, ignoring case. */
static int
cookie_is(const char *s, size_t n, const char *word)
{
	return (n == strlen(word) && strncasecmp(s, word, n) == 0);
}

/* The bytes at *s (*n) without blanks around them. */
static void
cookie_trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* "sid" as a word of the name: "sid", "PHPSID", "sid_x", "app.sid". */
static int
cookie_has_sid(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 3 <= n; i++)
		if (strncasecmp(s + i, "sid", 3) == 0 &&
		    (i + 3 == n || !isalpha((unsigned char)s[i + 3])))
			return (1);
	return (0);
}

/* SameSite's value (vn bytes at val, trimmed). */
/* Whether a name (n bytes at s) marks a session or login identifier; its first
 * COOKIE_NAME_SCAN bytes are read. */
static int
cookie_session_name(const char *s, size_t n)
{
	static const char *const words[] = {"sess", "auth", "token", "login", "jwt", NULL};
	char lower[COOKIE_NAME_SCAN + 1];
	size_t i;

	if (n > COOKIE_NAME_SCAN)
		n = COOKIE_NAME_SCAN;
	for (i = 0; i < n; i++)
		lower[i] = s[i] == '\0' ? ' ' : (char)tolower((unsigned char)s[i]);
	lower[n] = '\0';
	for (i = 0; words[i] != NULL; i++)
		if (strstr(lower, words[i]) != NULL)
			return (1);
	return (cookie_has_sid(s, n));
}

static void
cookie_samesite(struct cookie_facts *f, const char *val, size_t vn)
{
	size_t word;

	for (word = 0; word < vn && val[word] != ' ' && val[word] != '\t'; word++)
		;
	scan_results_excerpt(val, word, 15, f->samesite_raw);
	f->samesite = cookie_is(val, vn, "lax") ? COOKIE_SAMESITE_LAX :
	    cookie_is(val, vn, "strict") ? COOKIE_SAMESITE_STRICT :
	    cookie_is(val, vn, "none") ? COOKIE_SAMESITE_NONE : COOKIE_SAMESITE_INVALID;
}

static void
cookie_attribute(struct cookie_facts *f, const char *a, size_t n)
{
	const char *eq = memchr(a, '=', n), *val = "";
	size_t kn = eq ? (size_t)(eq - a) : n, vn = 0;

	if (eq != NULL) {
		val = eq + 1;
		vn = n - kn - 1;
	}
	cookie_trim(&a, &kn);
	cookie_trim(&val, &vn);
	if (cookie_is(a, kn, "secure"))
		f->secure = 1;
	else if (cookie_is(a, kn, "httponly"))
		f->httponly = 1;
	else if (cookie_is(a, kn, "expires") || cookie_is(a, kn, "max-age"))
		f->persistent |= vn > 0;
	else if (cookie_is(a, kn, "domain"))
		f->has_domain |= vn > 0;
	else if (cookie_is(a, kn, "path"))
		f->path_root = vn == 1 && val[0] == '/';
	else if (cookie_is(a, kn, "samesite"))
		cookie_samesite(f, val, vn);
}

void
cookie_parse(const char *v, size_t len, struct cookie_facts *f)
{
	const char *end = v + len, *semi, *eq;
	size_t nlen;

	memset(f, 0, sizeof(*f));
	semi = memchr(v, ';', len);
	if (semi == NULL)
		semi = end;
	eq = memchr(v, '=', (size_t)(semi - v));
	nlen = eq ? (size_t)(eq - v) : 0;         /* no '=': a value with an empty name */
	cookie_trim(&v, &nlen);
	scan_results_excerpt(v, nlen, COOKIES_NAME_MAX, f->name);
	f->session_name = cookie_session_name(v, nlen);
	if (nlen >= 9 && strncasecmp(v, "__Secure-", 9) == 0)
		f->prefix = 1;
	else if (nlen >= 7 && strncasecmp(v, "__Host-", 7) == 0)
		f->prefix = 2;
	while (semi < end) {
		const char *a = semi + 1;

		semi = memchr(a, ';', (size_t)(end - a));
		if (semi == NULL)
			semi = end;
		cookie_attribute(f, a, (size_t)(semi - a));
	}
}

int
cookie_is_session(const struct cookie_facts *f)
{
	return (f->session_name || !f->persistent);
}

int
cookie_samesite_ok(const struct cookie_facts *f)
{
	return (f->samesite == COOKIE_SAMESITE_LAX || f->samesite == COOKIE_SAMESITE_STRICT ||
	    (f->samesite == COOKIE_SAMESITE_NONE && f->secure));
}

int
cookie_prefix_ok(const struct cookie_facts *f)
{
	if (f->prefix == 1)
		return (f->secure);
	if (f->prefix == 2)
		return (f->secure && f->path_root && !f->has_domain);
	return (1);
}

const char *
cookie_samesite_name(enum cookie_samesite s)
{
	static const char *const names[] = {"unset", "invalid", "lax", "strict", "none"};

	return (names[s]);
}
