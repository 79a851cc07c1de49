/*
 * fairrate ports: the exposed-services scan (collector/port_run) of the attributed
 * addresses of every company, or of the companies named, written as evidence.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/commands.h"
#include "collector/outbound.h"
#include "collector/port_run.h"
#include "common/db.h"
#include "common/log.h"
#include "common/progress.h"
#include "common/timefmt.h"

#define PORTS_MAX_LIST 256                    /* --company and --resolve entries */

static volatile sig_atomic_t ports_stopping;

static void
ports_usage(FILE *out)
{
	fprintf(out, "usage: fairrate ports [--company SLUG]... [--ports LIST] [--opt-out FILE]\n"
	    "       [--allow CIDRS] [--concurrency N] [--per-address N] [--rate N]\n"
	    "       [--budget N] [--connect-timeout MS] [--banner-timeout MS] [--no-banners]\n"
	    "       [--max-range N] [--resolve NAME:ADDRESS]... [--json]\n\n"
	    "Resolves the attributed domains (A, AAAA) and IP ranges of every company (or of\n"
	    "those named), connects to each address's risky TCP ports, reads the banners of\n"
	    "services that speak first, and writes exposed_services.* evidence (source\n"
	    "fairrate-scan): a failure per open port, a pass where a port an earlier finding\n"
	    "named is now closed. Only public addresses are contacted.\n\n"
	    "  --company SLUG       scan this company only (repeatable)\n"
	    "  --ports LIST         ports: \"default,8080,9000-9010,16379/redis\" (default:\n"
	    "                       the default list of docs/collector.md)\n"
	    "  --opt-out FILE       addresses, CIDR networks and domains never scanned, one a\n"
	    "                       line (default: $FAIRRATE_PORTS_OPT_OUT, if set)\n"
	    "  --allow CIDRS        networks scanned although not public (default:\n"
	    "                       $FAIRRATE_OUTBOUND_ALLOW)\n"
	    "  --concurrency N      connections in flight, all addresses (default 256)\n"
	    "  --per-address N      connections in flight to one address (default 4)\n"
	    "  --rate N             connects per second to one address (default 20)\n"
	    "  --budget N           connects in this run at most (default 1000000); what is\n"
	    "                       left is not scanned and its companies are not covered\n"
	    "  --connect-timeout MS no answer within MS: filtered (default 3000)\n"
	    "  --banner-timeout MS  wait for a banner or a probe's reply (default 2000)\n"
	    "  --no-banners         connect only: send and read nothing\n"
	    "  --max-range N        addresses of an IP range asset scanned at most; larger\n"
	    "                       ranges are skipped (default 256)\n"
	    "  --resolve E          NAME:ADDRESS used instead of DNS for NAME (repeatable)\n"
	    "  --json               print a JSON summary at the end\n\n"
	    "Exit status: 0 done, 1 failure, 2 bad usage.\n");
}

static void
ports_on_signal(int sig)
{
	(void)sig;
	ports_stopping = 1;
}

static void
ports_progress(void *arg, uint64_t done, uint64_t total)
{
	struct progress_lazy *lazy = arg;

	progress_lazy_report(lazy, (int64_t)done, (int64_t)total);
}

static void
ports_print(const struct port_run_summary *s, double secs, int as_json)
{
	const struct port_scan_stats *k = &s->scan;
	double pps = secs > 0 ? (double)(k->open + k->closed + k->filtered) / secs : 0.0;
	json_t *o;

	if (!as_json) {
		printf("ports: %ld companies (%ld covered), %ld addresses, %ld connects in %.1f s"
		    " (%.0f ports/s): %ld open, %ld closed, %ld filtered, %ld refused by the"
		    " address policy, %ld skipped, %ld errors; %ld opted out, %ld unresolved,"
		    " %ld ranges too large; evidence: %ld findings, %ld passes, %ld added,"
		    " %ld updated, %ld unchanged, %ld corrected kept\n", s->companies,
		    s->covered, s->addresses, k->connects, secs, pps, k->open, k->closed,
		    k->filtered, k->refused, k->skipped, k->errors, s->opted_out,
		    s->unresolved, s->ranges_too_large, s->findings, s->passes,
		    s->evidence.inserted, s->evidence.updated, s->evidence.unchanged,
		    s->evidence.corrected_kept);
		return;
	}
	o = json_pack("{sIsIsIsfsfsfsfsfs{sIsIsIsIsIsIsI}sIsIsIs{sIsIsIsIsIsI}}",
	    "companies", (json_int_t)s->companies, "covered", (json_int_t)s->covered,
	    "addresses", (json_int_t)s->addresses, "seconds", secs, "ports_per_second", pps,
	    "resolve_seconds", s->resolve_seconds, "scan_seconds", s->scan_seconds,
	    "write_seconds", s->write_seconds,
	    "scan", "connects", (json_int_t)k->connects, "open", (json_int_t)k->open,
	    "closed", (json_int_t)k->closed, "filtered", (json_int_t)k->filtered,
	    "refused", (json_int_t)k->refused, "skipped", (json_int_t)k->skipped,
	    "errors", (json_int_t)k->errors,
	    "opted_out", (json_int_t)s->opted_out, "unresolved", (json_int_t)s->unresolved,
	    "ranges_too_large", (json_int_t)s->ranges_too_large,
	    "evidence", "findings", (json_int_t)s->findings, "passes", (json_int_t)s->passes,
	    "inserted", (json_int_t)s->evidence.inserted,
	    "updated", (json_int_t)s->evidence.updated,
	    "unchanged", (json_int_t)s->evidence.unchanged,
	    "corrected_kept", (json_int_t)s->evidence.corrected_kept);
	json_dumpf(o, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(o);
}

static int
ports_int_arg(const char *name, const char *s, long lo, long hi, long *out)
{
	char *end;

	*out = strtol(s, &end, 10);
	if (*end != '\0' || s[0] == '\0' || *out < lo || *out > hi) {
		fprintf(stderr, "fairrate ports: --%s: '%s' is not a whole number from %ld to"
		    " %ld\n", name, s, lo, hi);
		return (-1);
	}
	return (0);
}

int
cmd_ports(int argc, char **argv)
{
	static const struct option opts[] = {
		{"company", required_argument, NULL, 'C'}, {"ports", required_argument, NULL, 'p'},
		{"opt-out", required_argument, NULL, 'O'}, {"allow", required_argument, NULL, 'a'},
		{"concurrency", required_argument, NULL, 'c'},
		{"per-address", required_argument, NULL, 'P'},
		{"rate", required_argument, NULL, 'r'}, {"budget", required_argument, NULL, 'b'},
		{"connect-timeout", required_argument, NULL, 'k'},
		{"banner-timeout", required_argument, NULL, 't'},
		{"no-banners", no_argument, NULL, 'N'},
		{"max-range", required_argument, NULL, 'm'},
		{"resolve", required_argument, NULL, 'R'}, {"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	static struct port_spec ports[PORT_LIST_MAX];
	const char *companies[PORTS_MAX_LIST + 1] = {NULL}, *resolve[PORTS_MAX_LIST + 1] = {NULL};
	const char *list = "default", *optout_path = getenv("FAIRRATE_PORTS_OPT_OUT");
	const char *allow = getenv("FAIRRATE_OUTBOUND_ALLOW");
	struct address_policy_net nets[OUTBOUND_MAX_NETS];
	struct port_run_options o;
	struct port_run_summary sum;
	struct progress_lazy lazy = {"ports", "ports", NULL};
	struct port_optout *optout = NULL;
	PGconn *conn = NULL;
	char err[300];
	size_t ncomp = 0, nres = 0, nnets = 0;
	long v;
	int c, as_json = 0, rc = 1;
	double started;

	memset(&o, 0, sizeof(o));
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'C':
		case 'R':
			if ((c == 'C' ? ncomp : nres) >= PORTS_MAX_LIST) {
				fprintf(stderr, "fairrate ports: at most %d --%s entries\n",
				    PORTS_MAX_LIST, c == 'C' ? "company" : "resolve");
				return (2);
			}
			if (c == 'C')
				companies[ncomp++] = optarg;
			else
				resolve[nres++] = optarg;
			break;
		case 'p': list = optarg; break;
		case 'O': optout_path = optarg; break;
		case 'a': allow = optarg; break;
		case 'N': o.scan.no_banners = 1; break;
		case 'j': as_json = 1; break;
		case 'c': case 'P': case 'r': case 'b': case 'k': case 't': case 'm':
			if (ports_int_arg(c == 'c' ? "concurrency" : c == 'P' ? "per-address" :
			    c == 'r' ? "rate" : c == 'b' ? "budget" : c == 'k' ?
			    "connect-timeout" : c == 't' ? "banner-timeout" : "max-range", optarg, 1,
			    c == 'b' ? 100000000L : c == 'm' ? 65536 : c == 'c' ? 16384 :
			    c == 'k' || c == 't' ? 120000 : 100000, &v) != 0)
				return (2);
			if (c == 'c') o.scan.concurrency = (int)v;
			if (c == 'P') o.scan.per_address = (int)v;
			if (c == 'r') o.scan.per_address_rate = (int)v;
			if (c == 'b') o.scan.budget = v;
			if (c == 'k') o.scan.connect_timeout_ms = v;
			if (c == 't') o.scan.banner_timeout_ms = v;
			if (c == 'm') o.max_range = (size_t)v;
			break;
		case 'h':
			ports_usage(stdout);
			return (0);
		default:
			ports_usage(stderr);
			return (2);
		}
	}
	if (optind != argc) {
		ports_usage(stderr);
		return (2);
	}
	if (port_services_parse_list(list, ports, PORT_LIST_MAX, &o.nports, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "fairrate ports: --ports: %s\n", err);
		return (2);
	}
	if (address_policy_parse_allow(allow, nets, OUTBOUND_MAX_NETS, &nnets) != 0) {
		fprintf(stderr, "fairrate ports: --allow (or FAIRRATE_OUTBOUND_ALLOW): '%s' is"
		    " not a list of CIDR networks\n", allow);
		return (2);
	}
	if ((optout = port_optout_new()) == NULL)
		return (1);
	if (optout_path != NULL && optout_path[0] != '\0' &&
	    port_optout_load(optout, optout_path, err, sizeof(err)) != 0) {
		fprintf(stderr, "fairrate ports: opt-out list: %s\n", err);
		port_optout_free(optout);
		return (2);
	}
	o.ports = ports;
	o.companies = companies;
	o.ncompanies = ncomp;
	o.resolve = resolve;
	o.optout = optout;
	o.scan.allow = nets;
	o.scan.nallow = nnets;
	o.scan.stop = &ports_stopping;
	o.now = timefmt_now();
	o.progress = ports_progress;
	o.progress_arg = &lazy;
	if (as_json)
		log_set_quiet(1);
	signal(SIGINT, ports_on_signal);
	signal(SIGTERM, ports_on_signal);
	if ((conn = db_connect(NULL)) == NULL)
		goto done;
	log_info("ports: %zu ports, %zu opt-out entries", o.nports, port_optout_count(optout));
	started = progress_clock();
	rc = port_run(conn, &o, &sum) == 0 ? 0 : 1;
	progress_finish(lazy.meter);
	if (rc == 0)
		ports_print(&sum, progress_clock() - started, as_json);
done:
	PQfinish(conn);
	port_optout_free(optout);
	return (rc);
}
