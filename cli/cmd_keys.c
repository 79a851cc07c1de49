#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/auth.h"
#include "api/keys_store.h"
#include "cli/commands.h"
#include "common/db.h"

static void
keys_usage(FILE *out)
{
	fprintf(out, "usage: fairrate keys create --role ROLE [--company SLUG] [--name TEXT]\n"
	    "       fairrate keys list\n"
	    "       fairrate keys revoke ID\n\n"
	    "Manages API keys. ROLE is investor, company, analyst or admin; a company key\n"
	    "needs --company. 'create' prints the new key alone on the last line of its\n"
	    "output, once: only a hash of it is stored. 'list' never shows a key. A key\n"
	    "revoked here is refused at once by every running server (they are notified).\n");
}

static int
keys_create(PGconn *conn, int argc, char **argv)
{
	static const struct option opts[] = {
		{"role", required_argument, NULL, 'r'},
		{"company", required_argument, NULL, 'c'},
		{"name", required_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *role_name = NULL, *company = NULL, *name = NULL;
	char key[AUTH_KEY_SIZE];
	enum auth_role role;
	enum keys_store_result rc;
	int64_t id;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r': role_name = optarg; break;
		case 'c': company = optarg; break;
		case 'n': name = optarg; break;
		case 'h': keys_usage(stdout); return (0);
		default: keys_usage(stderr); return (2);
		}
	}
	if (optind != argc || auth_role_parse(role_name, &role) != 0) {
		fprintf(stderr, "fairrate keys create: --role investor|company|analyst|admin\n");
		return (2);
	}
	if (name != NULL && strlen(name) > 200) {
		fprintf(stderr, "fairrate keys create: --name has at most 200 characters\n");
		return (2);
	}
	rc = keys_store_create(conn, role, company, name, 0, key, &id);
	if (rc == KEYS_STORE_BAD_SCOPE) {
		fprintf(stderr, "fairrate keys create: %s\n", role == AUTH_ROLE_COMPANY ?
		    "a company key needs --company SLUG" : "only a company key takes --company");
		return (2);
	}
	if (rc == KEYS_STORE_UNKNOWN_COMPANY) {
		fprintf(stderr, "fairrate keys create: no company has the slug '%s'\n", company);
		return (1);
	}
	if (rc != KEYS_STORE_OK)
		return (1);
	printf("created key %lld (%s%s%s); it is shown once:\n", (long long)id,
	    auth_role_name(role), company ? ", " : "", company ? company : "");
	printf("%s\n", key);
	memset(key, 0, sizeof(key));
	return (fflush(stdout) == 0 ? 0 : 1);
}

static int
keys_list(PGconn *conn)
{
	int64_t after = 0;
	json_t *items, *it;
	size_t i;

	printf("%-6s %-12s %-8s %-20s %-20s %-20s %s\n", "id", "prefix", "role", "company",
	    "created_at", "revoked_at", "name");
	for (;;) {
		if ((items = keys_store_list(conn, after, 500)) == NULL)
			return (1);
		if (json_array_size(items) == 0) {
			json_decref(items);
			break;
		}
		json_array_foreach(items, i, it) {
			const char *company = json_string_value(json_object_get(it, "company"));
			const char *revoked = json_string_value(json_object_get(it, "revoked_at"));

			after = json_integer_value(json_object_get(it, "id"));
			printf("%-6lld %-12s %-8s %-20s %-20s %-20s %s\n", (long long)after,
			    json_string_value(json_object_get(it, "prefix")),
			    json_string_value(json_object_get(it, "role")), company ? company : "-",
			    json_string_value(json_object_get(it, "created_at")),
			    revoked ? revoked : "-", json_string_value(json_object_get(it, "name")));
		}
		json_decref(items);
	}
	return (0);
}

static int
keys_revoke(PGconn *conn, int argc, char **argv)
{
	char *end;
	long long id;
	int rc;

	if (argc != 2 || (id = strtoll(argv[1], &end, 10)) <= 0 || *end != '\0') {
		fprintf(stderr, "usage: fairrate keys revoke ID\n");
		return (2);
	}
	if ((rc = keys_store_revoke(conn, id, 0)) < 0)
		return (1);
	if (rc == 0) {
		fprintf(stderr, "fairrate keys revoke: no active key has the id %lld\n", id);
		return (1);
	}
	printf("revoked key %lld\n", id);
	return (0);
}

int
cmd_keys(int argc, char **argv)
{
	PGconn *conn;
	int rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		keys_usage(argc < 2 ? stderr : stdout);
		return (argc < 2 ? 2 : 0);
	}
	if (strcmp(argv[1], "create") != 0 && strcmp(argv[1], "list") != 0 &&
	    strcmp(argv[1], "revoke") != 0) {
		keys_usage(stderr);
		return (2);
	}
	if (strcmp(argv[1], "list") == 0 && argc != 2) {
		keys_usage(stderr);
		return (2);
	}
	if ((conn = db_connect(NULL)) == NULL)
		return (1);
	if (strcmp(argv[1], "create") == 0)
		rc = keys_create(conn, argc - 1, argv + 1);
	else if (strcmp(argv[1], "list") == 0)
		rc = keys_list(conn);
	else
		rc = keys_revoke(conn, argc - 1, argv + 1);
	PQfinish(conn);
	return (rc);
}
