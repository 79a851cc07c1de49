#ifndef FAIRRATE_PORT_OPTOUT_H
#define FAIRRATE_PORT_OPTOUT_H

#include <stddef.h>

#include <sys/socket.h>

/*
 * The port scan's opt-out list: addresses, networks and domains that are never
 * scanned, whoever they are attributed to. One entry per line: an address
 * ("192.0.2.7", "2001:db8::1"), a network in CIDR form ("198.51.100.0/24") or a domain
 * ("example.org", which also covers its subdomains); blank lines and lines starting
 * with '#' are ignored. docs/collector.md.
 */

struct port_optout;

/* port_optout_new: an empty list. NULL when memory is short (logged). */
struct port_optout *port_optout_new(void);

/* port_optout_add: add one line's entry (surrounding blanks ignored; a blank or
 * comment line adds nothing). 0, or -1 with the reason in err. Pure apart from
 * memory. */
int port_optout_add(struct port_optout *o, const char *line, char *err, size_t errlen);

/* port_optout_load: add the entries of the file at path. 0, or -1 with
 * "PATH:LINE: reason" (or why the file cannot be read) in err. */
int port_optout_load(struct port_optout *o, const char *path, char *err, size_t errlen);

/* port_optout_address: whether sa is listed (by address or network). */
int port_optout_address(const struct port_optout *o, const struct sockaddr *sa);

/* port_optout_domain: whether domain (lowercase) or a parent domain of it is listed. */
int port_optout_domain(const struct port_optout *o, const char *domain);

/* port_optout_count: the entries listed. */
size_t port_optout_count(const struct port_optout *o);

/* port_optout_free: release o; NULL is a no-op. */
void port_optout_free(struct port_optout *o);

#endif
