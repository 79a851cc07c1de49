/*
 * Request lines (api/router over the real table of api/routes): "METHOD PATH?QUERY",
 * the path percent-decoded as the server hands it over. Checks: a match names its
 * route and index, has the request's method (or HEAD for GET), and only parameters
 * that router_param_valid accepts, found again by router_param; a path answers Allow
 * methods exactly when it matched or was refused with 405; router_allow never writes
 * past any buffer size; a query parameter the route accepts is one of its list.
 */
#include "tests/fuzz/fuzz.h"

#include "api/router.h"
#include "api/routes.h"

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/* Decode %XX in place, as libmicrohttpd does before the router sees a path. */
static void
percent_decode(char *s)
{
	char *out = s;

	for (; *s != '\0'; s++) {
		if (*s == '%' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
			*out++ = (char)(hexval(s[1]) * 16 + hexval(s[2]));
			s += 2;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

static int
in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return (1);
		p = strchr(p, ',');
		p = p ? p + 1 : NULL;
	}
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct router_route *routes;
	struct router_match m;
	enum router_result res;
	char *line = fuzz_strndup(data, size), *method, *path, *query, *pair, *save, *eq;
	char allow[256], *small;
	size_t n, i, cut;
	int methods;

	routes = routes_table(&n);
	method = line;
	if ((path = strchr(line, ' ')) == NULL)
		goto done;
	*path++ = '\0';
	if ((query = strchr(path, '?')) != NULL)
		*query++ = '\0';
	percent_decode(path);
	res = router_match(routes, n, method, path, &m);
	methods = router_allow(routes, n, path, allow, sizeof(allow));
	FUZZ_CHECK(methods >= 0);
	FUZZ_CHECK((res == ROUTER_NOT_FOUND) == (methods == 0));
	for (cut = 1; cut < 64; cut += 7) {
		FUZZ_CHECK((small = malloc(cut)) != NULL);
		(void)router_allow(routes, n, path, small, cut);
		FUZZ_CHECK(memchr(small, '\0', cut) != NULL);
		free(small);
	}
	if (res != ROUTER_FOUND) {
		FUZZ_CHECK(m.route == NULL);
		goto done;
	}
	FUZZ_CHECK(m.index < n && m.route == &routes[m.index]);
	FUZZ_CHECK(strcmp(m.route->method, method) == 0 ||
	    (strcmp(method, "HEAD") == 0 && strcmp(m.route->method, "GET") == 0));
	FUZZ_CHECK(strstr(allow, method) != NULL);
	FUZZ_CHECK(m.nparams <= ROUTER_MAX_PARAMS);
	for (i = 0; i < m.nparams; i++) {
		FUZZ_TEXT(m.values[i]);
		FUZZ_CHECK(memchr(m.names[i], '\0', sizeof(m.names[i])) != NULL);
		FUZZ_CHECK(router_param_valid(m.names[i], m.values[i]));
		FUZZ_CHECK(router_param(&m, m.names[i]) != NULL);
	}
	for (pair = query ? strtok_r(query, "&", &save) : NULL; pair != NULL;
	    pair = strtok_r(NULL, "&", &save)) {
		if ((eq = strchr(pair, '=')) != NULL)
			*eq = '\0';
		percent_decode(pair);
		if (router_query_accepted(m.route, pair))
			FUZZ_CHECK(m.route->query != NULL && in_list(m.route->query, pair));
	}
done:
	free(line);
	return (0);
}
