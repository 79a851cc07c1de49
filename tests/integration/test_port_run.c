/* fairrate ports end to end (collector/port_run): attributed addresses only, evidence
 * per open port, passes when a port closes, coverage, the opt-out list and the
 * address policy, against loopback listeners and the test database. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collector/port_run.h"
#include "tests/support/port_listener.h"
#include "tests/support/testdb.h"

static PGconn *conn;

static void
setup(void)
{
	conn = testdb_create();
	testdb_exec(conn,
	    "INSERT INTO companies (slug, name, sector, size_band, country) VALUES"
	    " ('acme', 'Acme', 'finance', 'small', 'JP'),"
	    " ('beta', 'Beta', 'retail', 'micro', 'JP'),"
	    " ('gamma', 'Gamma', 'retail', 'micro', 'JP');"
	    "INSERT INTO assets (company_id, kind, value, source)"
	    " SELECT id, 'domain', slug || '.example', 'test' FROM companies;"
	    "INSERT INTO assets (company_id, kind, value, source)"
	    " SELECT id, 'ip_range', '127.0.0.22/32', 'test' FROM companies WHERE slug = 'acme';");
}

static void
teardown(void)
{
	testdb_drop(conn);
}

TestSuite(port_run, .init = setup, .fini = teardown);

static const char *const resolve[] = {"acme.example:127.0.0.21",
    "beta.example:127.0.0.23", "gamma.example:127.0.0.25", NULL};

/* acme.example -> .21 runs SSH on port A; acme's range .22 runs FTP on port B; beta
 * (.23) and a stranger (.24, attributed to nobody) listen on port A too. */
struct world {
	struct port_listener *acme, *others;
	struct port_spec ports[3];
};

static void
world_start(struct world *w)
{
	struct port_listener_spec acme[] = {
		{"127.0.0.21", "SSH-2.0-OpenSSH_7.4\r\n", 0, NULL, 0},
		{"127.0.0.22", "220 FTP server\r\n", 0, "530 no\r\n", 0},
	};

	w->acme = port_listener_start(acme, 2);
	{
		struct port_listener_spec others[] = {
			{"127.0.0.23", "SSH-2.0-OpenSSH_9.0\r\n", 0, NULL,
			    port_listener_port(w->acme, 0)},
			{"127.0.0.24", "SSH-2.0-OpenSSH_9.0\r\n", 0, NULL,
			    port_listener_port(w->acme, 0)},
		};

		w->others = port_listener_start(others, 2);
	}
	w->ports[0] = (struct port_spec){port_listener_port(w->acme, 0), NULL};
	w->ports[1] = (struct port_spec){port_listener_port(w->acme, 1), NULL};
	w->ports[2] = (struct port_spec){port_listener_closed_port("127.0.0.21"), NULL};
}

static struct address_policy_net loopback[1];

static int
run(struct world *w, const struct port_optout *optout, int allow,
    struct port_run_summary *sum)
{
	struct port_run_options o;
	size_t n;

	memset(&o, 0, sizeof(o));
	cr_assert_eq(address_policy_parse_allow("127.0.0.0/8", loopback, 1, &n), 0);
	o.scan.allow = allow ? loopback : NULL;
	o.scan.nallow = allow ? 1 : 0;
	o.scan.per_address_rate = 1000;
	o.scan.banner_timeout_ms = 1000;
	o.ports = w->ports;
	o.nports = 3;
	o.optout = optout;
	o.resolve = resolve;
	o.now = 2000000000;
	return (port_run(conn, &o, sum));
}

static long
count(const char *where)
{
	char sql[600];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM evidence e JOIN companies c ON"
	    " c.id = e.company_id JOIN assets a ON a.id = e.asset_id WHERE %s", where);
	return (testdb_scalar(conn, sql));
}

static long
covered(const char *slug)
{
	char sql[300];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM collector_coverage k JOIN companies"
	    " c ON c.id = k.company_id WHERE c.slug = '%s' AND k.collector = 'ports'", slug);
	return (testdb_scalar(conn, sql));
}

Test(port_run, open_ports_become_findings_and_a_closed_port_a_pass)
{
	struct port_run_summary sum;
	struct world w;
	char where[300];

	world_start(&w);
	cr_assert_eq(run(&w, NULL, 1, &sum), 0);
	cr_assert_eq(sum.addresses, 4, "the attributed addresses only");
	snprintf(where, sizeof(where), "c.slug = 'acme' AND a.value = 'acme.example' AND"
	    " e.check_code = 'exposed_services.open_port_admin' AND e.outcome = 'fail' AND"
	    " e.observation_key = '127.0.0.21:%d' AND e.details->>'banner' ="
	    " 'SSH-2.0-OpenSSH_7.4' AND e.source = 'fairrate-scan'", w.ports[0].port);
	cr_assert_eq(count(where), 1);
	snprintf(where, sizeof(where), "c.slug = 'acme' AND a.value = '127.0.0.22/32' AND"
	    " e.check_code = 'exposed_services.insecure_protocol' AND e.outcome = 'fail' AND"
	    " e.observation_key = '127.0.0.22:%d' AND e.details->>'auth_tls' = 'false'",
	    w.ports[1].port);
	cr_assert_eq(count(where), 1);
	cr_assert_eq(count("c.slug = 'beta' AND e.outcome = 'fail'"), 1);
	cr_assert_eq(count("true"), 3, "no result for closed ports never open");
	cr_assert_eq(port_listener_accepts(w.others, 1), 0, "the stranger is never contacted");
	cr_assert_eq(covered("acme"), 1);
	cr_assert_eq(covered("beta"), 1);
	cr_assert_eq(covered("gamma"), 1, "nothing open: covered all the same");
	cr_assert_eq(count("c.slug = 'gamma'"), 0);

	/* acme closes SSH: its finding turns into a pass at the next scan. */
	port_listener_close(w.acme, 0);
	cr_assert_eq(run(&w, NULL, 1, &sum), 0);
	cr_assert_eq(sum.passes, 1);
	snprintf(where, sizeof(where), "e.observation_key = '127.0.0.21:%d' AND e.outcome ="
	    " 'pass' AND e.check_code = 'exposed_services.open_port_admin' AND"
	    " e.details->>'state' = 'closed'", w.ports[0].port);
	cr_assert_eq(count(where), 1);
	cr_assert_eq(count("e.outcome = 'fail'"), 2);
	port_listener_stop(w.acme);
	port_listener_stop(w.others);
}

Test(port_run, opted_out_addresses_and_domains_are_never_contacted)
{
	struct port_optout *optout = port_optout_new();
	struct port_run_summary sum;
	struct world w;
	char err[200];

	cr_assert_eq(port_optout_add(optout, "127.0.0.22", err, sizeof(err)), 0);
	cr_assert_eq(port_optout_add(optout, "beta.example", err, sizeof(err)), 0);
	world_start(&w);
	cr_assert_eq(run(&w, optout, 1, &sum), 0);
	cr_assert_eq(sum.opted_out, 2);
	cr_assert_eq(port_listener_accepts(w.acme, 1), 0, "127.0.0.22 opted out");
	cr_assert_eq(port_listener_accepts(w.others, 0), 0, "beta.example opted out");
	cr_assert_eq(port_listener_accepts(w.acme, 0), 1, "acme.example still scanned");
	cr_assert_eq(count("true"), 1);
	cr_assert_eq(covered("acme"), 0, "part of acme was left out: not covered");
	cr_assert_eq(covered("beta"), 0);
	port_optout_free(optout);
	port_listener_stop(w.acme);
	port_listener_stop(w.others);
}

Test(port_run, loopback_is_refused_without_the_allow_list)
{
	struct port_run_summary sum;
	struct world w;

	world_start(&w);
	cr_assert_eq(run(&w, NULL, 0, &sum), 0);
	cr_assert_eq(sum.scan.connects, 0);
	cr_assert_eq(sum.scan.refused, 12);
	cr_assert_eq(port_listener_accepts(w.acme, 0) + port_listener_accepts(w.acme, 1) +
	    port_listener_accepts(w.others, 0), 0);
	cr_assert_eq(count("true"), 0);
	cr_assert_eq(covered("acme"), 0, "refused addresses were not looked at");
	port_listener_stop(w.acme);
	port_listener_stop(w.others);
}

/* Run the fairrate binary with args (a shell fragment); its exit status, its
 * standard output and error in out. */
static int
cli(const char *args, char *out, size_t n)
{
	char cmd[1024];
	const char *bin = getenv("FAIRRATE_BIN");
	FILE *f;
	size_t got;
	int status;

	cr_assert_not_null(bin);
	snprintf(cmd, sizeof(cmd), "%s ports %s 2>&1", bin, args);
	cr_assert((f = popen(cmd, "r")) != NULL);
	got = fread(out, 1, n - 1, f);
	out[got] = '\0';
	status = pclose(f);
	return (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

Test(port_run, the_command_names_bad_input_and_writes_evidence)
{
	char path[] = "/tmp/fairrate-optout-XXXXXX", args[512], out[4096];
	struct world w;
	FILE *f;
	int fd = mkstemp(path);

	cr_assert(fd >= 0);
	f = fdopen(fd, "w");
	fputs("# never scan\n127.0.0.22\nnot a host!\n", f);
	fclose(f);
	snprintf(args, sizeof(args), "--opt-out %s", path);
	cr_assert_eq(cli(args, out, sizeof(out)), 2);
	cr_assert(strstr(out, ":3: ") != NULL && strstr(out, path) != NULL, "%s", out);
	cr_assert_eq(cli("--ports 22,70000", out, sizeof(out)), 2);
	cr_assert(strstr(out, "70000") != NULL, "%s", out);

	f = fopen(path, "w");
	fputs("127.0.0.22\n", f);
	fclose(f);
	world_start(&w);
	snprintf(args, sizeof(args), "--json --allow 127.0.0.0/8 --rate 1000 --opt-out %s"
	    " --resolve acme.example:127.0.0.21 --resolve beta.example:127.0.0.23"
	    " --company acme --ports %d,%d", path, w.ports[0].port, w.ports[1].port);
	cr_assert_eq(cli(args, out, sizeof(out)), 0, "%s", out);
	cr_assert(strstr(out, "\"opted_out\":1") != NULL, "%s", out);
	cr_assert(strstr(out, "\"findings\":1") != NULL, "%s", out);
	cr_assert_eq(count("c.slug = 'acme' AND e.outcome = 'fail'"), 1);
	cr_assert_eq(count("c.slug = 'beta'"), 0, "--company acme only");
	cr_assert_eq(port_listener_accepts(w.acme, 1), 0);
	cr_assert_eq(port_listener_accepts(w.others, 0), 0);
	unlink(path);
	port_listener_stop(w.acme);
	port_listener_stop(w.others);
}
