/* The exposed-services scan against TCP listeners on loopback addresses: banners and
 * probes, closed ports, the limits (counted at the listeners), the address policy,
 * the opt-out list, evidence and coverage, and nmap's verdicts on the same ports. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector/port_run.h"
#include "collector/port_scan.h"
#include "tests/support/port_listener.h"
#include "tests/support/testdb.h"

#define MAXR 64

struct seen {
	size_t n;
	struct {
		size_t target;
		int port;
		enum port_state state;
		char banner[PORT_BANNER_MAX + 1];
		char reply[PORT_BANNER_MAX + 1];
	} r[MAXR];
};

static void
on_report(void *arg, const struct port_scan_report *rep)
{
	struct seen *s = arg;

	cr_assert_lt(s->n, MAXR);
	s->r[s->n].target = rep->target;
	s->r[s->n].port = rep->spec->port;
	s->r[s->n].state = rep->state;
	memcpy(s->r[s->n].banner, rep->banner ? rep->banner : "", rep->banner_len);
	memcpy(s->r[s->n].reply, rep->reply ? rep->reply : "", rep->reply_len);
	s->n++;
}

static int
state_of(const struct seen *s, size_t target, int port)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->r[i].target == target && s->r[i].port == port)
			return ((int)s->r[i].state);
	return (-1);
}

static const char *
banner_of(const struct seen *s, int port, int reply)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->r[i].port == port)
			return (reply ? s->r[i].reply : s->r[i].banner);
	return ("");
}

static void
target(struct port_scan_target *t, const char *address)
{
	struct sockaddr_in *sa = (struct sockaddr_in *)(void *)&t->addr;

	memset(t, 0, sizeof(*t));
	sa->sin_family = AF_INET;
	cr_assert_eq(inet_pton(AF_INET, address, &sa->sin_addr), 1);
	t->len = sizeof(*sa);
}

static struct address_policy_net loopback[1];

static void
options(struct port_scan_options *o)
{
	size_t n;

	memset(o, 0, sizeof(*o));
	cr_assert_eq(address_policy_parse_allow("127.0.0.0/8", loopback, 1, &n), 0);
	o->allow = loopback;
	o->nallow = n;
	o->per_address_rate = 1000;
	o->banner_timeout_ms = 1000;
}

Test(port_scan, banners_probes_and_closed_ports)
{
	struct port_listener_spec specs[] = {
		{"127.0.0.1", "SSH-2.0-OpenSSH_7.4\r\n", 0, NULL, 0},
		{"127.0.0.1", "220 FTP server ready\r\n", 0, "500 AUTH not understood\r\n", 0},
		{"127.0.0.1", NULL, 0, "+PONG\r\n", 0},
	};
	struct port_listener *l = port_listener_start(specs, 3);
	struct port_spec ports[4] = {
		{port_listener_port(l, 0), NULL}, {port_listener_port(l, 1), NULL},
		{port_listener_port(l, 2), port_services_by_name("redis")},
		{port_listener_closed_port("127.0.0.1"), NULL}};
	struct port_scan_target t;
	struct port_scan_options o;
	struct port_scan_stats st;
	static struct seen s;

	target(&t, "127.0.0.1");
	options(&o);
	cr_assert_eq(port_scan_run(&o, &t, 1, ports, 4, on_report, &s, &st), 0);
	cr_assert_eq(s.n, 4);
	cr_assert_eq(state_of(&s, 0, ports[0].port), PORT_OPEN);
	cr_assert_str_eq(banner_of(&s, ports[0].port, 0), "SSH-2.0-OpenSSH_7.4\r\n");
	cr_assert_str_eq(banner_of(&s, ports[1].port, 0), "220 FTP server ready\r\n");
	cr_assert_str_eq(banner_of(&s, ports[1].port, 1), "500 AUTH not understood\r\n",
	    "the FTP banner was followed by AUTH TLS");
	cr_assert_str_eq(banner_of(&s, ports[2].port, 1), "+PONG\r\n", "Redis got PING");
	cr_assert_eq(state_of(&s, 0, ports[3].port), PORT_CLOSED);
	cr_assert_eq(st.open, 3);
	cr_assert_eq(st.closed, 1);
	cr_assert_eq(st.connects, 4);
	port_listener_stop(l);
}

Test(port_scan, the_address_policy_refuses_loopback_unless_allowed)
{
	struct port_listener_spec specs[] = {{"127.0.0.9", "SSH-2.0-x\r\n", 0, NULL, 0}};
	struct port_listener *l = port_listener_start(specs, 1);
	struct port_spec ports[1] = {{port_listener_port(l, 0), NULL}};
	struct port_scan_target t;
	struct port_scan_options o;
	struct port_scan_stats st;
	static struct seen s;

	target(&t, "127.0.0.9");
	options(&o);
	o.allow = NULL;
	o.nallow = 0;
	cr_assert_eq(port_scan_run(&o, &t, 1, ports, 1, on_report, &s, &st), 0);
	cr_assert_eq(state_of(&s, 0, ports[0].port), PORT_REFUSED);
	cr_assert_eq(st.connects, 0);
	cr_assert_eq(port_listener_accepts(l, 0), 0, "never contacted");
	port_listener_stop(l);
}

Test(port_scan, the_budget_caps_connects_and_the_rest_is_skipped)
{
	struct port_listener_spec specs[8];
	struct port_spec ports[8];
	struct port_listener *l;
	struct port_scan_target t;
	struct port_scan_options o;
	struct port_scan_stats st;
	static struct seen s;
	long total = 0;
	size_t i;

	for (i = 0; i < 8; i++)
		specs[i] = (struct port_listener_spec){"127.0.0.10", NULL, 0, NULL, 0};
	l = port_listener_start(specs, 8);
	for (i = 0; i < 8; i++)
		ports[i] = (struct port_spec){port_listener_port(l, i), NULL};
	target(&t, "127.0.0.10");
	options(&o);
	o.budget = 5;
	o.no_banners = 1;
	cr_assert_eq(port_scan_run(&o, &t, 1, ports, 8, on_report, &s, &st), 0);
	for (i = 0; i < 8; i++)
		total += port_listener_accepts(l, i);
	cr_assert_eq(total, 5, "connects seen by the listeners");
	cr_assert_eq(st.connects, 5);
	cr_assert_eq(st.open, 5);
	cr_assert_eq(st.skipped, 3);
	cr_assert_eq(s.n, 8, "every pair is reported");
	port_listener_stop(l);
}

Test(port_scan, connections_in_flight_stay_within_the_caps)
{
	struct port_listener_spec specs[12];
	struct port_spec ports[6];
	struct port_listener *l;
	struct port_scan_target t[2];
	struct port_scan_options o;
	struct port_scan_stats st;
	static struct seen s;
	size_t i;

	/* Silent services on ports the catalogue does not know: the scan waits for a
	 * banner, so connections stay open for the banner timeout. Both addresses use
	 * the same six ports (bound on 127.0.0.11, then on .12). */
	for (i = 0; i < 6; i++)
		specs[i] = (struct port_listener_spec){"127.0.0.11", NULL, 0, NULL, 0};
	l = port_listener_start(specs, 6);
	for (i = 0; i < 6; i++)
		ports[i] = (struct port_spec){port_listener_port(l, i), NULL};
	target(&t[0], "127.0.0.11");
	options(&o);
	o.per_address = 2;
	o.banner_timeout_ms = 200;
	cr_assert_eq(port_scan_run(&o, t, 1, ports, 6, on_report, &s, &st), 0);
	cr_assert_eq(st.open, 6);
	cr_assert_eq(port_listener_max_open(l), 2, "per-address cap");
	port_listener_stop(l);

	memset(&s, 0, sizeof(s));
	for (i = 0; i < 12; i++)
		specs[i] = (struct port_listener_spec){i < 6 ? "127.0.0.11" : "127.0.0.12", NULL, 0,
		    NULL, 0};
	l = port_listener_start(specs, 12);
	/* distinct ports per address; scan the first six on both addresses */
	for (i = 0; i < 6; i++)
		ports[i] = (struct port_spec){port_listener_port(l, i), NULL};
	target(&t[0], "127.0.0.11");
	target(&t[1], "127.0.0.12");
	o.per_address = 4;
	o.concurrency = 3;
	cr_assert_eq(port_scan_run(&o, t, 2, ports, 6, on_report, &s, &st), 0);
	cr_assert_eq(st.open + st.closed, 12);
	cr_assert_leq(port_listener_max_open(l), 3, "the run's cap");
	port_listener_stop(l);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* The rate limit spaces connects to one address by 1/rate s, so ten connects take at
 * least nine spacings however fast or loaded the machine is: the bound can only fail
 * when the limit is broken, never because the machine is slow. */
Test(port_scan, the_per_address_rate_spaces_connects)
{
	struct port_listener_spec specs[10];
	struct port_spec ports[10];
	struct port_listener *l;
	struct port_scan_target t;
	struct port_scan_options o;
	struct port_scan_stats st;
	static struct seen s;
	double started, took;
	long total = 0;
	size_t i;

	for (i = 0; i < 10; i++)
		specs[i] = (struct port_listener_spec){"127.0.0.13", NULL, 0, NULL, 0};
	l = port_listener_start(specs, 10);
	for (i = 0; i < 10; i++)
		ports[i] = (struct port_spec){port_listener_port(l, i), NULL};
	target(&t, "127.0.0.13");
	options(&o);
	o.per_address_rate = 20;
	o.per_address = 10;
	o.no_banners = 1;
	started = now_s();
	cr_assert_eq(port_scan_run(&o, &t, 1, ports, 10, on_report, &s, &st), 0);
	took = now_s() - started;
	for (i = 0; i < 10; i++)
		total += port_listener_accepts(l, i);
	cr_assert_eq(total, 10);
	cr_assert_geq(took, 9 * 0.049, "10 connects at 20/s span 9 spacings: %.3f s", took);
	port_listener_stop(l);
}

/* nmap -sT over the same listeners and closed ports gives the same verdicts. */
Test(port_scan, open_and_closed_agree_with_nmap)
{
	struct port_listener_spec specs[] = {
		{"127.0.0.14", "SSH-2.0-OpenSSH_7.4\r\n", 0, NULL, 0},
		{"127.0.0.14", NULL, 0, NULL, 0},
		{"127.0.0.14", "220 FTP\r\n", 0, NULL, 0},
	};
	struct port_listener *l;
	struct port_spec ports[6];
	struct port_scan_target t;
	struct port_scan_options o;
	static struct seen s;
	char cmd[512], line[4096], *p;
	size_t i;
	FILE *f;
	int checked = 0;

	if (system("command -v nmap >/dev/null 2>&1") != 0)
		cr_skip_test("nmap is not installed (scripts/bootstrap.sh installs it)");
	l = port_listener_start(specs, 3);
	for (i = 0; i < 3; i++)
		ports[i] = (struct port_spec){port_listener_port(l, i), NULL};
	for (i = 3; i < 6; i++)
		ports[i] = (struct port_spec){port_listener_closed_port("127.0.0.14"), NULL};
	target(&t, "127.0.0.14");
	options(&o);
	o.banner_timeout_ms = 300;
	cr_assert_eq(port_scan_run(&o, &t, 1, ports, 6, on_report, &s, NULL), 0);
	snprintf(cmd, sizeof(cmd), "nmap -sT -n -Pn --max-retries 1 -oG - -p %d,%d,%d,%d,%d,%d"
	    " 127.0.0.14 2>/dev/null", ports[0].port, ports[1].port, ports[2].port,
	    ports[3].port, ports[4].port, ports[5].port);
	cr_assert((f = popen(cmd, "r")) != NULL);
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((p = strstr(line, "Ports: ")) == NULL)
			continue;
		for (i = 0; i < 6; i++) {
			char want[32];
			int ours = state_of(&s, 0, ports[i].port);

			snprintf(want, sizeof(want), "%d/%s/", ports[i].port,
			    ours == PORT_OPEN ? "open" : "closed");
			cr_assert(ours == PORT_OPEN || ours == PORT_CLOSED);
			cr_assert(strstr(p, want) != NULL, "port %d: fairrate %s; nmap: %s",
			    ports[i].port, port_scan_state_name(ours), p);
			checked++;
		}
	}
	pclose(f);
	cr_assert_eq(checked, 6, "nmap reported the ports");
	cr_assert_eq(state_of(&s, 0, ports[0].port), PORT_OPEN);
	cr_assert_eq(state_of(&s, 0, ports[3].port), PORT_CLOSED);
	port_listener_stop(l);
}
