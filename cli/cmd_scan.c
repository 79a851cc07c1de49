/*
 * fairrate scan: claim due scan jobs from the queue, scan each domain's web (HTTP and
 * TLS, collector/http_scan) and mail authentication records (collector/dns_mail), and
 * write the results as evidence (collector/scan_results), many domains at once.
 */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/commands.h"
#include "collector/dns_mail.h"
#include "collector/mta_sts_fetch.h"
#include "collector/outbound.h"
#include "collector/http_scan.h"
#include "collector/scan_queue.h"
#include "collector/scan_results.h"
#include "common/db.h"
#include "common/log.h"
#include "common/progress.h"
#include "common/timefmt.h"

#define SCAN_MAX_LIST 64                      /* --connect-to and --resolve entries */
#define SCAN_FLUSH_JOBS 256                   /* finished jobs written at once */
#define SCAN_FLUSH_IDLE_JOBS 128              /* written at once when the writer is idle */
#define SCAN_FLUSH_MS 1000
#define SCAN_IDLE_POLL_S 5                    /* a worker with nothing due waits */

static volatile sig_atomic_t scan_stopping;

struct scan_slot {
	struct scan_job job;
	struct scan_results results;
	char error[160];                      /* "" when the scan concluded */
	int incomplete;                       /* a result could not be stored */
	struct scan_slot *next;
};

/* What one writer of results uses: its connection and its resolvers for the mail
 * checks (a resolver serves one thread). */
struct scan_writer_ctx {
	PGconn *conn;
	struct dns_mail *dns;                 /* NULL with --no-mail */
	struct dns_mail *dnssec;              /* the validating resolver, or NULL */
};

struct scan_run {
	PGconn *conn;
	char worker[128];
	struct http_scan *http;
	struct outbound_config sts;           /* MTA-STS policy fetches: the scan's
	                                         allowed networks, CAs and routes */
	int concurrency, lease, interval, once;
	struct scan_job *backlog;             /* claimed, not yet started; room for
	                                         2 * concurrency */
	size_t backlog_n, backlog_at;
	struct scan_slot *finished;           /* scanned, not yet written */
	size_t nfinished;
	long claimed, done, errors;
	long incomplete;                      /* domains with a result that could not be
	                                         stored: a failure of the run */
	struct scan_results_counts counts;
	struct progress *progress;
	/* The writer thread: batches of finished jobs go to it, so that scanning goes
	 * on while results are written (its own connection). Once scanning is over,
	 * the main thread writes queued batches too, on the claims' connection
	 * (main_writer): what is left is then written on two cores. */
	struct scan_writer_ctx writer_ctx, main_writer;
	pthread_t writer;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct scan_batch *queue, *queue_tail;
	int queued, writer_stop, writer_failed;
};

struct scan_batch {
	struct scan_slot *slots;
	size_t n;
	struct scan_batch *next;
};

#define SCAN_MAX_QUEUED 2                     /* batches waiting for the writer */

static void
scan_usage(FILE *out)
{
	fprintf(out, "usage: fairrate scan --worker | --once [--json] [--concurrency N]\n"
	    "       [--nameserver IP[:PORT]] [--no-mail] [--ca-file FILE] [--allow CIDRS]\n"
	    "       [--connect-to ENTRY]... [--resolve ENTRY]... [--timeout S]\n"
	    "       [--connect-timeout S] [--lease S] [--interval S] [--max-body BYTES]\n"
	    "       [--no-tls-enum] [--dnssec-resolver IP[:PORT]]\n\n"
	    "Claims due scan jobs (one per attributed domain) from the queue in PostgreSQL and\n"
	    "scans them: HTTPS (the TLS versions and weak cipher suites accepted, the\n"
	    "certificate, security headers, cookies), the HTTP to HTTPS redirect, SPF,\n"
	    "DMARC, MTA-STS, TLS-RPT, CAA and DNSSEC. Results become evidence (source fairrate-scan). Any number of workers\n"
	    "may share the queue.\n\n"
	    "  --once            scan what is due now, then exit\n"
	    "  --worker          keep claiming jobs until SIGINT or SIGTERM\n"
	    "  --json            print a JSON summary at the end\n"
	    "  --concurrency N   connections at once (default 64)\n"
	    "  --nameserver NS   ask this DNS server (default: /etc/resolv.conf)\n"
	    "  --no-mail         skip the DNS checks (SPF, DMARC, MTA-STS, TLS-RPT, CAA,\n"
	    "                    DNSSEC)\n"
	    "  --dnssec-resolver NS  a validating resolver (IP[:PORT]) whose AD bit judges\n"
	    "                    DNSSEC (default: DNSSEC is not judged)\n"
	    "  --no-tls-enum     skip the enumeration of TLS versions and cipher suites\n"
	    "                    (judge the negotiated version only)\n"
	    "  --ca-file FILE    trusted CA certificates, PEM (default: the system's)\n"
	    "  --allow CIDRS     networks that may be scanned although not public\n"
	    "                    (\"127.0.0.0/8,::1/128\"); private, loopback and link-local\n"
	    "                    addresses are refused otherwise, also on redirects\n"
	    "  --connect-to E    libcurl CONNECT_TO entry HOST:PORT:ADDR:PORT (repeatable)\n"
	    "  --resolve E       libcurl RESOLVE entry HOST:PORT:ADDR (repeatable)\n"
	    "  --timeout S       seconds a request may take (default 15)\n"
	    "  --connect-timeout S  seconds to connect (default 5)\n"
	    "  --max-body BYTES  bytes of a response body read (default 262144)\n"
	    "  --lease S         seconds a claim lasts before others may take it (default 300)\n"
	    "  --interval S      rescan interval of new jobs (default 86400)\n\n"
	    "Exit status: 0 done, 1 failure (also when a domain's result could not be\n"
	    "stored), 2 bad usage.\n");
}

static void
scan_on_signal(int sig)
{
	(void)sig;
	scan_stopping = 1;
}

static int64_t
scan_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* The outbound settings of MTA-STS policy fetches: those of the scan's HTTPS. 0, or
 * -1 after logging. */
static int
scan_sts_config(struct outbound_config *c, const struct http_scan_options *h,
    const char *const *connect_to, size_t nct)
{
	size_t i, used = 0;

	outbound_config_defaults(c);
	if (h->allow != NULL && address_policy_parse_allow(h->allow, c->nets,
	    OUTBOUND_MAX_NETS, &c->nnets) != 0) {
		log_error("scan: bad allowed network list '%s'", h->allow);
		return (-1);
	}
	if (h->ca_file != NULL)
		snprintf(c->ca_file, sizeof(c->ca_file), "%s", h->ca_file);
	/* The routes that can concern a policy host: those for any host, and those of
	 * mta-sts.* hosts. */
	for (i = 0; i < nct; i++) {
		size_t need = strlen(connect_to[i]) + (used > 0);

		if (connect_to[i][0] != ':' && strncmp(connect_to[i], "mta-sts.", 8) != 0)
			continue;
		if (used + need >= sizeof(c->connect_to)) {
			log_error("scan: too many --connect-to entries for mta-sts hosts");
			return (-1);
		}
		used += (size_t)snprintf(c->connect_to + used, sizeof(c->connect_to) - used,
		    "%s%s", used > 0 ? "," : "", connect_to[i]);
	}
	if (h->connect_timeout_ms > 0)
		c->connect_timeout_ms = h->connect_timeout_ms;
	if (h->timeout_ms > 0)
		c->timeout_ms = h->timeout_ms;
	return (0);
}

/* The DNS-policy checks of a finished domain (MTA-STS, TLS-RPT, CAA, DNSSEC) on the
 * writer's resolvers. 0, or -1 when a lookup failed. */
static int
scan_dns_policy(struct scan_run *r, const struct scan_writer_ctx *w, struct scan_slot *s)
{
	struct dns_policy_lookup l = {dns_mail_lookup, dns_mail_mx, dns_mail_caa,
	    w->dnssec != NULL ? dns_mail_secure : NULL, w->dns, w->dnssec, mta_sts_fetch,
	    &r->sts};

	return (dns_policy_run(s->job.domain, &l, &s->results));
}

/* The resolvers of one writer: nameserver's, and the validating resolver when
 * dnssec is given. 0, or -1 after logging. */
static int
scan_resolvers(struct scan_writer_ctx *w, const char *nameserver, const char *dnssec)
{
	if (dnssec != NULL && ((w->dnssec = dns_mail_new(dnssec, 2, 2)) == NULL ||
	    dns_mail_validating(w->dnssec) != 0))
		return (-1);
	return ((w->dns = dns_mail_new(nameserver, 2, 2)) == NULL ? -1 : 0);
}

/* A result of s could not be stored (the set is full, memory is short): the job ends
 * in an error, never in silence. */
static void
scan_incomplete(struct scan_slot *s)
{
	if (s->incomplete)
		return;
	s->incomplete = 1;
	log_error("scan: %s (%s): a result could not be stored", s->job.domain,
	    s->job.company);
	snprintf(s->error, sizeof(s->error), "results incomplete: a result could not be"
	    " stored");
}

static void
scan_on_done(void *arg, void *tag, const struct http_observation *o)
{
	struct scan_run *r = arg;
	struct scan_slot *s = tag;

	if (http_checks_run(o, &s->results) != 0)
		scan_incomplete(s);
	if (s->error[0] == '\0' && (o->https == HTTP_REACH_TIMEOUT ||
	    o->https == HTTP_REACH_ERROR || o->https == HTTP_REACH_REFUSED_ADDRESS))
		snprintf(s->error, sizeof(s->error), "https: %.140s", o->https_error[0] ?
		    o->https_error : "no result");
	s->next = r->finished;
	r->finished = s;
	r->nfinished++;
}

/* Add the mail checks to one batch, write its results and end its jobs' leases
 * (a writer: w). 0 or -1. */
static int
scan_write(struct scan_run *r, const struct scan_writer_ctx *w, struct scan_batch *b)
{
	struct scan_results_item *items = NULL;
	struct scan_results_counts counts;
	const char **errors = NULL;
	int64_t *ids = NULL, now = timefmt_now();
	struct scan_slot *s;
	size_t i = 0;
	long errs = 0, incomplete = 0;
	int rc = -1;

	memset(&counts, 0, sizeof(counts));
	items = calloc(b->n, sizeof(*items));
	errors = calloc(b->n, sizeof(*errors));
	ids = calloc(b->n, sizeof(*ids));
	if (items == NULL || errors == NULL || ids == NULL) {
		log_error("scan: out of memory");
		goto done;
	}
	for (s = b->slots; s != NULL; s = s->next, i++) {
		/* The mail checks run here, off the scanning thread (the resolver is
		 * only used by this writer). */
		/* Both run: one's failed lookup does not hide the other's results. */
		if (w->dns != NULL && ((mail_auth_run(s->job.domain, dns_mail_lookup, w->dns,
		    &s->results) != 0) | (scan_dns_policy(r, w, s) != 0)) && s->error[0] == '\0' &&
		    !s->results.truncated)
			snprintf(s->error, sizeof(s->error), "dns: lookup failed");
		if (s->results.truncated)
			scan_incomplete(s);
		incomplete += s->incomplete;
		items[i].company = s->job.company;
		items[i].domain = s->job.domain;
		items[i].observed_at = now;
		items[i].results = &s->results;
		ids[i] = s->job.id;
		errors[i] = s->error[0] ? s->error : NULL;
		errs += s->error[0] != '\0';
	}
	if (scan_results_store(w->conn, items, i, &counts) != 0 ||
	    scan_queue_finish(w->conn, r->worker, now, ids, errors, i, NULL) != 0)
		goto done;
	pthread_mutex_lock(&r->mu);
	r->done += (long)i;
	r->errors += errs;
	r->incomplete += incomplete;
	r->counts.results += counts.results;
	r->counts.inserted += counts.inserted;
	r->counts.updated += counts.updated;
	r->counts.unchanged += counts.unchanged;
	r->counts.corrected_kept += counts.corrected_kept;
	r->counts.domains_rejected += counts.domains_rejected;
	pthread_mutex_unlock(&r->mu);
	rc = 0;
done:
	free(items);
	free(errors);
	free(ids);
	return (rc);
}

static void
scan_batch_free(struct scan_batch *b)
{
	struct scan_slot *s, *next;

	for (s = b->slots; s != NULL; s = next) {
		next = s->next;
		free(s);
	}
	free(b);
}

/* Write queued batches with w until the queue is empty and, with wait, stopped
 * (without wait: until it is empty). */
static void
scan_drain(struct scan_run *r, const struct scan_writer_ctx *w, int wait)
{
	struct scan_batch *b;
	int failed;

	for (;;) {
		pthread_mutex_lock(&r->mu);
		while (wait && r->queue == NULL && !r->writer_stop)
			pthread_cond_wait(&r->cv, &r->mu);
		if ((b = r->queue) == NULL) {
			pthread_mutex_unlock(&r->mu);
			return;
		}
		r->queue = b->next;
		if (r->queue == NULL)
			r->queue_tail = NULL;
		pthread_mutex_unlock(&r->mu);
		failed = !r->writer_failed && scan_write(r, w, b) != 0;
		scan_batch_free(b);
		pthread_mutex_lock(&r->mu);
		r->queued--;
		r->writer_failed |= failed;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
	}
}

static void *
scan_writer(void *arg)
{
	struct scan_run *r = arg;

	scan_drain(r, &r->writer_ctx, 1);
	return (NULL);
}

/* Hand the finished jobs to the writer (waiting while it is behind). 0, or -1 when
 * the writer failed. */
static int
scan_flush(struct scan_run *r)
{
	struct scan_batch *b;
	long done;
	int failed;

	if (r->nfinished == 0)
		return (0);
	if ((b = calloc(1, sizeof(*b))) == NULL) {
		log_error("scan: out of memory");
		return (-1);
	}
	b->slots = r->finished;
	b->n = r->nfinished;
	r->finished = NULL;
	r->nfinished = 0;
	pthread_mutex_lock(&r->mu);
	while (r->queued >= SCAN_MAX_QUEUED && !r->writer_failed)
		pthread_cond_wait(&r->cv, &r->mu);
	if (r->queue_tail != NULL)
		r->queue_tail->next = b;
	else
		r->queue = b;
	r->queue_tail = b;
	r->queued++;
	failed = r->writer_failed;
	done = r->done;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	progress_update(r->progress, (uint64_t)done);
	return (failed ? -1 : 0);
}

/* Stop the writer once it has written everything queued, the main thread writing
 * queued batches beside it. 0, or -1 if either failed. */
static int
scan_writer_finish(struct scan_run *r)
{
	scan_drain(r, &r->main_writer, 0);
	pthread_mutex_lock(&r->mu);
	r->writer_stop = 1;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->writer, NULL);
	return (r->writer_failed ? -1 : 0);
}

/* Start claimed jobs from the backlog while there is room. */
static void
scan_start_backlog(struct scan_run *r)
{
	struct scan_slot *s;

	while (r->backlog_at < r->backlog_n &&
	    http_scan_active(r->http) < (size_t)r->concurrency) {
		/* Not calloc: a slot is large (SCAN_RESULTS_MAX results) and mostly left
		 * unused; only what scan_results_add fills is ever read. */
		if ((s = malloc(sizeof(*s))) == NULL) {
			log_error("scan: out of memory");
			return;
		}
		s->results.n = 0;
		s->results.truncated = 0;
		s->error[0] = '\0';
		s->incomplete = 0;
		s->next = NULL;
		s->job = r->backlog[r->backlog_at++];
		if (http_scan_add(r->http, s->job.domain, s) != 0) {
			snprintf(s->error, sizeof(s->error), "could not start the scan");
			s->next = r->finished;
			r->finished = s;
			r->nfinished++;
		}
	}
}

/* Whether the writer has nothing to do (so that a small batch is worth handing over:
 * what is left at the end is then written sooner). */
static int
scan_writer_idle(struct scan_run *r)
{
	int idle;

	pthread_mutex_lock(&r->mu);
	idle = r->queued == 0;
	pthread_mutex_unlock(&r->mu);
	return (idle);
}

/* Top the backlog up to 2 * concurrency jobs: one round trip for many jobs, made
 * while concurrency / 2 are still waiting, so that the scan never waits for the
 * claim with free room. The count claimed, or -1. */
static long
scan_claim(struct scan_run *r)
{
	size_t n = 0, left = r->backlog_n - r->backlog_at;

	memmove(r->backlog, r->backlog + r->backlog_at, left * sizeof(*r->backlog));
	r->backlog_n = left;
	r->backlog_at = 0;
	if (scan_queue_claim(r->conn, r->worker, timefmt_now(), r->lease,
	    2 * (size_t)r->concurrency - left, r->backlog + left, &n) != 0)
		return (-1);
	r->backlog_n = left + n;
	r->claimed += (long)n;
	return ((long)n);
}

static void
scan_print(const struct scan_run *r, double secs, int as_json)
{
	const struct scan_results_counts *c = &r->counts;
	json_t *o;

	if (!as_json) {
		printf("scanned %ld domains in %.1f s (%.1f/s), %ld with errors, %ld with results"
		    " not stored; evidence: %ld results, %ld added, %ld updated, %ld unchanged,"
		    " %ld corrected kept\n", r->done, secs, secs > 0 ? r->done / secs : 0.0,
		    r->errors, r->incomplete, c->results, c->inserted, c->updated, c->unchanged,
		    c->corrected_kept);
		return;
	}
	o = json_pack("{sssIsIsIsfsfs{sIsIsIsIsIsI}}", "worker", r->worker,
	    "domains", (json_int_t)r->done, "errors", (json_int_t)r->errors,
	    "incomplete", (json_int_t)r->incomplete,
	    "seconds", secs, "domains_per_second", secs > 0 ? r->done / secs : 0.0,
	    "evidence", "results", (json_int_t)c->results, "inserted", (json_int_t)c->inserted,
	    "updated", (json_int_t)c->updated, "unchanged", (json_int_t)c->unchanged,
	    "corrected_kept", (json_int_t)c->corrected_kept,
	    "domains_rejected", (json_int_t)c->domains_rejected);
	json_dumpf(o, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(o);
}

/* The claim, scan and write loop. 0 or -1. */
static int
scan_loop(struct scan_run *r)
{
	int64_t last_flush = scan_ms(), last_renew = last_flush, idle_until = 0, t;
	long got;
	int exhausted = 0;

	for (;;) {
		t = scan_ms();
		if (!scan_stopping && !exhausted && t >= idle_until &&
		    r->backlog_n - r->backlog_at <= (size_t)r->concurrency / 2) {
			got = scan_claim(r);
			if (got < 0)
				return (-1);
			if (got == 0 && r->once)
				exhausted = 1;
			else if (got == 0)
				idle_until = t + SCAN_IDLE_POLL_S * 1000;
		}
		if (!scan_stopping)
			scan_start_backlog(r);
		if (http_scan_active(r->http) > 0 &&
		    http_scan_run(r->http, 100, scan_on_done, r) < 0)
			return (-1);
		t = scan_ms();
		if (r->nfinished >= SCAN_FLUSH_JOBS || (r->nfinished > 0 &&
		    (t - last_flush >= SCAN_FLUSH_MS || http_scan_active(r->http) == 0 ||
		    ((r->nfinished >= SCAN_FLUSH_IDLE_JOBS || r->backlog_at == r->backlog_n) &&
		    scan_writer_idle(r))))) {
			if (scan_flush(r) != 0)
				return (-1);
			last_flush = t;
		}
		if (t - last_renew >= (int64_t)r->lease * 1000 / 3) {
			if (scan_queue_renew(r->conn, r->worker, timefmt_now(), r->lease, NULL) != 0)
				return (-1);
			last_renew = t;
		}
		if (http_scan_active(r->http) == 0 && r->nfinished == 0 &&
		    (r->backlog_at == r->backlog_n || scan_stopping)) {
			if (exhausted || scan_stopping)
				return (0);
			if (t < idle_until)
				usleep(200 * 1000);
		}
	}
}

static int
scan_int_arg(const char *s, long lo, long hi, long *out)
{
	char *end;

	*out = strtol(s, &end, 10);
	return (*end != '\0' || s[0] == '\0' || *out < lo || *out > hi ? -1 : 0);
}

int
cmd_scan(int argc, char **argv)
{
	static const struct option opts[] = {
		{"worker", no_argument, NULL, 'w'}, {"once", no_argument, NULL, 'o'},
		{"json", no_argument, NULL, 'j'}, {"concurrency", required_argument, NULL, 'c'},
		{"nameserver", required_argument, NULL, 'n'}, {"no-mail", no_argument, NULL, 'M'},
		{"ca-file", required_argument, NULL, 'C'}, {"allow", required_argument, NULL, 'a'},
		{"connect-to", required_argument, NULL, 'T'},
		{"resolve", required_argument, NULL, 'R'}, {"timeout", required_argument, NULL, 't'},
		{"connect-timeout", required_argument, NULL, 'k'},
		{"max-body", required_argument, NULL, 'b'}, {"lease", required_argument, NULL, 'l'},
		{"interval", required_argument, NULL, 'i'}, {"help", no_argument, NULL, 'h'},
		{"no-tls-enum", no_argument, NULL, 'E'},
		{"dnssec-resolver", required_argument, NULL, 'D'},
		{NULL, 0, NULL, 0}};
	const char *connect_to[SCAN_MAX_LIST + 1] = {NULL}, *resolve[SCAN_MAX_LIST + 1] = {NULL};
	const char *nameserver = NULL, *dnssec = NULL;
	struct http_scan_options hopt;
	struct scan_run r;
	size_t nct = 0, nres = 0;
	long v, added, removed, due;
	int c, as_json = 0, worker = 0, mail = 1, rc = 1;
	int64_t started;

	memset(&r, 0, sizeof(r));
	memset(&hopt, 0, sizeof(hopt));
	r.concurrency = 64;
	r.lease = SCAN_QUEUE_DEFAULT_LEASE;
	r.interval = SCAN_QUEUE_DEFAULT_INTERVAL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'w': worker = 1; break;
		case 'o': r.once = 1; break;
		case 'j': as_json = 1; break;
		case 'M': mail = 0; break;
		case 'E': hopt.no_tls_enum = 1; break;
		case 'n': nameserver = optarg; break;
		case 'D': dnssec = optarg; break;
		case 'C': hopt.ca_file = optarg; break;
		case 'a': hopt.allow = optarg; break;
		case 'T':
		case 'R':
			if ((c == 'T' ? nct : nres) >= SCAN_MAX_LIST) {
				fprintf(stderr, "fairrate scan: at most %d --%s entries\n",
				    SCAN_MAX_LIST, c == 'T' ? "connect-to" : "resolve");
				return (2);
			}
			if (c == 'T')
				connect_to[nct++] = optarg;
			else
				resolve[nres++] = optarg;
			break;
		case 'c': case 't': case 'k': case 'b': case 'l': case 'i':
			if (scan_int_arg(optarg, c == 'i' ? 60 : 1, c == 'b' ? 1L << 30 :
			    c == 'i' ? 31536000L : c == 'c' ? 10000 : 86400, &v) != 0) {
				fprintf(stderr, "fairrate scan: bad value '%s'\n", optarg);
				return (2);
			}
			if (c == 'c') r.concurrency = (int)v;
			if (c == 't') hopt.timeout_ms = v * 1000;
			if (c == 'k') hopt.connect_timeout_ms = v * 1000;
			if (c == 'b') hopt.max_body = v;
			if (c == 'l') r.lease = (int)v;
			if (c == 'i') r.interval = (int)v;
			break;
		case 'h':
			scan_usage(stdout);
			return (0);
		default:
			scan_usage(stderr);
			return (2);
		}
	}
	if (optind != argc || worker == r.once) {
		scan_usage(stderr);
		return (2);
	}
	hopt.concurrency = r.concurrency;
	hopt.connect_to = connect_to;
	hopt.resolve = resolve;
	if (as_json)
		log_set_quiet(1);
	signal(SIGINT, scan_on_signal);
	signal(SIGTERM, scan_on_signal);
	scan_queue_worker_id(r.worker, sizeof(r.worker));
	if ((r.conn = db_connect(NULL)) == NULL)
		return (1);
	if (scan_queue_sync(r.conn, timefmt_now(), r.interval, &added, &removed) != 0 ||
	    (due = scan_queue_due(r.conn, timefmt_now())) < 0)
		goto done;
	log_info("scan: %ld jobs added, %ld removed, %ld due", added, removed, due);
	if ((r.http = http_scan_new(&hopt)) == NULL)
		goto done;
	if (mail && scan_sts_config(&r.sts, &hopt, connect_to, nct) != 0)
		goto done;
	if (mail && (scan_resolvers(&r.writer_ctx, nameserver, dnssec) != 0 ||
	    scan_resolvers(&r.main_writer, nameserver, dnssec) != 0))
		goto done;
	if ((r.backlog = calloc(2 * (size_t)r.concurrency, sizeof(*r.backlog))) == NULL) {
		log_error("scan: out of memory");
		goto done;
	}
	/* Commits do not wait for the disk: a crash of the database server may lose
	 * the last fraction of a second of claims and written batches (never half a
	 * batch; a job's end is committed after its results), and the leases of jobs
	 * whose end was lost run out, so that their domains are scanned again. */
	r.main_writer.conn = r.conn;
	if ((r.writer_ctx.conn = db_connect(NULL)) == NULL ||
	    db_exec(r.writer_ctx.conn, "SET synchronous_commit = off", 0, NULL) != 0 ||
	    db_exec(r.conn, "SET synchronous_commit = off", 0, NULL) != 0)
		goto done;
	pthread_mutex_init(&r.mu, NULL);
	pthread_cond_init(&r.cv, NULL);
	if (pthread_create(&r.writer, NULL, scan_writer, &r) != 0) {
		log_error("scan: cannot start the writer thread");
		goto done;
	}
	started = scan_ms();
	r.progress = progress_new("scan", r.once ? (uint64_t)due : 0, "domains");
	rc = scan_loop(&r) == 0 ? 0 : 1;
	if (scan_flush(&r) != 0 || scan_writer_finish(&r) != 0)
		rc = 1;
	progress_finish(r.progress);
	/* What is still leased was claimed and never started (a stop, a failure). */
	if (scan_queue_release(r.conn, r.worker) != 0)
		rc = 1;
	scan_print(&r, (double)(scan_ms() - started) / 1000.0, as_json);
	if (r.incomplete > 0) {
		log_error("scan: %ld domains have results that could not be stored",
		    r.incomplete);
		rc = 1;
	}
done:
	http_scan_free(r.http);
	dns_mail_free(r.writer_ctx.dns);
	dns_mail_free(r.writer_ctx.dnssec);
	dns_mail_free(r.main_writer.dns);
	dns_mail_free(r.main_writer.dnssec);
	free(r.backlog);
	PQfinish(r.writer_ctx.conn);
	PQfinish(r.conn);
	return (rc);
}
