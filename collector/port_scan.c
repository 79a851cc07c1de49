#include "collector/port_scan.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>

#include "common/log.h"

#define PS_MAX_EVENTS 256
#define PS_TICK_MS 50                         /* longest wait for events */
#define PS_SPARE_FDS 64                       /* descriptors left for the rest */

enum ps_phase { PS_CONNECTING = 0, PS_BANNER, PS_REPLY };

struct ps_conn {
	int fd;                                   /* -1: free */
	size_t target, port;
	enum ps_phase phase;
	int64_t deadline;
	const struct port_service *svc;
	char banner[PORT_BANNER_MAX], reply[PORT_BANNER_MAX];
	size_t blen, rlen;
};

struct ps_addr {
	size_t next_port;                         /* the next port to connect to */
	int inflight;
	int64_t next_ms;                          /* no connect before (rate limit) */
};

struct ps_run {
	const struct port_scan_options *opt;
	const struct port_scan_target *targets;
	const struct port_spec *ports;
	size_t nt, np;
	port_scan_report_fn *report;
	void *arg;
	struct port_scan_stats *stats;
	int ep;
	struct ps_conn *conns;
	size_t *free_slots, nfree;
	int concurrency, per_address;
	int64_t spacing_ms;
	long budget_left;
	struct ps_addr *addrs;
	size_t *active, nactive;                  /* addresses being scanned */
	size_t next_target;                       /* the next address to activate */
	size_t window;                            /* addresses active at most */
};

static int64_t
ps_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

const char *
port_scan_state_name(enum port_state s)
{
	static const char *const names[] = {"open", "closed", "filtered", "refused",
	    "skipped", "error"};

	return ((unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?");
}

static void
ps_report(struct ps_run *r, size_t target, size_t port, enum port_state state,
    const struct ps_conn *c)
{
	struct port_scan_report rep;
	long *count[] = {&r->stats->open, &r->stats->closed, &r->stats->filtered,
	    &r->stats->refused, &r->stats->skipped, &r->stats->errors};

	memset(&rep, 0, sizeof(rep));
	rep.target = target;
	rep.spec = &r->ports[port];
	rep.state = state;
	if (c != NULL) {
		rep.banner = c->banner;
		rep.banner_len = c->blen;
		rep.reply = c->reply;
		rep.reply_len = c->rlen;
	}
	(*count[state])++;
	r->report(r->arg, &rep);
}

/* End connection c with state: close it, report, free its slot. */
static void
ps_finish(struct ps_run *r, struct ps_conn *c, enum port_state state)
{
	struct ps_addr *a = &r->addrs[c->target];

	close(c->fd);
	c->fd = -1;
	a->inflight--;
	ps_report(r, c->target, c->port, state, c);
	r->free_slots[r->nfree++] = (size_t)(c - r->conns);
}

static int
ps_watch(struct ps_run *r, struct ps_conn *c, uint32_t events, int op)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.u64 = (uint64_t)(c - r->conns);
	return (epoll_ctl(r->ep, op, c->fd, &ev));
}

/* Send the probe line (small: it fits the empty socket buffer at once). */
static void
ps_send_probe(struct ps_conn *c)
{
	ssize_t n = send(c->fd, c->svc->probe, strlen(c->svc->probe), MSG_NOSIGNAL);

	(void)n;
}

/* The connection is up: read a banner, send a probe, or end it (open). */
static void
ps_connected(struct ps_run *r, struct ps_conn *c, int64_t now)
{
	const struct port_service *svc = c->svc;

	if (r->opt->no_banners || (svc != NULL && !svc->speaks_first && svc->probe == NULL)) {
		ps_finish(r, c, PORT_OPEN);
		return;
	}
	if (svc != NULL && !svc->speaks_first) {
		ps_send_probe(c);
		c->phase = PS_REPLY;
	} else {
		c->phase = PS_BANNER;
	}
	c->deadline = now + r->opt->banner_timeout_ms;
	if (ps_watch(r, c, EPOLLIN, EPOLL_CTL_MOD) != 0)
		ps_finish(r, c, PORT_OPEN);
}

/* Start a connect to the next port of address t. */
static void
ps_start(struct ps_run *r, size_t t, int64_t now)
{
	const struct port_scan_target *tg = &r->targets[t];
	struct ps_addr *a = &r->addrs[t];
	struct ps_conn *c;
	size_t port = a->next_port++;
	int rc;

	c = &r->conns[r->free_slots[--r->nfree]];
	memset(c, 0, sizeof(*c));
	c->target = t;
	c->port = port;
	c->svc = r->ports[port].service != NULL ? r->ports[port].service :
	    port_services_by_port(r->ports[port].port);
	a->inflight++;
	a->next_ms = now + r->spacing_ms;
	c->fd = socket(tg->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		log_error("port scan: socket: %s", strerror(errno));
		a->inflight--;
		ps_report(r, t, port, PORT_ERROR, NULL);
		r->free_slots[r->nfree++] = (size_t)(c - r->conns);
		return;
	}
	{
		struct sockaddr_storage sa = tg->addr;

		if (sa.ss_family == AF_INET)
			((struct sockaddr_in *)(void *)&sa)->sin_port =
			    htons((uint16_t)r->ports[port].port);
		else
			((struct sockaddr_in6 *)(void *)&sa)->sin6_port =
			    htons((uint16_t)r->ports[port].port);
		r->budget_left--;
		r->stats->connects++;
		rc = connect(c->fd, (struct sockaddr *)&sa, tg->len);
	}
	if (rc == 0) {
		if (ps_watch(r, c, EPOLLIN, EPOLL_CTL_ADD) != 0)
			ps_finish(r, c, PORT_OPEN);
		else
			ps_connected(r, c, now);
		return;
	}
	if (errno == ECONNREFUSED) {
		ps_finish(r, c, PORT_CLOSED);
		return;
	}
	if (errno != EINPROGRESS) {
		ps_finish(r, c, errno == ENETUNREACH || errno == EHOSTUNREACH ||
		    errno == ETIMEDOUT ? PORT_FILTERED : PORT_ERROR);
		return;
	}
	c->phase = PS_CONNECTING;
	c->deadline = now + r->opt->connect_timeout_ms;
	if (ps_watch(r, c, EPOLLOUT, EPOLL_CTL_ADD) != 0)
		ps_finish(r, c, PORT_ERROR);
}

static void
ps_event(struct ps_run *r, struct ps_conn *c, int64_t now)
{
	char *dst;
	size_t *len;
	ssize_t n;
	int err = 0;
	socklen_t elen = sizeof(err);

	if (c->fd < 0)
		return;
	if (c->phase == PS_CONNECTING) {
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
			err = errno;
		if (err == EINPROGRESS)
			return;
		if (err == 0)
			ps_connected(r, c, now);
		else
			ps_finish(r, c, err == ECONNREFUSED ? PORT_CLOSED : PORT_FILTERED);
		return;
	}
	dst = c->phase == PS_BANNER ? c->banner : c->reply;
	len = c->phase == PS_BANNER ? &c->blen : &c->rlen;
	n = recv(c->fd, dst, PORT_BANNER_MAX, 0);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n > 0)
		*len = (size_t)n;
	if (n > 0 && c->phase == PS_BANNER) {
		/* A banner may name a service the port number did not (FTP on 2121). */
		const struct port_service *named = port_services_guess(c->banner, c->blen);

		if (named != NULL)
			c->svc = named;
	}
	if (n > 0 && c->phase == PS_BANNER && c->svc != NULL && c->svc->probe != NULL &&
	    c->svc->speaks_first) {
		ps_send_probe(c);
		c->phase = PS_REPLY;
		c->deadline = now + r->opt->banner_timeout_ms;
		return;
	}
	ps_finish(r, c, PORT_OPEN);
}

/* Connections past their deadline: no answer to the connect is filtered; a service
 * that sent no banner or reply in time is still open. */
static void
ps_expire(struct ps_run *r, int64_t now)
{
	int i;

	for (i = 0; i < r->concurrency; i++) {
		struct ps_conn *c = &r->conns[i];

		if (c->fd >= 0 && now >= c->deadline)
			ps_finish(r, c, c->phase == PS_CONNECTING ? PORT_FILTERED : PORT_OPEN);
	}
}

/* Activate addresses (reporting the refused ones at once), start the connects that
 * the limits allow, and drop finished addresses. Returns the milliseconds until an
 * address held back by its rate may connect again (PS_TICK_MS at most). */
static int64_t
ps_fill(struct ps_run *r, int64_t now)
{
	int64_t wait = PS_TICK_MS;
	size_t i, p;
	int stopping = r->opt->stop != NULL && *r->opt->stop;

	while (!stopping && r->nactive < r->window && r->next_target < r->nt) {
		size_t t = r->next_target++;
		const struct port_scan_target *tg = &r->targets[t];

		if (!address_policy_allowed((const struct sockaddr *)&tg->addr, r->opt->allow,
		    r->opt->nallow)) {
			for (p = 0; p < r->np; p++)
				ps_report(r, t, p, PORT_REFUSED, NULL);
			continue;
		}
		r->active[r->nactive++] = t;
	}
	/* With every slot taken only an event can free one: that is what to wait for. */
	for (i = 0; i < r->nactive && r->nfree > 0; ) {
		size_t t = r->active[i];
		struct ps_addr *a = &r->addrs[t];

		while (!stopping && r->budget_left > 0 && r->nfree > 0 &&
		    a->next_port < r->np && a->inflight < r->per_address && now >= a->next_ms)
			ps_start(r, t, now);
		if (a->next_port < r->np && now < a->next_ms && a->next_ms - now < wait)
			wait = a->next_ms - now;
		if (a->next_port == r->np && a->inflight == 0)
			r->active[i] = r->active[--r->nactive];
		else
			i++;
	}
	return (wait);
}

/* Report what will not be tried (the budget ran out, or a stop). */
static void
ps_skip_rest(struct ps_run *r)
{
	size_t i, t, p;

	for (i = 0; i < r->nactive; i++) {
		t = r->active[i];
		for (p = r->addrs[t].next_port; p < r->np; p++)
			ps_report(r, t, p, PORT_SKIPPED, NULL);
		r->addrs[t].next_port = r->np;
	}
	for (t = r->next_target; t < r->nt; t++)
		for (p = 0; p < r->np; p++)
			ps_report(r, t, p, PORT_SKIPPED, NULL);
	r->next_target = r->nt;
	r->nactive = 0;
}

/* Cap the connections in flight by the descriptors the process may open. */
static int
ps_fd_cap(int want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return (want);
	if (rl.rlim_cur < (rlim_t)want + PS_SPARE_FDS && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur < (rlim_t)want + PS_SPARE_FDS) {
		int cap = rl.rlim_cur > 2 * PS_SPARE_FDS ? (int)rl.rlim_cur - PS_SPARE_FDS :
		    PS_SPARE_FDS;

		log_info("port scan: %d connections at once (the descriptor limit)", cap);
		return (cap);
	}
	return (want);
}

int
port_scan_run(const struct port_scan_options *opt, const struct port_scan_target *targets,
    size_t nt, const struct port_spec *ports, size_t np, port_scan_report_fn *report,
    void *arg, struct port_scan_stats *stats)
{
	struct port_scan_options o = *opt;
	struct port_scan_stats local;
	struct epoll_event events[PS_MAX_EVENTS];
	struct ps_run r;
	int64_t now, wait;
	int i, n, rc = -1;

	if (stats == NULL)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	memset(&r, 0, sizeof(r));
	if (o.concurrency <= 0)
		o.concurrency = 256;
	if (o.per_address <= 0)
		o.per_address = 4;
	if (o.per_address_rate <= 0)
		o.per_address_rate = 20;
	if (o.budget <= 0)
		o.budget = 1000000;
	if (o.connect_timeout_ms <= 0)
		o.connect_timeout_ms = 3000;
	if (o.banner_timeout_ms <= 0)
		o.banner_timeout_ms = 2000;
	r.opt = &o;
	r.targets = targets;
	r.ports = ports;
	r.nt = nt;
	r.np = np;
	r.report = report;
	r.arg = arg;
	r.stats = stats;
	r.concurrency = ps_fd_cap(o.concurrency);
	r.per_address = o.per_address;
	r.spacing_ms = 1000 / o.per_address_rate;
	r.budget_left = o.budget;
	/* Enough addresses at once to fill every slot while each waits for its rate. */
	r.window = (size_t)r.concurrency * 16;
	if (nt == 0 || np == 0)
		return (0);
	r.ep = epoll_create1(EPOLL_CLOEXEC);
	r.conns = calloc((size_t)r.concurrency, sizeof(*r.conns));
	r.free_slots = calloc((size_t)r.concurrency, sizeof(*r.free_slots));
	r.addrs = calloc(nt, sizeof(*r.addrs));
	r.active = calloc(r.window, sizeof(*r.active));
	if (r.ep < 0 || r.conns == NULL || r.free_slots == NULL || r.addrs == NULL ||
	    r.active == NULL) {
		log_error("port scan: %s", r.ep < 0 ? strerror(errno) : "out of memory");
		goto done;
	}
	for (i = 0; i < r.concurrency; i++) {
		r.conns[i].fd = -1;
		r.free_slots[r.nfree++] = (size_t)i;
	}
	for (;;) {
		now = ps_now_ms();
		wait = ps_fill(&r, now);
		if ((r.budget_left <= 0 || (o.stop != NULL && *o.stop)) &&
		    (r.nactive > 0 || r.next_target < r.nt))
			ps_skip_rest(&r);
		if (r.nfree == (size_t)r.concurrency && r.nactive == 0 && r.next_target == r.nt)
			break;
		n = epoll_wait(r.ep, events, PS_MAX_EVENTS, (int)(wait < 0 ? 0 : wait));
		if (n < 0 && errno != EINTR) {
			log_error("port scan: epoll_wait: %s", strerror(errno));
			goto done;
		}
		now = ps_now_ms();
		for (i = 0; i < n; i++)
			ps_event(&r, &r.conns[events[i].data.u64], now);
		ps_expire(&r, now);
	}
	rc = 0;
done:
	if (r.conns != NULL)
		for (i = 0; i < r.concurrency; i++)
			if (r.conns[i].fd >= 0)
				close(r.conns[i].fd);
	if (r.ep >= 0)
		close(r.ep);
	free(r.conns);
	free(r.free_slots);
	free(r.addrs);
	free(r.active);
	return (rc);
}
