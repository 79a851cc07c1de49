#include "collector/dns_mail.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <netdb.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

#define DNS_ANSWER 8192

struct dns_mail {
	struct __res_state res;
};

struct dns_mail *
dns_mail_new(const char *nameserver, int timeout_s, int tries)
{
	struct dns_mail *r;
	struct sockaddr_in sa;
	char host[64], *colon;
	long port = 53;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		log_error("scan: out of memory");
		return (NULL);
	}
	if (res_ninit(&r->res) != 0) {
		log_error("scan: cannot initialise the DNS resolver");
		free(r);
		return (NULL);
	}
	r->res.retrans = timeout_s > 0 ? timeout_s : 2;
	r->res.retry = tries > 0 ? tries : 2;
	r->res.options &= ~(unsigned long)(RES_DNSRCH | RES_DEFNAMES);
	if (nameserver != NULL) {
		snprintf(host, sizeof(host), "%s", nameserver);
		if ((colon = strchr(host, ':')) != NULL) {
			*colon = '\0';
			port = strtol(colon + 1, NULL, 10);
		}
		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_port = htons((unsigned short)port);
		if (port <= 0 || port > 65535 || inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
			log_error("scan: bad nameserver '%s' (IPv4 or IPv4:PORT)", nameserver);
			dns_mail_free(r);
			return (NULL);
		}
		r->res.nscount = 1;
		r->res.nsaddr_list[0] = sa;
	}
	return (r);
}

void
dns_mail_free(struct dns_mail *r)
{
	if (r == NULL)
		return;
	res_nclose(&r->res);
	free(r);
}

/* Skip a (possibly compressed) name at p; the byte after it, or NULL. */
static const unsigned char *
dns_skip_name(const unsigned char *p, const unsigned char *end)
{
	while (p < end) {
		if (*p == 0)
			return (p + 1);
		if ((*p & 0xc0) == 0xc0)
			return (p + 2 <= end ? p + 2 : NULL);
		if ((*p & 0xc0) != 0)
			return (NULL);
		p += 1 + *p;
	}
	return (NULL);
}

int
dns_mail_parse_txt(const unsigned char *msg, int len, struct mail_auth_txt *out)
{
	const unsigned char *p = msg + 12, *end = msg + len, *rdata;
	unsigned qd, an, type, rdlen, i;
	size_t used, sl, take;

	memset(out, 0, sizeof(*out));
	if (len < 12)
		return (-1);
	qd = (unsigned)(msg[4] << 8 | msg[5]);
	an = (unsigned)(msg[6] << 8 | msg[7]);
	for (i = 0; i < qd; i++)
		if ((p = dns_skip_name(p, end)) == NULL || (p += 4) > end)
			return (-1);
	for (i = 0; i < an; i++) {
		if ((p = dns_skip_name(p, end)) == NULL || p + 10 > end)
			return (-1);
		type = (unsigned)(p[0] << 8 | p[1]);
		rdlen = (unsigned)(p[8] << 8 | p[9]);
		rdata = p + 10;
		if (rdata + rdlen > end)
			return (-1);
		p = rdata + rdlen;
		if (type != ns_t_txt || out->n >= MAIL_AUTH_MAX_RECORDS)
			continue;
		used = 0;
		out->too_long[out->n] = 0;
		while (rdata < p) {
			sl = *rdata++;
			if (rdata + sl > p)
				return (-1);
			if (!out->too_long[out->n]) {
				/* Past the cap, keep what fits and say so: no later string is
				 * appended to a record that is missing one. */
				take = sl;
				if (used + take >= MAIL_AUTH_MAX_TXT) {
					take = MAIL_AUTH_MAX_TXT - 1 - used;
					out->too_long[out->n] = 1;
				}
				memcpy(out->rec[out->n] + used, rdata, take);
				used += take;
			}
			rdata += sl;
		}
		out->rec[out->n][used] = '\0';
		/* A record with a NUL inside is not text: drop it. */
		if (strlen(out->rec[out->n]) == used)
			out->n++;
	}
	return (0);
}

int
dns_mail_lookup(void *arg, const char *name, struct mail_auth_txt *out)
{
	struct dns_mail *r = arg;
	unsigned char *answer;
	int len, rc = -1;

	out->n = 0;
	if ((answer = malloc(DNS_ANSWER)) == NULL)
		return (-1);
	len = res_nquery(&r->res, name, ns_c_in, ns_t_txt, answer, DNS_ANSWER);
	if (len < 0) {
		/* No such name and no data are answers; the rest are failures. */
		rc = (r->res.res_h_errno == HOST_NOT_FOUND || r->res.res_h_errno == NO_DATA) ?
		    0 : -1;
		goto done;
	}
	/* A TCP answer longer than the buffer is cut to fit, yet its whole length is
	 * returned: it is not all here, and parsing len bytes would read past answer. */
	if (len > DNS_ANSWER)
		goto done;
	rc = dns_mail_parse_txt(answer, len, out);
done:
	free(answer);
	return (rc);
}
