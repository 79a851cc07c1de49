#include "tests/support/port_listener.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PL_MAX 32
#define PL_CLIENTS 256

struct pl_client {
	int fd;
	size_t listener;
	int replied;
};

struct port_listener {
	struct port_listener_spec specs[PL_MAX];
	int fds[PL_MAX], ports[PL_MAX];
	long accepts[PL_MAX];
	size_t n;
	struct pl_client clients[PL_CLIENTS];
	int open, max_open;
	int wake[2];
	int stopping;
	long syncs;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
};

static int
pl_bind(const char *address, int *port)
{
	int want = *port;

	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd, one = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)want);
	cr_assert_eq(inet_pton(AF_INET, address, &sa.sin_addr), 1, "%s", address);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0, "bind %s", address);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return (fd);
}

int
port_listener_closed_port(const char *address)
{
	int port = 0, fd = pl_bind(address, &port);

	close(fd);
	return (port);
}

static void
pl_drop(struct port_listener *l, struct pl_client *c)
{
	close(c->fd);
	c->fd = -1;
	pthread_mutex_lock(&l->mu);
	l->open--;
	pthread_mutex_unlock(&l->mu);
}

/* Accept one connection of listener k: 0, or -1 when none is waiting. late: the
 * scan is over (a sync), so the connection is counted and closed, never held. */
static int
pl_accept(struct port_listener *l, size_t k, int late)
{
	const struct port_listener_spec *s = &l->specs[k];
	size_t c;
	int fd = accept(l->fds[k], NULL, NULL);

	if (fd < 0)
		return (-1);
	for (c = 0; c < PL_CLIENTS && l->clients[c].fd >= 0; c++)
		;
	pthread_mutex_lock(&l->mu);
	l->accepts[k]++;
	if (late)
		c = PL_CLIENTS;
	if (c < PL_CLIENTS) {
		l->open++;
		if (l->open > l->max_open)
			l->max_open = l->open;
	}
	pthread_mutex_unlock(&l->mu);
	if (c == PL_CLIENTS) {
		close(fd);
		return (0);
	}
	l->clients[c].fd = fd;
	l->clients[c].listener = k;
	l->clients[c].replied = 0;
	if (s->banner != NULL && send(fd, s->banner, s->banner_len ? s->banner_len :
	    strlen(s->banner), MSG_NOSIGNAL) < 0)
		pl_drop(l, &l->clients[c]);
	return (0);
}

static void *
pl_run(void *arg)
{
	struct port_listener *l = arg;
	struct pollfd pfd[1 + PL_MAX + PL_CLIENTS];
	size_t map[1 + PL_MAX + PL_CLIENTS];
	size_t i, n;
	char buf[512];

	for (;;) {
		n = 0;
		pfd[n].fd = l->wake[0];
		pfd[n++].events = POLLIN;
		pthread_mutex_lock(&l->mu);
		for (i = 0; i < l->n; i++)
			if (l->fds[i] >= 0) {
				map[n] = i;
				pfd[n].fd = l->fds[i];
				pfd[n++].events = POLLIN;
			}
		pthread_mutex_unlock(&l->mu);
		for (i = 0; i < PL_CLIENTS; i++)
			if (l->clients[i].fd >= 0) {
				map[n] = PL_MAX + i;
				pfd[n].fd = l->clients[i].fd;
				pfd[n++].events = POLLIN;
			}
		if (poll(pfd, n, -1) < 0)
			continue;
		if (pfd[0].revents) {
			if (read(l->wake[0], buf, sizeof(buf)) <= 0 || l->stopping)
				return (NULL);
			/* A sync: take every connection waiting in the backlogs. */
			for (i = 0; i < l->n; i++)
				while (l->fds[i] >= 0 && pl_accept(l, i, 1) == 0)
					;
			pthread_mutex_lock(&l->mu);
			l->syncs++;
			pthread_cond_broadcast(&l->cv);
			pthread_mutex_unlock(&l->mu);
			continue;
		}
		/* Clients first: a connection the scanner closed before opening the next
		 * one is then counted closed before the next is counted open. */
		for (i = 1; i < n; i++) {
			struct pl_client *c;
			ssize_t got;

			if (!pfd[i].revents || map[i] < PL_MAX)
				continue;
			c = &l->clients[map[i] - PL_MAX];
			got = recv(c->fd, buf, sizeof(buf), 0);
			if (got <= 0) {
				pl_drop(l, c);
			} else if (l->specs[c->listener].reply != NULL && !c->replied) {
				c->replied = 1;
				if (send(c->fd, l->specs[c->listener].reply,
				    strlen(l->specs[c->listener].reply), MSG_NOSIGNAL) < 0)
					pl_drop(l, c);
			}
		}
		/* One accept per listener and wake-up: a connection that arrived after
		 * poll looked may follow a close poll has not reported yet. */
		for (i = 1; i < n; i++)
			if (pfd[i].revents && map[i] < PL_MAX)
				pl_accept(l, map[i], 0);
	}
}

struct port_listener *
port_listener_start(const struct port_listener_spec *specs, size_t n)
{
	struct port_listener *l = calloc(1, sizeof(*l));
	size_t i;

	cr_assert(l != NULL && n <= PL_MAX);
	l->n = n;
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->cv, NULL);
	for (i = 0; i < PL_CLIENTS; i++)
		l->clients[i].fd = -1;
	for (i = 0; i < n; i++) {
		l->specs[i] = specs[i];
		l->ports[i] = specs[i].port;
		l->fds[i] = pl_bind(specs[i].address, &l->ports[i]);
		cr_assert_eq(listen(l->fds[i], 128), 0);
		cr_assert_eq(fcntl(l->fds[i], F_SETFL, O_NONBLOCK), 0);
	}
	cr_assert_eq(pipe(l->wake), 0);
	cr_assert_eq(pthread_create(&l->thread, NULL, pl_run, l), 0);
	return (l);
}

int
port_listener_port(const struct port_listener *l, size_t i)
{
	return (l->ports[i]);
}

long
port_listener_accepts(struct port_listener *l, size_t i)
{
	long n, want;

	pthread_mutex_lock(&l->mu);
	want = l->syncs + 1;
	pthread_mutex_unlock(&l->mu);
	cr_assert_eq(write(l->wake[1], "s", 1), 1);
	pthread_mutex_lock(&l->mu);
	while (l->syncs < want)
		pthread_cond_wait(&l->cv, &l->mu);
	n = l->accepts[i];
	pthread_mutex_unlock(&l->mu);
	return (n);
}

int
port_listener_max_open(struct port_listener *l)
{
	int n;

	pthread_mutex_lock(&l->mu);
	n = l->max_open;
	pthread_mutex_unlock(&l->mu);
	return (n);
}

void
port_listener_close(struct port_listener *l, size_t i)
{
	long want;

	pthread_mutex_lock(&l->mu);
	close(l->fds[i]);
	l->fds[i] = -1;
	want = l->syncs + 1;
	pthread_mutex_unlock(&l->mu);
	cr_assert_eq(write(l->wake[1], "s", 1), 1);
	pthread_mutex_lock(&l->mu);
	while (l->syncs < want)
		pthread_cond_wait(&l->cv, &l->mu);
	pthread_mutex_unlock(&l->mu);
}

void
port_listener_stop(struct port_listener *l)
{
	size_t i;

	if (l == NULL)
		return;
	l->stopping = 1;
	cr_assert_eq(write(l->wake[1], "x", 1), 1);
	pthread_join(l->thread, NULL);
	for (i = 0; i < l->n; i++)
		if (l->fds[i] >= 0)
			close(l->fds[i]);
	for (i = 0; i < PL_CLIENTS; i++)
		if (l->clients[i].fd >= 0)
			close(l->clients[i].fd);
	close(l->wake[0]);
	close(l->wake[1]);
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->cv);
	free(l);
}
