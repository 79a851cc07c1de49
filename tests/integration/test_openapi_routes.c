/* docs/openapi.yaml documents exactly the server's routes: its paths and methods and
 * the route table of api/routes.c are the same set. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/routes.h"
#include "common/paths.h"

#define MAX_OPS 512

struct op {
	char method[8];
	char path[200];
};

/* The (method, path) pairs of openapi.yaml: path keys at two spaces of indent under
 * "paths:", methods at four. */
static size_t
read_yaml(struct op *ops)
{
	static const char *const methods[] = {"get", "post", "put", "delete", "patch"};
	char file[4096], line[1024], path[200] = "";
	size_t n = 0, i, len;
	int in_paths = 0;
	FILE *f;

	cr_assert_eq(paths_join(file, sizeof(file), "docs/openapi.yaml"), 0);
	f = fopen(file, "r");
	cr_assert_not_null(f, "cannot open %s", file);
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		len = strlen(line);
		if (len == 0 || line[0] == '#')
			continue;
		if (line[0] != ' ') {
			in_paths = strcmp(line, "paths:") == 0;
			continue;
		}
		if (!in_paths)
			continue;
		if (strncmp(line, "  /", 3) == 0 && line[len - 1] == ':') {
			snprintf(path, sizeof(path), "%.*s", (int)(len - 3), line + 2);
			continue;
		}
		if (strncmp(line, "    ", 4) != 0 || line[4] == ' ' || path[0] == '\0')
			continue;
		for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
			if (strncmp(line + 4, methods[i], strlen(methods[i])) == 0 &&
			    line[4 + strlen(methods[i])] == ':') {
				cr_assert_lt(n, MAX_OPS);
				snprintf(ops[n].method, sizeof(ops[n].method), "%s", methods[i]);
				snprintf(ops[n].path, sizeof(ops[n].path), "%s", path);
				n++;
			}
	}
	fclose(f);
	return (n);
}

static void
lower(const char *in, char *out, size_t n)
{
	size_t i;

	for (i = 0; in[i] != '\0' && i + 1 < n; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

Test(openapi_routes, same_set)
{
	static struct op ops[MAX_OPS];
	const struct router_route *routes;
	size_t nops = read_yaml(ops), n, i, j;
	char m[8];
	int found;

	routes = routes_table(&n);
	cr_assert_gt(nops, 0, "no paths found in docs/openapi.yaml");
	for (i = 0; i < n; i++) {
		lower(routes[i].method, m, sizeof(m));
		for (j = 0, found = 0; j < nops && !found; j++)
			found = strcmp(ops[j].method, m) == 0 &&
			    strcmp(ops[j].path, routes[i].pattern) == 0;
		cr_expect(found, "%s %s is served but not in docs/openapi.yaml",
		    routes[i].method, routes[i].pattern);
	}
	for (j = 0; j < nops; j++) {
		for (i = 0, found = 0; i < n && !found; i++) {
			lower(routes[i].method, m, sizeof(m));
			found = strcmp(ops[j].method, m) == 0 &&
			    strcmp(ops[j].path, routes[i].pattern) == 0;
		}
		cr_expect(found, "docs/openapi.yaml documents %s %s, which is not served",
		    ops[j].method, ops[j].path);
	}
	for (i = 0; i < nops; i++)
		for (j = 0; j < i; j++)
			cr_expect(strcmp(ops[i].method, ops[j].method) != 0 ||
			    strcmp(ops[i].path, ops[j].path) != 0, "%s %s documented twice",
			    ops[i].method, ops[i].path);
}
