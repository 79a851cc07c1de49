#ifndef FAIRRATE_ADDRESS_POLICY_H
#define FAIRRATE_ADDRESS_POLICY_H

#include <stddef.h>

#include <sys/socket.h>

/*
 * The outbound address policy: which addresses fairrate may open a connection to on
 * behalf of outside input (scanned domains, claim hosts, webhook receivers). Public
 * addresses only, unless the operator allows a network. Pure: no I/O.
 */

/* address_policy_parse_allow: parse a comma-separated list of CIDR networks (NULL or ""
 * is an empty list) into nets (room for max); *n gets the count. 0, or -1 on a bad
 * entry. Pure. */
struct address_policy_net {
	int family;                           /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	int prefix;
};
int address_policy_parse_allow(const char *list, struct address_policy_net *nets, size_t max,
    size_t *n);

/* address_policy_allowed: whether a connection to sa may be opened: a public
 * address, or one inside nets[0..n). Private (RFC 1918, ULA), loopback, link-local,
 * unspecified, shared (100.64/10), multicast and reserved addresses are not public;
 * IPv4-mapped IPv6 addresses are judged as IPv4. Pure. */
int address_policy_allowed(const struct sockaddr *sa, const struct address_policy_net *nets,
    size_t n);

/* address_policy_in_nets: whether sa lies inside one of nets[0..n) (IPv4-mapped IPv6
 * addresses are judged as IPv4). Pure. */
int address_policy_in_nets(const struct sockaddr *sa, const struct address_policy_net *nets,
    size_t n);

#endif
