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
#define DNS_MAX_ANSWERS 64
#define DNS_TYPE_CAA 257                        /* RFC 8659 */

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
dns_mail_answers(const unsigned char *msg, int len, unsigned type,
    const unsigned char **rd, size_t *rdlen, size_t max)
{
	const unsigned char *p = msg + 12, *end = msg + len, *rdata;
	unsigned qd, an, rtype, rl, i;
	int n = 0;

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
		rtype = (unsigned)(p[0] << 8 | p[1]);
		rl = (unsigned)(p[8] << 8 | p[9]);
		rdata = p + 10;
		if (rdata + rl > end)
			return (-1);
		p = rdata + rl;
		if (rtype != type)
			continue;
		if ((size_t)n < max) {
			rd[n] = rdata;
			rdlen[n] = rl;
		}
		n++;
	}
	return (n);
}

int
dns_mail_parse_txt(const unsigned char *msg, int len, struct mail_auth_txt *out)
{
	const unsigned char *rd[DNS_MAX_ANSWERS], *rdata, *p;
	size_t rl[DNS_MAX_ANSWERS], used, sl, take, k;
	int n;

	memset(out, 0, sizeof(*out));
	if ((n = dns_mail_answers(msg, len, ns_t_txt, rd, rl, DNS_MAX_ANSWERS)) < 0)
		return (-1);
	for (k = 0; k < (size_t)n && k < DNS_MAX_ANSWERS && out->n < MAIL_AUTH_MAX_RECORDS;
	    k++) {
		rdata = rd[k];
		p = rd[k] + rl[k];
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

/* Ask r for the records of type at name; the answer into answer (DNS_ANSWER bytes):
 * its length, with its response code and AD bit. -1 when no answer came. Unlike
 * res_nquery this keeps the header of a "no such name" or "no data" answer. */
static int
dns_mail_send(struct dns_mail *r, const char *name, int type, unsigned char *answer,
    int *rcode, int *ad)
{
	unsigned char q[512];
	int ql, len;

	ql = res_nmkquery(&r->res, ns_o_query, name, ns_c_in, type, NULL, 0, NULL, q,
	    sizeof(q));
	if (ql < 0)
		return (-1);
	len = res_nsend(&r->res, q, ql, answer, DNS_ANSWER);
	if (len < 12 || len > DNS_ANSWER)
		return (-1);
	*rcode = answer[3] & 0x0f;
	*ad = (answer[3] & 0x20) != 0;
	return (len);
}

/* The answers of type at name into answer; their count (0 for no such name or no
 * data), or -1 on a failure (no answer, server failure, refusal, malformed). */
static int
dns_mail_rrset(struct dns_mail *r, const char *name, int type, unsigned char *answer,
    const unsigned char **rd, size_t *rl, size_t max)
{
	int rcode, ad, len = dns_mail_send(r, name, type, answer, &rcode, &ad);

	if (len < 0)
		return (-1);
	if (rcode == ns_r_nxdomain)
		return (0);
	if (rcode != ns_r_noerror)
		return (-1);
	return (dns_mail_answers(answer, len, (unsigned)type, rd, rl, max));
}

int
dns_mail_mx(void *arg, const char *name, int *count)
{
	const unsigned char *rd[DNS_MAX_ANSWERS];
	unsigned char *answer = malloc(DNS_ANSWER);
	size_t rl[DNS_MAX_ANSWERS], k;
	int n = -1;

	*count = 0;
	if (answer != NULL)
		n = dns_mail_rrset(arg, name, ns_t_mx, answer, rd, rl, DNS_MAX_ANSWERS);
	/* A null MX (RFC 7505: preference 0, exchange ".") says the domain takes no
	 * mail: it is not a mail exchanger. */
	for (k = 0; n > 0 && k < (size_t)n && k < DNS_MAX_ANSWERS; k++)
		if (!(rl[k] == 3 && rd[k][2] == 0))
			(*count)++;
	free(answer);
	return (n < 0 ? -1 : 0);
}

int
dns_mail_caa(void *arg, const char *name, struct dns_caa_set *out)
{
	const unsigned char *rd[DNS_CAA_MAX];
	unsigned char *answer = malloc(DNS_ANSWER);
	size_t rl[DNS_CAA_MAX], k;
	int n = -1;

	memset(out, 0, sizeof(*out));
	if (answer != NULL)
		n = dns_mail_rrset(arg, name, DNS_TYPE_CAA, answer, rd, rl, DNS_CAA_MAX);
	/* A record that does not parse is not a property (RFC 8659 4.1): skip it. */
	for (k = 0; n > 0 && k < (size_t)n && k < DNS_CAA_MAX; k++)
		if (dns_policy_caa_rdata(rd[k], rl[k], &out->rr[out->n]) == 0)
			out->n++;
	free(answer);
	return (n < 0 ? -1 : 0);
}

int
dns_mail_names(void *arg, const char *name, int type, char (*out)[254], size_t max)
{
	const unsigned char *rd[DNS_MAX_ANSWERS];
	unsigned char *answer = malloc(DNS_ANSWER);
	size_t rl[DNS_MAX_ANSWERS], k, got = 0;
	int n = -1, skip = type == ns_t_mx ? 2 : 0;

	if (answer != NULL)
		n = dns_mail_rrset(arg, name, type, answer, rd, rl, DNS_MAX_ANSWERS);
	for (k = 0; n > 0 && k < (size_t)n && k < DNS_MAX_ANSWERS && out != NULL && got < max;
	    k++) {
		/* The names in RDATA may point back into the message (compression). */
		if (rl[k] <= (size_t)skip || dn_expand(answer, rd[k] + rl[k], rd[k] + skip,
		    out[got], 254) < 0 || out[got][0] == '\0')
			continue;         /* a null MX (".") or a name that does not expand */
		got++;
	}
	free(answer);
	return (n < 0 ? -1 : out != NULL ? (int)got : n);
}

int
dns_mail_resolves(void *arg, const char *name)
{
	static const int types[] = {ns_t_a, ns_t_aaaa};
	unsigned char *answer = malloc(DNS_ANSWER);
	int i, len, rcode, ad, rc = 0;

	if (answer == NULL)
		return (-1);
	for (i = 0; i < 2 && rc == 0; i++) {
		if ((len = dns_mail_send(arg, name, types[i], answer, &rcode, &ad)) < 0 ||
		    (rcode != ns_r_noerror && rcode != ns_r_nxdomain)) {
			rc = -1;
			break;
		}
		if (rcode == ns_r_nxdomain)
			break;                /* no such name: no other type either */
		/* Any answer: the address, or the CNAME the resolver followed. */
		if ((answer[6] << 8 | answer[7]) > 0)
			rc = 1;
	}
	free(answer);
	return (rc);
}

int
dns_mail_secure(void *arg, const char *name, int *ad)
{
	unsigned char *answer = malloc(DNS_ANSWER);
	int rcode = -1, len = -1;

	*ad = 0;
	if (answer != NULL)
		len = dns_mail_send(arg, name, ns_t_soa, answer, &rcode, ad);
	free(answer);
	/* A validating resolver answers SERVFAIL for what does not validate: no verdict
	 * on the name itself, but not a missing signature either. */
	return (len < 0 || (rcode != ns_r_noerror && rcode != ns_r_nxdomain) ? -1 : 0);
}

int
dns_mail_validating(struct dns_mail *r)
{
	/* glibc clears the AD bit of answers unless told to trust the resolver, and
	 * then also sets AD in the query (RFC 6840 5.7: asks for it back). */
	r->res.options |= RES_TRUSTAD;
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
