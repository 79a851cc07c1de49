#include "collector/tls_probe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#define PROBE_TASKS (TLS_VER_N + TLS_CLASS_N)
#define PROBE_READ 2048          /* the ServerHello comes first; the rest is not read */

enum task_state { TASK_WAITING = 0, TASK_CONNECTING, TASK_SENDING, TASK_READING, TASK_OVER };

struct probe_task {
	enum task_state state;
	int fd;
	int64_t deadline;                     /* monotonic milliseconds */
	uint16_t offered[192];
	size_t noffered;
	unsigned char out[TLS_HELLO_MAX];
	size_t out_len, sent;
	unsigned char in[PROBE_READ];
	size_t in_len;
};

struct tls_probe {
	struct sockaddr_storage addr;
	socklen_t addr_len;
	char sni[256];
	struct tls_probe_options opt;
	unsigned seed;
	struct probe_task task[PROBE_TASKS];  /* the versions, then the classes */
	int running;
	struct tls_enum_result result;
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

struct tls_probe *
tls_probe_new(const struct sockaddr *addr, socklen_t len, const char *sni,
    const struct tls_probe_options *opt)
{
	struct tls_probe *p;
	size_t i;

	if (len > sizeof(p->addr) || (p = calloc(1, sizeof(*p))) == NULL)
		return (NULL);
	memcpy(&p->addr, addr, len);
	p->addr_len = len;
	if (sni != NULL && strlen(sni) < sizeof(p->sni))
		strcpy(p->sni, sni);
	if (opt != NULL)
		p->opt = *opt;
	if (p->opt.timeout_ms <= 0)
		p->opt.timeout_ms = 4000;
	if (p->opt.parallel <= 0)
		p->opt.parallel = 6;
	p->seed = (unsigned)now_ms() ^ (unsigned)(uintptr_t)p;
	for (i = 0; i < PROBE_TASKS; i++)
		p->task[i].fd = -1;
	p->result.probed = 1;
	return (p);
}

static void
task_close(struct tls_probe *p, struct probe_task *t)
{
	if (t->fd >= 0) {
		close(t->fd);
		p->running--;
	}
	t->fd = -1;
	t->state = TASK_OVER;
}

static enum tls_verdict *
task_verdict(struct tls_probe *p, size_t i)
{
	return (i < TLS_VER_N ? &p->result.version[i] : &p->result.cls[i - TLS_VER_N]);
}

/* A task's question answered (or not: TLS_UNKNOWN). */
static void
task_settle(struct tls_probe *p, size_t i, enum tls_verdict v)
{
	*task_verdict(p, i) = v;
	task_close(p, &p->task[i]);
}

/* What the class probes can learn, once the versions are answered: nothing when no
 * version that a classed suite needs (TLS 1.2 and below) was accepted. TLS_ACCEPTED:
 * probe the classes; TLS_REFUSED: every such version was refused (a TLS 1.3-only
 * server accepts no classed suite); TLS_UNKNOWN: none accepted and some unanswered
 * (a server that does not answer a version probe will not answer a class probe:
 * asking would only wait out the timeouts again). */
static enum tls_verdict
classes_worth_asking(const struct tls_probe *p)
{
	int v, unknown = 0;

	for (v = TLS_VER_SSL3; v < TLS_VER_13; v++) {
		if (p->result.version[v] == TLS_ACCEPTED)
			return (TLS_ACCEPTED);
		unknown |= p->result.version[v] == TLS_UNKNOWN;
	}
	return (unknown ? TLS_UNKNOWN : TLS_REFUSED);
}

/* Whether the questions before the class probes are all answered. */
static int
versions_over(const struct tls_probe *p)
{
	int v;

	for (v = TLS_VER_SSL3; v < TLS_VER_N; v++)
		if (p->task[v].state != TASK_OVER)
			return (0);
	return (1);
}

/* Whether task i may start now (a class probe waits for the versions). */
static int
task_ready(const struct tls_probe *p, size_t i)
{
	return (p->task[i].state == TASK_WAITING && p->running < p->opt.parallel &&
	    (i < TLS_VER_N || versions_over(p)));
}

static void
task_start(struct tls_probe *p, size_t i)
{
	struct probe_task *t = &p->task[i];
	unsigned char rnd[32];
	size_t k;
	int n, one = 1;

	for (k = 0; k < sizeof(rnd); k++)
		rnd[k] = (unsigned char)(rand_r(&p->seed) >> 7);
	if (i < TLS_VER_N)
		t->noffered = tls_suites(TLS_CLASS_N, t->offered,
		    sizeof(t->offered) / sizeof(t->offered[0]));
	else
		t->noffered = tls_suites((enum tls_suite_class)(i - TLS_VER_N), t->offered,
		    sizeof(t->offered) / sizeof(t->offered[0]));
	n = tls_hello_build(i < TLS_VER_N ? (enum tls_version_idx)i : TLS_VER_12, t->offered,
	    t->noffered, p->sni, rnd, t->out, sizeof(t->out));
	if (n < 0) {
		task_settle(p, i, TLS_UNKNOWN);
		return;
	}
	t->out_len = (size_t)n;
	t->deadline = now_ms() + p->opt.timeout_ms;
	if ((t->fd = socket(p->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) < 0) {
		t->state = TASK_OVER;
		*task_verdict(p, i) = TLS_UNKNOWN;
		return;
	}
	p->running++;
	setsockopt(t->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(t->fd, (struct sockaddr *)&p->addr, p->addr_len) == 0)
		t->state = TASK_SENDING;
	else if (errno == EINPROGRESS)
		t->state = TASK_CONNECTING;
	else
		task_settle(p, i, TLS_UNKNOWN);
}

/* The server's answer so far: settle the task when it says enough. */
static void
task_answer(struct tls_probe *p, size_t i)
{
	struct probe_task *t = &p->task[i];
	struct tls_server_hello h;
	enum tls_reply r = tls_reply_parse(t->in, t->in_len, &h);
	enum tls_suite_class c;

	if (r == TLS_REPLY_MORE && t->in_len < sizeof(t->in))
		return;
	if (r != TLS_REPLY_HELLO) {
		task_settle(p, i, TLS_REFUSED);
		return;
	}
	if (i < TLS_VER_N) {
		task_settle(p, i, h.version == tls_version_wire((enum tls_version_idx)i) ?
		    TLS_ACCEPTED : TLS_REFUSED);
		return;
	}
	c = (enum tls_suite_class)(i - TLS_VER_N);
	if (tls_suite_classes(h.suite) & (1u << c)) {
		p->result.cls_suite[c] = h.suite;
		task_settle(p, i, TLS_ACCEPTED);
	} else
		task_settle(p, i, TLS_REFUSED);
}

static void
task_io(struct tls_probe *p, size_t i)
{
	struct probe_task *t = &p->task[i];
	socklen_t elen = sizeof(int);
	ssize_t n;
	int err = 0;

	if (t->state == TASK_CONNECTING) {
		if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0 || err != 0) {
			task_settle(p, i, TLS_UNKNOWN);
			return;
		}
		t->state = TASK_SENDING;
	}
	if (t->state == TASK_SENDING) {
		n = send(t->fd, t->out + t->sent, t->out_len - t->sent, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			task_settle(p, i, TLS_UNKNOWN);
			return;
		}
		if (n > 0)
			t->sent += (size_t)n;
		if (t->sent == t->out_len)
			t->state = TASK_READING;
		return;
	}
	n = recv(t->fd, t->in + t->in_len, sizeof(t->in) - t->in_len, 0);
	if (n > 0) {
		t->in_len += (size_t)n;
		task_answer(p, i);
	} else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
		/* Closed or reset after the hello: what came (an alert) or a refusal. */
		if (t->in_len > 0)
			task_answer(p, i);
		if (t->state != TASK_OVER)
			task_settle(p, i, TLS_REFUSED);
	}
}

size_t
tls_probe_fds(const struct tls_probe *p, struct pollfd *fds, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < PROBE_TASKS && n < cap; i++) {
		const struct probe_task *t = &p->task[i];

		if (t->fd < 0 || t->state == TASK_OVER || t->state == TASK_WAITING)
			continue;
		fds[n].fd = t->fd;
		fds[n].events = t->state == TASK_READING ? POLLIN : POLLOUT;
		fds[n].revents = 0;
		n++;
	}
	return (n);
}

long
tls_probe_wait_ms(const struct tls_probe *p)
{
	int64_t now = now_ms(), first = INT64_MAX;
	size_t i;

	for (i = 0; i < PROBE_TASKS; i++) {
		if (task_ready(p, i))
			return (0);
		if (p->task[i].fd >= 0 && p->task[i].deadline < first)
			first = p->task[i].deadline;
	}
	if (first == INT64_MAX)
		return (0);
	return (first <= now ? 0 : (long)(first - now));
}

int
tls_probe_step(struct tls_probe *p)
{
	struct pollfd fds[PROBE_TASKS];
	size_t idx[PROBE_TASKS], i, n = 0;
	int64_t now;
	int over = 1;

	for (i = 0; i < PROBE_TASKS; i++)
		if (p->task[i].fd >= 0 && p->task[i].state != TASK_OVER) {
			fds[n].fd = p->task[i].fd;
			fds[n].events = p->task[i].state == TASK_READING ? POLLIN : POLLOUT;
			idx[n++] = i;
		}
	if (n > 0 && poll(fds, (nfds_t)n, 0) > 0)
		for (i = 0; i < n; i++)
			if (fds[i].revents != 0 && p->task[idx[i]].state != TASK_OVER)
				task_io(p, idx[i]);
	now = now_ms();
	for (i = 0; i < PROBE_TASKS; i++)
		if (p->task[i].fd >= 0 && p->task[i].state != TASK_OVER &&
		    p->task[i].deadline <= now)
			task_settle(p, i, TLS_UNKNOWN);
	for (i = 0; i < PROBE_TASKS; i++) {
		if (!task_ready(p, i))
			continue;
		if (i >= TLS_VER_N && classes_worth_asking(p) != TLS_ACCEPTED)
			task_settle(p, i, classes_worth_asking(p));
		else
			task_start(p, i);
	}
	for (i = 0; i < PROBE_TASKS; i++)
		over &= p->task[i].state == TASK_OVER;
	return (over);
}

const struct tls_enum_result *
tls_probe_result(const struct tls_probe *p)
{
	return (&p->result);
}

void
tls_probe_free(struct tls_probe *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < PROBE_TASKS; i++)
		if (p->task[i].fd >= 0)
			close(p->task[i].fd);
	free(p);
}

int
tls_probe_run(const struct sockaddr *addr, socklen_t len, const char *sni,
    const struct tls_probe_options *opt, struct tls_enum_result *out)
{
	struct pollfd fds[PROBE_TASKS];
	struct tls_probe *p = tls_probe_new(addr, len, sni, opt);
	size_t n;

	if (p == NULL)
		return (-1);
	while (!tls_probe_step(p)) {
		n = tls_probe_fds(p, fds, PROBE_TASKS);
		if (n > 0 || tls_probe_wait_ms(p) > 0)
			(void)poll(fds, (nfds_t)n, (int)tls_probe_wait_ms(p));
	}
	*out = p->result;
	tls_probe_free(p);
	return (0);
}
