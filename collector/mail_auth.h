#ifndef FAIRRATE_MAIL_AUTH_H
#define FAIRRATE_MAIL_AUTH_H

#include <stddef.h>

#include "collector/scan_results.h"

/*
 * SPF (RFC 7208) and DMARC (RFC 7489) records: parsing, policy strength, and the
 * count of DNS lookups an SPF evaluation needs (more than 10 is a permanent error).
 * Pure: TXT records come from a lookup function the caller passes (collector/dns_mail
 * in production, a table in the unit tests).
 */

#define MAIL_AUTH_MAX_RECORDS 8
#define MAIL_AUTH_MAX_TXT 4096                /* one TXT record, its strings joined
                                                 (RFC 7208 3.3): at most 4095 bytes */
#define MAIL_AUTH_MAX_LOOKUPS 10              /* RFC 7208 section 4.6.4 */
#define MAIL_AUTH_MAX_FETCHES 25              /* TXT fetches one SPF count may make */

/* The TXT records of one name. A record longer than MAIL_AUTH_MAX_TXT - 1 bytes is
 * marked too_long and rec holds its first MAIL_AUTH_MAX_TXT - 1 bytes: the checks
 * report it as too long to judge, never judge a part of it. */
struct mail_auth_txt {
	size_t n;
	char rec[MAIL_AUTH_MAX_RECORDS][MAIL_AUTH_MAX_TXT];
	unsigned char too_long[MAIL_AUTH_MAX_RECORDS];
};

/* mail_auth_lookup_fn: the TXT records of name into out (zeroed by the caller). 0
 * (out->n may be 0: no such name or no TXT), or -1 when the lookup failed (timeout,
 * server failure). */
typedef int mail_auth_lookup_fn(void *arg, const char *name, struct mail_auth_txt *out);

/* One SPF record, parsed. */
struct mail_auth_spf {
	int ok;                               /* it parses */
	char error[160];                      /* why not */
	char all;                             /* qualifier of "all": '+', '-', '~', '?',
	                                         or 0 when there is none */
	int lookups;                          /* terms of this record that cost a lookup */
	size_t nincludes;
	char includes[MAIL_AUTH_MAX_LOOKUPS + 1][254];
	char redirect[254];                   /* "" when none */
};

/* mail_auth_is_spf: whether a TXT record is an SPF record ("v=spf1" alone or
 * followed by a space, case-insensitive). */
int mail_auth_is_spf(const char *txt);

/* mail_auth_spf_parse: parse one SPF record into out. 0 when it parses, -1 when not
 * (out->error says why). */
int mail_auth_spf_parse(const char *record, struct mail_auth_spf *out);

/* The SPF verdict of a domain. */
struct mail_auth_spf_result {
	int present;                          /* one or more SPF records */
	int syntax_ok;                        /* exactly one, and it (and what it includes
	                                         or redirects to) parses */
	char error[200];
	char record[MAIL_AUTH_MAX_TXT];
	char all;                             /* effective "all" (after redirect), or 0 */
	int lookups;                          /* DNS lookups evaluation needs (stops
	                                         counting past the limit) */
	int weak;                             /* ends in +all or ?all, or in no all */
	int unevaluated;                      /* includes or redirects whose macros need
	                                         the message (%{i}, %{s}, ...): counted,
	                                         not looked up */
	int too_long;                         /* a record too long to hold: not judged */
	int all_unknown;                      /* the redirect that gives the "all" is one
	                                         of them: the policy cannot be judged */
};

/* mail_auth_spf_check: find and evaluate the SPF record of domain. 0, or -1 when a
 * lookup failed (nothing can be concluded). */
int mail_auth_spf_check(const char *domain, mail_auth_lookup_fn *lookup, void *arg,
    struct mail_auth_spf_result *out);

/* One DMARC record, parsed. */
struct mail_auth_dmarc {
	int ok;
	char error[160];
	char policy[12];                      /* "none", "quarantine", "reject" (lower
	                                         case, whatever the record's case) */
	char subdomain_policy[12];            /* "" when not given */
	int pct;                              /* 0..100; 100 when not given or invalid */
	int has_rua;                          /* rua names at least one valid URI */
	int policy_defaulted;                 /* p= (or sp=) was missing or invalid but a
	                                         valid rua was given: RFC 7489 6.6.3
	                                         step 6 reads the record as p=none */
};

/* mail_auth_is_dmarc: whether a TXT record claims to be DMARC ("v=DMARC1"). */
int mail_auth_is_dmarc(const char *txt);

/* mail_auth_dmarc_parse: parse one DMARC record into out as RFC 7489 reads it: tags
 * after v=DMARC1 (exactly that, first), unknown tags and an invalid pct ignored, rua
 * and ruf any URIs; a missing or invalid p= or sp= makes the record p=none when a
 * valid rua is given, and unusable when not. 0, or -1 (out->error) when unusable. */
int mail_auth_dmarc_parse(const char *record, struct mail_auth_dmarc *out);

/* mail_auth_run: look up domain's SPF and _dmarc.domain's DMARC records and append
 * the email_auth.* results to out. 0, or -1 when a lookup failed (what was concluded
 * before is kept; the rest is not observed). */
int mail_auth_run(const char *domain, mail_auth_lookup_fn *lookup, void *arg,
    struct scan_results *out);

#endif
