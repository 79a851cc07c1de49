/* Feed importers: breaches, compromised hosts and open ports, CSV and JSON Lines. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "collector/feeds.h"
#include "common/timefmt.h"
#include "tests/support/testdb.h"

static PGconn *conn;
static char dir[64];
static char errors[8192];

static void
sql(const char *q)
{
	PGresult *res = PQexec(conn, q);

	cr_assert(PQresultStatus(res) == PGRES_COMMAND_OK, "%s: %s", q, PQerrorMessage(conn));
	PQclear(res);
}

static void
setup(void)
{
	conn = testdb_create();
	sql("INSERT INTO companies (slug, name, sector, size_band, country)"
	    " VALUES ('acme', 'Acme', 'retail', 'small', 'DE')");
	sql("INSERT INTO assets (company_id, kind, value, source) SELECT id, 'domain',"
	    " 'acme.example', 'test' FROM companies");
	sql("INSERT INTO assets (company_id, kind, value, source) SELECT id, 'ip_range',"
	    " '192.0.2.0/24', 'test' FROM companies");
	snprintf(dir, sizeof(dir), "/tmp/fairrate-feeds-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void
teardown(void)
{
	char cmd[128];

	testdb_drop(conn);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		cr_log_warn("cannot remove %s", dir);
}

TestSuite(feeds, .init = setup, .fini = teardown);

static int
feed(enum feeds_kind kind, const char *name, const char *text, struct import_counts *c)
{
	struct feeds_options o;
	char path[128];
	FILE *f, *err;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	cr_assert_not_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	memset(&o, 0, sizeof(o));
	o.kind = kind;
	o.jsonl = strstr(name, ".jsonl") != NULL;
	o.now = timefmt_now();
	o.label = name;
	memset(errors, 0, sizeof(errors));
	cr_assert_not_null(err = fmemopen(errors, sizeof(errors) - 1, "w"));
	o.errors = err;
	rc = feeds_run(conn, path, &o, c);
	fclose(err);
	return (rc);
}

Test(feeds, breaches_become_incidents_and_evidence)
{
	struct import_counts c;

	cr_assert_eq(feed(FEEDS_BREACHES, "b.csv",
	    "company,occurred_at,disclosed_at,severity,source,external_ref,summary,records\n"
	    "acme,2026-01-03,2026-02-01T10:00:00Z,high,breachwatch,BW-1,Customer data,120000\n"
	    "acme,2025-06-01,,low,breachwatch,BW-0,Old,\n", &c), 0, "%s", errors);
	cr_expect_eq(c.inserted, 2);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM incidents WHERE kind = 'breach'"
	    " AND summary = 'Customer data (120000 records)'"), 1);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence WHERE"
	    " check_code = 'incidents.breach_disclosed' AND source = 'breachwatch'"), 1,
	    "only the disclosed breach is evidence");
}

Test(feeds, compromised_hosts_and_open_ports_jsonl)
{
	struct import_counts c;

	cr_assert_eq(feed(FEEDS_COMPROMISED_HOSTS, "h.jsonl",
	    "{\"company\":\"acme\",\"asset\":\"192.0.2.0/24\",\"ip\":\"192.0.2.7\","
	    "\"category\":\"botnet\",\"family\":\"mirai\",\"observed_at\":\"2026-01-05T00:00:00Z\","
	    "\"source\":\"sinkhole\"}\n"
	    "\n"
	    "{\"company\":\"acme\",\"asset\":\"acme.example\",\"ip\":\"192.0.2.8\","
	    "\"category\":\"spam\",\"observed_at\":\"2026-01-05T00:00:00Z\",\"source\":\"rbl\"}\n",
	    &c), 0, "%s", errors);
	cr_expect_eq(c.evidence_inserted, 2);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence WHERE"
	    " check_code = 'compromised_systems.botnet_infection' AND observation_key ="
	    " '192.0.2.7' AND details->>'family' = 'mirai'"), 1);
	cr_assert_eq(feed(FEEDS_OPEN_PORTS, "p.jsonl",
	    "{\"company\":\"acme\",\"asset\":\"192.0.2.0/24\",\"ip\":\"192.0.2.9\",\"port\":3389,"
	    "\"observed_at\":\"2026-01-06T00:00:00Z\",\"source\":\"portscan\"}\n"
	    "{\"company\":\"acme\",\"asset\":\"192.0.2.0/24\",\"ip\":\"192.0.2.9\",\"port\":23,"
	    "\"observed_at\":\"2026-01-06T00:00:00Z\",\"source\":\"portscan\"}\n"
	    "{\"company\":\"acme\",\"asset\":\"192.0.2.0/24\",\"ip\":\"192.0.2.9\",\"port\":\"22\","
	    "\"observed_at\":\"2026-01-06T00:00:00Z\",\"source\":\"portscan\"}\n"
	    "{\"company\":\"acme\",\"asset\":\"192.0.2.0/24\",\"ip\":\"192.0.2.9\",\"port\":53,"
	    "\"protocol\":\"udp\",\"observed_at\":\"2026-01-06T00:00:00Z\",\"source\":\"portscan\"}\n",
	    &c), 0, "%s", errors);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence WHERE source = 'portscan'"
	    " AND check_code IN ('exposed_services.open_port_risky',"
	    " 'exposed_services.insecure_protocol', 'exposed_services.open_port_admin',"
	    " 'exposed_services.open_port_other')"), 4);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence WHERE"
	    " observation_key = '192.0.2.9:53/udp'"), 1);
	/* Seen again a day later: last_seen moves, no new row. */
	cr_assert_eq(feed(FEEDS_OPEN_PORTS, "p2.csv",
	    "company,asset,ip,port,observed_at,source\n"
	    "acme,192.0.2.0/24,192.0.2.9,3389,2026-01-07T00:00:00Z,portscan\n", &c), 0, "%s",
	    errors);
	cr_expect_eq(c.evidence_updated, 1);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence WHERE source ="
	    " 'portscan' AND last_seen = '2026-01-07T00:00:00Z'"), 1);
}

Test(feeds, a_bad_row_imports_nothing)
{
	struct import_counts c;

	cr_assert_eq(feed(FEEDS_OPEN_PORTS, "bad.csv",
	    "company,asset,ip,port,observed_at,source\n"
	    "acme,192.0.2.0/24,192.0.2.9,3389,2026-01-07T00:00:00Z,portscan\n"
	    "acme,192.0.2.0/24,192.0.2.9,99999,2026-01-07T00:00:00Z,portscan\n"
	    "acme,192.0.2.0/24,not-an-ip,22,2026-01-07T00:00:00Z,portscan\n"
	    "acme,192.0.2.0/24,192.0.2.9,22,yesterday,portscan\n", &c), 1);
	cr_expect(strstr(errors, "bad.csv:3: port: '99999' is not a port number") != NULL,
	    "%s", errors);
	cr_expect(strstr(errors, "bad.csv:4: ip:") != NULL, "%s", errors);
	cr_expect(strstr(errors, "bad.csv:5: observed_at:") != NULL, "%s", errors);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"), 0);
	/* Database-side problems too: an asset that is not the company's. */
	cr_assert_eq(feed(FEEDS_COMPROMISED_HOSTS, "unknown.csv",
	    "company,asset,ip,category,observed_at,source\n"
	    "acme,other.example,192.0.2.1,malware,2026-01-07T00:00:00Z,x\n", &c), 1);
	cr_expect(strstr(errors, "unknown.csv:2: asset:") != NULL, "%s", errors);
	cr_assert_eq(feed(FEEDS_BREACHES, "b.jsonl",
	    "{\"company\":\"acme\",\"occurred_at\":\"2026-01-01\",\"severity\":\"huge\","
	    "\"source\":\"x\"}\n"
	    "{\"company\":\"acme\",\"occurred_at\":\"2026-01-01\",\"severity\":\"low\","
	    "\"colour\":\"red\"}\n", &c), 1);
	cr_expect(strstr(errors, "b.jsonl:1: severity:") != NULL, "%s", errors);
	cr_expect(strstr(errors, "b.jsonl:2: unknown field 'colour'") != NULL, "%s", errors);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM incidents"), 0);
}

#define HUGE_LINE (128L * 1024 * 1024)

/* A JSON Lines feed's line is capped at IMPORT_MAX_LINE: a longer one is refused at
 * its line (and the rows after it are still read and checked), and it is never read
 * whole into memory: fairrate feed reading a 128 MiB line from a pipe keeps its peak
 * memory far below that. */
Test(feeds, a_jsonl_line_past_the_cap_is_refused_in_bounded_memory, .timeout = 120)
{
	static const char row[] = "{\"company\":\"acme\",\"asset\":\"192.0.2.0/24\","
	    "\"ip\":\"192.0.2.9\",\"port\":3389,\"observed_at\":\"2026-01-06T00:00:00Z\","
	    "\"source\":\"portscan\"}\n";
	const char *bin = getenv("FAIRRATE_BIN");
	static char chunk[1 << 20];
	char errpath[128], out[4096];
	struct rusage ru;
	int in[2], status, fd;
	long left;
	ssize_t n;
	pid_t pid;
	FILE *f;

	cr_assert_not_null(bin);
	snprintf(errpath, sizeof(errpath), "%s/stderr", dir);
	cr_assert_eq(pipe(in), 0);
	if ((pid = fork()) == 0) {
		dup2(in[0], 0);
		close(in[0]);
		close(in[1]);
		if ((fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600)) >= 0)
			dup2(fd, 2);
		execl(bin, bin, "feed", "open-ports", "-", "--format", "jsonl", (char *)NULL);
		_exit(127);
	}
	cr_assert(pid > 0);
	close(in[0]);
	cr_assert_eq(write(in[1], row, strlen(row)), (ssize_t)strlen(row));
	cr_assert_eq(write(in[1], "{\"service\":\"", 12), 12);
	memset(chunk, 'a', sizeof(chunk));
	for (left = HUGE_LINE; left > 0; left -= n)
		cr_assert((n = write(in[1], chunk, left < (long)sizeof(chunk) ?
		    (size_t)left : sizeof(chunk))) > 0);
	cr_assert_eq(write(in[1], "\"}\n", 3), 3);
	cr_assert_eq(write(in[1], row, strlen(row)), (ssize_t)strlen(row));
	cr_assert_eq(write(in[1], "{\"bad\": 1}\n", 11), 11);
	close(in[1]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert_eq(getrusage(RUSAGE_CHILDREN, &ru), 0);
	memset(out, 0, sizeof(out));
	cr_assert_not_null(f = fopen(errpath, "r"));
	n = (ssize_t)fread(out, 1, sizeof(out) - 1, f);
	fclose(f);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 1, "%s", out);
	cr_expect(strstr(out, ":2: line longer than 65536 bytes") != NULL, "%s", out);
	cr_expect(strstr(out, ":4: unknown field 'bad'") != NULL, "%s", out);
	cr_expect_lt(ru.ru_maxrss, 48L * 1024, "peak memory %ld KiB", ru.ru_maxrss);
	cr_expect_eq(testdb_scalar(conn, "SELECT count(*) FROM evidence"), 0);
}
