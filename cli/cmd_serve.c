#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/auth.h"
#include "api/claim_worker.h"
#include "api/routes.h"
#include "api/server.h"
#include "cli/commands.h"
#include "common/db.h"
#include "common/log.h"
#include "dispute/webhook_worker.h"

static void
serve_usage(FILE *out, const struct server_config *d)
{
	fprintf(out, "usage: fairrate serve [OPTIONS]\n\n"
	    "Serves the HTTP API until SIGTERM or SIGINT, then lets requests in flight finish.\n"
	    "Each option can also be set in the environment (the flag wins).\n\n"
	    "  --listen HOST:PORT       FAIRRATE_LISTEN              default %s:%u\n"
	    "  --database-url URL       DATABASE_URL                 default the private cluster\n"
	    "  --pool-size N            FAIRRATE_POOL_SIZE           default %u connections\n"
	    "  --pool-wait-ms MS        FAIRRATE_POOL_WAIT_MS        default %u (then 503)\n"
	    "  --threads N              FAIRRATE_THREADS             default 2 x CPUs, <= 2 x pool\n"
	    "                                                        (HTTP threads; never block)\n"
	    "  --workers N              FAIRRATE_WORKERS             default 2 x CPUs, <= pool\n"
	    "                                                        (requests needing the DB)\n"
	    "  --body-limit BYTES       FAIRRATE_BODY_LIMIT          default %zu (then 413);\n"
	    "                                                        attachments take 7 MiB\n"
	    "  --connection-timeout S   FAIRRATE_CONNECTION_TIMEOUT  default %u (idle connection)\n"
	    "  --header-timeout S       FAIRRATE_HEADER_TIMEOUT      default %u (a request's head)\n"
	    "  --request-timeout S      FAIRRATE_REQUEST_TIMEOUT     default %u (whole request)\n"
	    "  --rate-limit N           FAIRRATE_RATE_LIMIT          default %u requests/min per key\n"
	    "  --public-rate-limit N    FAIRRATE_PUBLIC_RATE_LIMIT   default %u requests/min per\n"
	    "                                                        client address, public routes\n"
	    "  --auth-failure-limit N   FAIRRATE_AUTH_FAILURE_LIMIT  default %u bad keys/min per client\n"
	    "                                                        address (IPv6: /64), then 429\n"
	    "  --key-cache-ttl S        FAIRRATE_KEY_CACHE_TTL       default %u (0: off); revocations\n"
	    "                                                        are notified at once (NOTIFY)\n"
	    "  --summary-cache-mb N     FAIRRATE_SUMMARY_CACHE_MB    default %u (0: off); company\n"
	    "                                                        summaries kept in memory,\n"
	    "                                                        invalidated by LISTEN/NOTIFY\n"
	    "  --access-log PATH|-|off  FAIRRATE_ACCESS_LOG          default - (standard output)\n"
	    "  --list-routes            print the route table (method, pattern, roles) and exit\n"
	    "  --help                   this text\n\n"
	    "A rate limit of 0 turns it off. FAIRRATE_CURSOR_SECRET (16..64 bytes) signs\n"
	    "pagination cursors; without it a random secret is drawn at start-up.\n",
	    d->host, d->port, d->pool_size, d->pool_wait_ms, d->body_limit,
	    d->connection_timeout, d->header_timeout, d->request_timeout, d->rate_limit,
	    d->public_rate_limit, d->auth_failure_limit, d->key_cache_ttl, d->summary_cache_mb);
}

/* Print every route: method, pattern and the roles it admits. */
static int
serve_list_routes(void)
{
	static const enum auth_role roles[] = {AUTH_ROLE_PUBLIC, AUTH_ROLE_INVESTOR,
	    AUTH_ROLE_COMPANY, AUTH_ROLE_ANALYST, AUTH_ROLE_ADMIN};
	const struct router_route *routes;
	size_t n, i, j;

	routes = routes_table(&n);
	for (i = 0; i < n; i++) {
		const char *sep = "";

		printf("%-7s %-50s ", routes[i].method, routes[i].pattern);
		for (j = 0; j < sizeof(roles) / sizeof(roles[0]); j++)
			if (routes[i].roles & (unsigned)roles[j]) {
				printf("%s%s", sep, auth_role_name(roles[j]));
				sep = ",";
			}
		printf("\n");
	}
	return (fflush(stdout) == 0 ? 0 : 1);
}

/* A whole number within [min, max]; -1 and a message otherwise. */
static int
serve_number(const char *what, const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (s[0] == '\0' || s[0] == '-' || *end != '\0' || errno != 0 || v < min || v > max) {
		fprintf(stderr, "fairrate serve: %s must be a whole number from %lu to %lu\n",
		    what, min, max);
		return (-1);
	}
	*out = v;
	return (0);
}

static int
serve_listen(const char *s, struct server_config *cfg)
{
	const char *colon = strrchr(s, ':');
	unsigned long port;
	size_t hlen;

	if (colon == NULL || serve_number("the port", colon + 1, 0, 65535, &port) != 0) {
		fprintf(stderr, "fairrate serve: --listen takes HOST:PORT\n");
		return (-1);
	}
	hlen = (size_t)(colon - s);
	if (hlen >= 2 && s[0] == '[' && s[hlen - 1] == ']') {
		s++;
		hlen -= 2;
	}
	if (hlen == 0 || hlen >= sizeof(cfg->host)) {
		fprintf(stderr, "fairrate serve: --listen takes HOST:PORT\n");
		return (-1);
	}
	memcpy(cfg->host, s, hlen);
	cfg->host[hlen] = '\0';
	cfg->port = (unsigned)port;
	return (0);
}

/* Apply one setting by its option letter. */
static int
serve_set(struct server_config *cfg, int opt, const char *v)
{
	unsigned long n;

	switch (opt) {
	case 'l':
		return (serve_listen(v, cfg));
	case 'd':
		cfg->database_url = v;
		return (0);
	case 'p':
		if (serve_number("the pool size", v, 1, 1000, &n) != 0)
			return (-1);
		cfg->pool_size = (unsigned)n;
		return (0);
	case 'w':
		if (serve_number("the pool wait", v, 0, 600000, &n) != 0)
			return (-1);
		cfg->pool_wait_ms = (unsigned)n;
		return (0);
	case 't':
		if (serve_number("the thread count", v, 1, 1024, &n) != 0)
			return (-1);
		cfg->threads = (unsigned)n;
		return (0);
	case 'W':
		if (serve_number("the worker count", v, 1, 1024, &n) != 0)
			return (-1);
		cfg->workers = (unsigned)n;
		return (0);
	case 'H':
		if (serve_number("the header timeout", v, 1, 3600, &n) != 0)
			return (-1);
		cfg->header_timeout = (unsigned)n;
		return (0);
	case 'b':
		if (serve_number("the body limit", v, 1, 1024UL * 1024 * 1024, &n) != 0)
			return (-1);
		cfg->body_limit = n;
		return (0);
	case 'c':
		if (serve_number("the connection timeout", v, 1, 86400, &n) != 0)
			return (-1);
		cfg->connection_timeout = (unsigned)n;
		return (0);
	case 'r':
		if (serve_number("the request timeout", v, 1, 86400, &n) != 0)
			return (-1);
		cfg->request_timeout = (unsigned)n;
		return (0);
	case 'k':
		if (serve_number("the rate limit", v, 0, 100000000, &n) != 0)
			return (-1);
		cfg->rate_limit = (unsigned)n;
		return (0);
	case 'P':
		if (serve_number("the public rate limit", v, 0, 100000000, &n) != 0)
			return (-1);
		cfg->public_rate_limit = (unsigned)n;
		return (0);
	case 'F':
		if (serve_number("the auth failure limit", v, 0, 100000000, &n) != 0)
			return (-1);
		cfg->auth_failure_limit = (unsigned)n;
		return (0);
	case 'K':
		if (serve_number("the key cache time", v, 0, 3600, &n) != 0)
			return (-1);
		cfg->key_cache_ttl = (unsigned)n;
		return (0);
	case 'S':
		if (serve_number("the summary cache size", v, 0, 65536, &n) != 0)
			return (-1);
		cfg->summary_cache_mb = (unsigned)n;
		return (0);
	case 'a':
		cfg->access_log = v;
		return (0);
	}
	return (-1);
}

/* Block SIGTERM and SIGINT before any thread starts: the webhook worker must inherit
 * the mask that server_run waits on, or a SIGTERM could be delivered to it and kill
 * the process. */
static void
serve_block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

/* Whether the database at url is a standby in recovery: 1, 0, or -1 (logged). */
static int
serve_standby(const char *url)
{
	PGconn *conn = db_connect(url);
	PGresult *res;
	int standby = -1;

	if (conn == NULL)
		return (-1);
	if ((res = db_query(conn, "SELECT pg_is_in_recovery()", 0, NULL)) != NULL) {
		standby = PQgetvalue(res, 0, 0)[0] == 't';
		PQclear(res);
	}
	PQfinish(conn);
	return (standby);
}

int
cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{"listen", required_argument, NULL, 'l'},
		{"database-url", required_argument, NULL, 'd'},
		{"pool-size", required_argument, NULL, 'p'},
		{"pool-wait-ms", required_argument, NULL, 'w'},
		{"threads", required_argument, NULL, 't'},
		{"workers", required_argument, NULL, 'W'},
		{"header-timeout", required_argument, NULL, 'H'},
		{"body-limit", required_argument, NULL, 'b'},
		{"connection-timeout", required_argument, NULL, 'c'},
		{"request-timeout", required_argument, NULL, 'r'},
		{"rate-limit", required_argument, NULL, 'k'},
		{"public-rate-limit", required_argument, NULL, 'P'},
		{"auth-failure-limit", required_argument, NULL, 'F'},
		{"key-cache-ttl", required_argument, NULL, 'K'},
		{"summary-cache-mb", required_argument, NULL, 'S'},
		{"access-log", required_argument, NULL, 'a'},
		{"list-routes", no_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static const struct {
		const char *env;
		int opt;
	} envs[] = {
		{"FAIRRATE_LISTEN", 'l'}, {"FAIRRATE_POOL_SIZE", 'p'},
		{"FAIRRATE_POOL_WAIT_MS", 'w'}, {"FAIRRATE_THREADS", 't'},
		{"FAIRRATE_BODY_LIMIT", 'b'}, {"FAIRRATE_CONNECTION_TIMEOUT", 'c'},
		{"FAIRRATE_REQUEST_TIMEOUT", 'r'}, {"FAIRRATE_RATE_LIMIT", 'k'},
		{"FAIRRATE_PUBLIC_RATE_LIMIT", 'P'}, {"FAIRRATE_ACCESS_LOG", 'a'},
		{"FAIRRATE_KEY_CACHE_TTL", 'K'}, {"FAIRRATE_SUMMARY_CACHE_MB", 'S'},
		{"FAIRRATE_AUTH_FAILURE_LIMIT", 'F'},
		{"FAIRRATE_WORKERS", 'W'}, {"FAIRRATE_HEADER_TIMEOUT", 'H'},
	};
	struct server_config cfg, defaults;
	const char *v;
	size_t i;
	int c, rc;

	server_config_defaults(&defaults);
	cfg = defaults;
	for (i = 0; i < sizeof(envs) / sizeof(envs[0]); i++)
		if ((v = getenv(envs[i].env)) != NULL && v[0] != '\0' &&
		    serve_set(&cfg, envs[i].opt, v) != 0) {
			fprintf(stderr, "fairrate serve: in %s\n", envs[i].env);
			return (2);
		}
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h') {
			serve_usage(stdout, &defaults);
			return (0);
		}
		if (c == 'L')
			return (serve_list_routes());
		if (c == '?' || serve_set(&cfg, c, optarg) != 0) {
			serve_usage(stderr, &defaults);
			return (2);
		}
	}
	if (optind != argc) {
		serve_usage(stderr, &defaults);
		return (2);
	}
	if (cfg.database_url == NULL)
		cfg.database_url = db_url();
	cfg.cursor_secret = getenv("FAIRRATE_CURSOR_SECRET");
	/* Webhook deliveries live in PostgreSQL; the worker delivers them beside the
	 * server and stops with it (FAIRRATE_WEBHOOK_WORKER=off leaves them to another
	 * instance). */
	if ((cfg.read_only = serve_standby(cfg.database_url)) < 0)
		return (1);
	serve_block_signals();
	if (cfg.read_only) {
		/* A streaming standby: nothing can be written, and the caches' change
		 * notifications are not relayed to it (NOTIFY is not replicated), so both
		 * caches stay off and every answer is read as of the standby's replay. */
		log_info("serve: the database is a standby (pg_is_in_recovery): serving it"
		    " read-only, without the key and summary caches and without workers");
		cfg.key_cache_ttl = 0;
		cfg.summary_cache_mb = 0;
		return (server_run(&cfg) == 0 ? 0 : 1);
	}
	if (webhook_worker_start(cfg.database_url) != 0)
		return (1);
	/* So do claim checks: POST /v1/claims/{id}/verify queues them, these threads
	 * fetch (FAIRRATE_CLAIM_WORKER=off leaves them to another instance). */
	if (claim_worker_start(cfg.database_url) != 0) {
		webhook_worker_stop();
		return (1);
	}
	rc = server_run(&cfg);
	claim_worker_stop();
	webhook_worker_stop();
	return (rc == 0 ? 0 : 1);
}
