#include "collector/web_policy.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int
policy_ws(char c)
{
	return (c == ' ' || c == '\t');
}

/* The n bytes at s without blanks around them. */
static void
policy_trim(const char **s, size_t *n)
{
	while (*n > 0 && policy_ws(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && policy_ws((*s)[*n - 1]))
		(*n)--;
}

static int
policy_is(const char *s, size_t n, const char *word)
{
	return (n == strlen(word) && strncasecmp(s, word, n) == 0);
}

/* max-age's value (n bytes at v, maybe quoted): its seconds, or -1. */
static long
policy_max_age(const char *v, size_t n)
{
	long age = 0;
	size_t i;

	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v++;
		n -= 2;
	}
	if (n == 0)
		return (-1);
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)v[i]))
			return (-1);
		if (age < 100000000000L)          /* beyond any real value: stays large */
			age = age * 10 + (v[i] - '0');
	}
	return (age);
}

void
web_policy_hsts(const char *value, struct web_hsts *h)
{
	const char *p = value, *semi, *eq, *name, *v;
	size_t nn, vn;
	int seen_age = 0, bad = 0;

	memset(h, 0, sizeof(*h));
	h->max_age = -1;
	while (*p != '\0') {
		semi = strchr(p, ';');
		nn = semi ? (size_t)(semi - p) : strlen(p);
		name = p;
		p = semi ? semi + 1 : p + nn;
		eq = memchr(name, '=', nn);
		v = eq ? eq + 1 : "";
		vn = eq ? nn - (size_t)(eq + 1 - name) : 0;
		if (eq != NULL)
			nn = (size_t)(eq - name);
		policy_trim(&name, &nn);
		policy_trim(&v, &vn);
		if (nn == 0 && eq == NULL)
			continue;                     /* empty directive: "a;;b" */
		if (policy_is(name, nn, "max-age")) {
			bad |= seen_age++ > 0;
			h->max_age = policy_max_age(v, vn);
			bad |= h->max_age < 0;
		} else if (policy_is(name, nn, "includesubdomains")) {
			bad |= h->include_subdomains++ > 0 || eq != NULL;
		} else if (policy_is(name, nn, "preload")) {
			bad |= h->preload++ > 0 || eq != NULL;
		}
	}
	h->include_subdomains = h->include_subdomains > 0;
	h->preload = h->preload > 0;
	h->valid = seen_age && !bad;
	if (!h->valid)
		h->max_age = -1;
}

enum web_referrer
web_policy_referrer(const char *value, const char **token)
{
	static const char *const private_[] = {"no-referrer", "same-origin",
	    "strict-origin", "strict-origin-when-cross-origin", NULL};
	static const char *const unsafe[] = {"unsafe-url", "no-referrer-when-downgrade",
	    "origin", "origin-when-cross-origin", NULL};
	enum web_referrer r = WEB_REFERRER_INVALID;
	const char *p = value, *t;
	size_t n;
	int i;

	if (token != NULL)
		*token = "";
	while (*p != '\0') {
		t = p;
		n = strcspn(p, ",");
		p += n + (p[n] == ',');
		policy_trim(&t, &n);
		for (i = 0; private_[i] != NULL; i++)
			if (policy_is(t, n, private_[i])) {
				r = WEB_REFERRER_PRIVATE;
				if (token != NULL)
					*token = private_[i];
			}
		for (i = 0; unsafe[i] != NULL; i++)
			if (policy_is(t, n, unsafe[i])) {
				r = WEB_REFERRER_UNSAFE;
				if (token != NULL)
					*token = unsafe[i];
			}
	}
	return (r);
}

enum web_cors
web_policy_cors(const char *acao, const char *acac, const char *origin_sent)
{
	int credentials = acac != NULL && strcasecmp(acac, "true") == 0;

	if (acao == NULL || acao[0] == '\0')
		return (WEB_CORS_NONE);
	if (credentials && (strcmp(acao, "*") == 0 || strcasecmp(acao, "null") == 0 ||
	    (origin_sent != NULL && strcasecmp(acao, origin_sent) == 0)))
		return (WEB_CORS_ANY_WITH_CREDENTIALS);
	if (strcmp(acao, "*") == 0)
		return (WEB_CORS_PUBLIC);
	return (WEB_CORS_RESTRICTED);
}

int
web_policy_url_host(const char *url, size_t len, char *out, size_t n)
{
	const char *end = url + len, *h, *at, *e;
	size_t hn, i;

	if (len >= 2 && url[0] == '/' && url[1] == '/') {
		h = url + 2;
	} else {
		for (i = 0; i < len && (isalnum((unsigned char)url[i]) || url[i] == '+' ||
		    url[i] == '-' || url[i] == '.'); i++)
			;
		if (i == 0 || i + 3 > len || memcmp(url + i, "://", 3) != 0)
			return (-1);
		h = url + i + 3;
	}
	for (e = h; e < end && *e != '/' && *e != '?' && *e != '#' && *e != '\\'; e++)
		;
	if ((at = memchr(h, '@', (size_t)(e - h))) != NULL)
		h = at + 1;
	if (h < e && *h == '[') {
		const char *close = memchr(h, ']', (size_t)(e - h));

		e = close ? close + 1 : e;
	} else {
		const char *colon = memchr(h, ':', (size_t)(e - h));

		e = colon ? colon : e;
	}
	hn = (size_t)(e - h);
	if (hn > 0 && h[hn - 1] == '.')
		hn--;
	if (hn == 0 || hn >= n)
		return (-1);
	for (i = 0; i < hn; i++)
		out[i] = (char)tolower((unsigned char)h[i]);
	out[hn] = '\0';
	return (0);
}

int
web_policy_redirect_target(const char *location, const char *host)
{
	char to[256];
	size_t hn = strlen(host);

	if (location == NULL || strncasecmp(location, "https://", 8) != 0)
		return (-1);
	if (web_policy_url_host(location, strlen(location), to, sizeof(to)) != 0)
		return (0);
	if (hn > 0 && host[hn - 1] == '.')
		hn--;
	return (strlen(to) == hn && strncasecmp(to, host, hn) == 0);
}
