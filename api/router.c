#include "api/router.h"

#include <stdio.h>
#include <string.h>

#include "common/log.h"

/* Classes of characters a parameter may hold, as bits. */
enum {
	RC_LOWER = 1, RC_UPPER = 2, RC_DIGIT = 4, RC_NONZERO = 8, RC_DASH = 16,
	RC_UNDERSCORE = 32, RC_DOT = 64
};

static unsigned
router_class_of(char c)
{
	if (c >= 'a' && c <= 'z')
		return (RC_LOWER);
	if (c >= 'A' && c <= 'Z')
		return (RC_UPPER);
	if (c >= '0' && c <= '9')
		return (c == '0' ? RC_DIGIT : RC_DIGIT | RC_NONZERO);
	return (c == '-' ? RC_DASH : c == '_' ? RC_UNDERSCORE : c == '.' ? RC_DOT : 0);
}

/* Whether s has min to max characters, the first of a class in first, the rest of
 * one in rest. */
static int
router_chars(const char *s, size_t min, size_t max, unsigned first, unsigned rest)
{
	size_t n = strlen(s), i;

	if (n < min || n > max)
		return (0);
	for (i = 0; i < n; i++)
		if ((router_class_of(s[i]) & (i == 0 ? first : rest)) == 0)
			return (0);
	return (1);
}

#define RC_NAME (RC_LOWER | RC_UPPER | RC_DIGIT | RC_DOT | RC_UNDERSCORE | RC_DASH)

int
router_param_valid(const char *name, const char *value)
{
	const char *dot;

	if (strcmp(name, "slug") == 0)
		return (router_chars(value, 1, 63, RC_LOWER | RC_DIGIT,
		    RC_LOWER | RC_DIGIT | RC_DASH));
	if (strcmp(name, "id") == 0)
		return (router_chars(value, 1, 18, RC_NONZERO, RC_DIGIT));
	if (strcmp(name, "sector") == 0)
		return (router_chars(value, 1, 40, RC_LOWER,
		    RC_LOWER | RC_DIGIT | RC_UNDERSCORE));
	if (strcmp(name, "version") == 0) {
		char year[8];

		if ((dot = strchr(value, '.')) == NULL || dot - value != 4)
			return (0);
		memcpy(year, value, 4);
		year[4] = '\0';
		return (router_chars(year, 4, 4, RC_DIGIT, RC_DIGIT) &&
		    router_chars(dot + 1, 1, 6, RC_DIGIT, RC_DIGIT));
	}
	return (router_chars(value, 1, 64, RC_NAME, RC_NAME));
}

/* Whether path fits pattern; its parameters go to m when m is not NULL. */
static int
router_fits(const char *pattern, const char *path, struct router_match *m)
{
	const char *p = pattern, *s = path;
	size_t np = 0;

	if (m != NULL)
		m->nparams = 0;
	/* Most patterns differ from the path before their first parameter. */
	for (; *p != '\0' && *p != '{'; p++, s++)
		if (*p != *s)
			return (0);
	p = pattern;
	s = path;
	/* The root is the one pattern with an empty segment: it matches only itself. */
	if (strcmp(pattern, "/") == 0)
		return (strcmp(path, "/") == 0);
	while (*p != '\0' && *s != '\0') {
		if (*p != '/' || *s != '/')
			return (0);
		p++;
		s++;
		{
			size_t plen = strcspn(p, "/"), slen = strcspn(s, "/");

			if (slen == 0)
				return (0);
			if (plen >= 2 && p[0] == '{' && p[plen - 1] == '}') {
				char name[ROUTER_NAME_MAX], value[ROUTER_VALUE_MAX];

				if (plen - 2 >= sizeof(name) || slen >= sizeof(value) ||
				    np >= ROUTER_MAX_PARAMS)
					return (0);
				memcpy(name, p + 1, plen - 2);
				name[plen - 2] = '\0';
				memcpy(value, s, slen);
				value[slen] = '\0';
				if (!router_param_valid(name, value))
					return (0);
				if (m != NULL) {
					memcpy(m->names[np], name, plen - 1);
					memcpy(m->values[np], value, slen + 1);
				}
				np++;
			} else if (plen != slen || memcmp(p, s, plen) != 0)
				return (0);
			p += plen;
			s += slen;
		}
	}
	if (*p != '\0' || *s != '\0')
		return (0);
	if (m != NULL)
		m->nparams = np;
	return (1);
}

static int
router_method_fits(const char *route_method, const char *method)
{
	return (strcmp(route_method, method) == 0 ||
	    (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0));
}

enum router_result
router_match(const struct router_route *routes, size_t n, const char *method,
    const char *path, struct router_match *m)
{
	size_t i;
	int path_known = 0;

	m->route = NULL;
	m->nparams = 0;
	for (i = 0; i < n; i++) {
		if (!router_fits(routes[i].pattern, path, m))
			continue;
		if (router_method_fits(routes[i].method, method)) {
			m->route = &routes[i];
			m->index = i;
			return (ROUTER_FOUND);
		}
		path_known = 1;
	}
	m->nparams = 0;
	return (path_known ? ROUTER_METHOD_NOT_ALLOWED : ROUTER_NOT_FOUND);
}

static int
router_add_method(char *out, size_t outn, size_t *len, const char *method)
{
	const char *p = out;
	size_t ml = strlen(method);
	int w;

	/* Already listed? */
	while ((p = strstr(p, method)) != NULL) {
		if ((p == out || p[-1] == ' ') && (p[ml] == ',' || p[ml] == '\0'))
			return (0);
		p += ml;
	}
	w = snprintf(out + *len, outn - *len, "%s%s", *len ? ", " : "", method);
	if (w < 0 || (size_t)w >= outn - *len)
		return (-1);
	*len += (size_t)w;
	return (1);
}

int
router_allow(const struct router_route *routes, size_t n, const char *path, char *out,
    size_t outn)
{
	size_t i, len = 0;
	int count = 0, r;

	if (outn == 0)
		return (-1);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (!router_fits(routes[i].pattern, path, NULL))
			continue;
		if ((r = router_add_method(out, outn, &len, routes[i].method)) < 0)
			return (-1);
		count += r;
		if (strcmp(routes[i].method, "GET") == 0) {
			if ((r = router_add_method(out, outn, &len, "HEAD")) < 0)
				return (-1);
			count += r;
		}
	}
	return (count);
}

const char *
router_param(const struct router_match *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nparams; i++)
		if (strcmp(m->names[i], name) == 0)
			return (m->values[i]);
	return (NULL);
}

int
router_query_accepted(const struct router_route *route, const char *name)
{
	const char *p = route->query;
	size_t n = strlen(name);

	if (p == NULL || n == 0)
		return (0);
	while (*p != '\0') {
		size_t len = strcspn(p, ",");

		if (len == n && memcmp(p, name, n) == 0)
			return (1);
		p += len;
		if (*p == ',')
			p++;
	}
	return (0);
}

static int
router_pattern_ok(const char *pattern)
{
	const char *p = pattern;
	size_t np = 0;

	if (p[0] != '/')
		return (0);
	if (strcmp(p, "/") == 0)
		return (1);
	while (*p == '/') {
		size_t len;

		p++;
		len = strcspn(p, "/");
		if (len == 0)
			return (0);
		if (p[0] == '{') {
			if (len < 3 || p[len - 1] != '}' || len - 2 >= ROUTER_NAME_MAX ||
			    ++np > ROUTER_MAX_PARAMS)
				return (0);
		} else if (memchr(p, '{', len) != NULL || memchr(p, '}', len) != NULL)
			return (0);
		p += len;
	}
	return (*p == '\0');
}

int
router_check_table(const struct router_route *routes, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (routes[i].method == NULL || routes[i].pattern == NULL ||
		    routes[i].handler == NULL || routes[i].roles == 0 ||
		    !router_pattern_ok(routes[i].pattern)) {
			log_error("router: bad route #%zu (%s)", i,
			    routes[i].pattern ? routes[i].pattern : "?");
			return (-1);
		}
		for (j = 0; j < i; j++)
			if (strcmp(routes[i].method, routes[j].method) == 0 &&
			    strcmp(routes[i].pattern, routes[j].pattern) == 0) {
				log_error("router: %s %s is listed twice", routes[i].method,
				    routes[i].pattern);
				return (-1);
			}
	}
	return (0);
}
