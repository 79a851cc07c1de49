#ifndef FAIRRATE_DNS_MAIL_H
#define FAIRRATE_DNS_MAIL_H

#include "collector/dns_policy.h"
#include "collector/mail_auth.h"

/*
 * DNS lookups for the mail and DNS-policy checks (TXT, MX, CAA, and the AD bit of a
 * validating resolver), through the C library's resolver (res_nquery, res_nsend),
 * asking one configurable nameserver (or the system's, from /etc/resolv.conf).
 * A resolver is used by one thread at a time.
 */

struct dns_mail;

/* dns_mail_new: a resolver asking nameserver ("IPv4" or "IPv4:PORT"; NULL: the
 * system's), waiting timeout_s seconds per try (0: 2), with tries attempts (0: 2).
 * NULL after logging. */
struct dns_mail *dns_mail_new(const char *nameserver, int timeout_s, int tries);

/* dns_mail_lookup: a mail_auth_lookup_fn (arg: the resolver): the TXT records of
 * name. No such name, or no TXT, is 0 with out->n = 0; a failure is -1. */
int dns_mail_lookup(void *arg, const char *name, struct mail_auth_txt *out);

/* dns_mail_parse_txt: the TXT records of the DNS answer msg (len bytes) into out,
 * each record's character-strings joined with nothing between them (RFC 7208 3.3);
 * a record past MAIL_AUTH_MAX_TXT - 1 bytes is marked too_long (see mail_auth_txt).
 * Records with a NUL byte are dropped; records past MAIL_AUTH_MAX_RECORDS are not
 * read. Pure. 0, or -1 when the message does not parse. */
int dns_mail_parse_txt(const unsigned char *msg, int len, struct mail_auth_txt *out);

/* dns_mail_answers: the RDATA of the answers of type in the DNS message msg (len
 * bytes): the first max into rd[] and rdlen[]. Returns how many answers of type there
 * are (also past max), or -1 when the message does not parse. Pure. */
int dns_mail_answers(const unsigned char *msg, int len, unsigned type,
    const unsigned char **rd, size_t *rdlen, size_t max);

/* dns_mail_mx, dns_mail_caa: the lookups of struct dns_policy_lookup (arg: the
 * resolver). No such name or no data is 0 with nothing found. */
int dns_mail_mx(void *arg, const char *name, int *count);
int dns_mail_caa(void *arg, const char *name, struct dns_caa_set *out);

/* dns_mail_names: the records of type (ns_t_a, ns_t_aaaa: counted only; ns_t_cname,
 * ns_t_mx, ns_t_ns: the names they hold, into out[0..max)) at name (arg: the
 * resolver). Returns how many (names written, or records for out NULL), 0 for no such
 * name or no data, -1 on a failure. */
int dns_mail_names(void *arg, const char *name, int type, char (*out)[254], size_t max);

/* dns_mail_resolves: whether name has an address (an A or AAAA answer, or a CNAME the
 * resolver followed) at the resolver arg: 1, 0 (no such name, or no address), -1 on a
 * failure. "No such name" for A ends it without an AAAA query. */
int dns_mail_resolves(void *arg, const char *name);

/* dns_mail_validating: r is a validating resolver: its AD bit is trusted (glibc's
 * trust-ad). 0. */
int dns_mail_validating(struct dns_mail *r);

/* dns_mail_secure: the secure lookup of struct dns_policy_lookup (arg: a resolver
 * made validating): whether its answer for name's SOA was authenticated. */
int dns_mail_secure(void *arg, const char *name, int *ad);

/* dns_mail_free: release r; NULL is a no-op. */
void dns_mail_free(struct dns_mail *r);

#endif
