#include "collector/address_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>


int
address_policy_parse_allow(const char *list, struct address_policy_net *nets, size_t max, size_t *n)
{
	char item[64], *slash;
	const char *p = list, *end;
	size_t len;
	long prefix;

	*n = 0;
	while (p != NULL && *p != '\0') {
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		if (len == 0 || len >= sizeof(item) || *n >= max)
			return (-1);
		memcpy(item, p, len);
		item[len] = '\0';
		struct address_policy_net *net = &nets[*n];
		memset(net, 0, sizeof(*net));
		slash = strchr(item, '/');
		if (slash != NULL)
			*slash = '\0';
		if (inet_pton(AF_INET, item, net->addr) == 1)
			net->family = AF_INET;
		else if (inet_pton(AF_INET6, item, net->addr) == 1)
			net->family = AF_INET6;
		else
			return (-1);
		prefix = net->family == AF_INET ? 32 : 128;
		if (slash != NULL) {
			char *e;

			prefix = strtol(slash + 1, &e, 10);
			if (*e != '\0' || slash[1] == '\0' || prefix < 0 ||
			    prefix > (net->family == AF_INET ? 32 : 128))
				return (-1);
		}
		net->prefix = (int)prefix;
		(*n)++;
		p = end ? end + 1 : NULL;
		if (p != NULL && *p == '\0')
			return (-1);              /* a trailing comma */
	}
	return (0);
}

static int
net_contains(const unsigned char *net, int prefix, const unsigned char *a)
{
	int full = prefix / 8, rest = prefix % 8;

	if (memcmp(net, a, (size_t)full) != 0)
		return (0);
	if (rest == 0)
		return (1);
	return (((net[full] ^ a[full]) & (0xff << (8 - rest)) & 0xff) == 0);
}

/* Whether an IPv4 address (network order bytes) is public. */
static int
v4_public(const unsigned char *a)
{
	static const struct { unsigned char net[4]; int prefix; } blocked[] = {
		{{0, 0, 0, 0}, 8}, {{10, 0, 0, 0}, 8}, {{100, 64, 0, 0}, 10},
		{{127, 0, 0, 0}, 8}, {{169, 254, 0, 0}, 16}, {{172, 16, 0, 0}, 12},
		{{192, 0, 0, 0}, 24}, {{192, 168, 0, 0}, 16}, {{198, 18, 0, 0}, 15},
		{{224, 0, 0, 0}, 4}, {{240, 0, 0, 0}, 4},
	};
	size_t i;

	for (i = 0; i < sizeof(blocked) / sizeof(blocked[0]); i++)
		if (net_contains(blocked[i].net, blocked[i].prefix, a))
			return (0);
	return (1);
}

static int
v6_public(const unsigned char *a)
{
	static const unsigned char zero[16];
	static const unsigned char loop[16] = {[15] = 1};

	if (memcmp(a, zero, 16) == 0 || memcmp(a, loop, 16) == 0)
		return (0);
	if ((a[0] & 0xfe) == 0xfc)                     /* fc00::/7 unique local */
		return (0);
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)     /* fe80::/10 link-local */
		return (0);
	if (a[0] == 0xff)                              /* multicast */
		return (0);
	return (1);
}

/* The address bytes of sa and their family (IPv4-mapped IPv6 as IPv4); NULL for
 * another family. */
static const unsigned char *
address_bytes(const struct sockaddr *sa, int *family)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	const unsigned char *a;

	*family = sa->sa_family;
	if (*family == AF_INET)
		return ((const unsigned char *)
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr);
	if (*family != AF_INET6)
		return (NULL);
	a = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
	if (memcmp(a, mapped, 12) == 0) {
		*family = AF_INET;
		return (a + 12);
	}
	return (a);
}

static int
in_nets(const unsigned char *a, int family, const struct address_policy_net *nets,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (nets[i].family == family && net_contains(nets[i].addr, nets[i].prefix, a))
			return (1);
	return (0);
}

int
address_policy_in_nets(const struct sockaddr *sa, const struct address_policy_net *nets,
    size_t n)
{
	int family;
	const unsigned char *a = address_bytes(sa, &family);

	return (a != NULL && in_nets(a, family, nets, n));
}

int
address_policy_allowed(const struct sockaddr *sa, const struct address_policy_net *nets,
    size_t n)
{
	int family;
	const unsigned char *a = address_bytes(sa, &family);

	if (a == NULL)
		return (0);
	if (in_nets(a, family, nets, n))
		return (1);
	return (family == AF_INET ? v4_public(a) : v6_public(a));
}
