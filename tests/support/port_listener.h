#ifndef FAIRRATE_PORT_LISTENER_H
#define FAIRRATE_PORT_LISTENER_H

#include <stddef.h>

/*
 * TCP listeners on loopback addresses for the port scan tests: each sends its banner
 * (if any) on accept, answers the first line it reads with its reply (if any), and
 * holds the connection until the client closes it. Accepts are counted per listener,
 * and the most connections open at once across all of them is kept, so that a test
 * can check the scanner's limits by what the listeners saw.
 */

struct port_listener_spec {
	const char *address;                  /* "127.0.0.2" */
	const char *banner;                   /* NULL: silent */
	size_t banner_len;                    /* 0: strlen(banner) */
	const char *reply;                    /* NULL: none */
	int port;                             /* 0: any unused port */
};

struct port_listener;

/* port_listener_start: bind each spec to an unused port of its address and serve
 * them on a thread. Aborts the test on failure. */
struct port_listener *port_listener_start(const struct port_listener_spec *specs, size_t n);

/* port_listener_port: the port listener i was bound to. */
int port_listener_port(const struct port_listener *l, size_t i);

/* port_listener_accepts: connections listener i accepted so far. */
long port_listener_accepts(struct port_listener *l, size_t i);

/* port_listener_max_open: the most connections open at once, all listeners. */
int port_listener_max_open(struct port_listener *l);

/* port_listener_close: stop listener i (its port is then closed). */
void port_listener_close(struct port_listener *l, size_t i);

/* port_listener_stop: stop the thread and close everything; NULL is a no-op. */
void port_listener_stop(struct port_listener *l);

/* port_listener_closed_port: a port of address that nothing listens on (bound, then
 * released). */
int port_listener_closed_port(const char *address);

#endif
