#ifndef FAIRRATE_DNS_POLICY_H
#define FAIRRATE_DNS_POLICY_H

#include <stddef.h>

#include "collector/mail_auth.h"
#include "collector/scan_results.h"

/*
 * The DNS-published policies beyond SPF and DMARC, judged as their RFCs tell a sender
 * or a certificate authority to read them (pure: records come through the lookup
 * functions the caller passes; collector/dns_mail in production):
 *   MTA-STS (RFC 8461 3.1)   TXT at _mta-sts.DOMAIN: of the records that begin with
 *                            "v=STSv1;", exactly one, with an id of 1-32 letters and
 *                            digits; and (3.2, 3.3) the policy file at
 *                            https://mta-sts.DOMAIN/.well-known/mta-sts.txt, fetched
 *                            without redirects: version STSv1, a mode, max_age, and
 *                            mx patterns unless the mode is none. Otherwise there is
 *                            no policy; a policy in mode testing or none is not
 *                            enforced
 *   TLS-RPT (RFC 8460 3)     TXT at _smtp._tls.DOMAIN: of the records that begin with
 *                            "v=TLSRPTv1", exactly one, with rua= naming mailto: or
 *                            https: URIs
 *   CAA (RFC 8659 3)         the first non-empty CAA set found climbing from DOMAIN to
 *                            its registered domain; it restricts issuance only with an
 *                            issue or issuewild property
 *   DNSSEC                   the AD bit of a validating resolver's answer for DOMAIN
 *                            (only when such a resolver is configured)
 * MTA-STS and TLS-RPT concern mail delivered to DOMAIN: they are judged only for a
 * domain with MX records.
 */

#define DNS_CAA_MAX 8

struct dns_caa {
	unsigned flags;
	char tag[16];
	char value[256];
};

struct dns_caa_set {
	size_t n;
	struct dns_caa rr[DNS_CAA_MAX];
};

struct dns_policy_lookup {
	mail_auth_lookup_fn *txt;             /* TXT records */
	/* The number of MX records of name (0: none or no such name); 0, or -1. */
	int (*mx)(void *arg, const char *name, int *count);
	/* The CAA records of name (out->n 0: none); 0, or -1. */
	int (*caa)(void *arg, const char *name, struct dns_caa_set *out);
	/* Whether the validating resolver authenticated its answer for name (*ad);
	 * 0, or -1. NULL: no validating resolver, DNSSEC is not judged. */
	int (*secure)(void *arg, const char *name, int *ad);
	void *arg;                            /* for txt, mx and caa */
	void *secure_arg;                     /* for secure */
	/* The MTA-STS policy file of domain into body (size cap, NUL-terminated): 1
	 * fetched (HTTP 200), 0 the server gave none (the reason in err: a status, a
	 * certificate, no such host), -1 no conclusion (a timeout, a refused address).
	 * NULL: the record alone is judged. */
	int (*policy)(void *arg, const char *domain, char *body, size_t cap, char *err,
	    size_t errlen);
	void *policy_arg;
};

/* dns_policy_sts_media_type: whether a policy file's Content-Type (as sent, with its
 * parameters) is text/plain, which RFC 8461 3.3 requires: the media type before any
 * ';', without surrounding spaces, in any case. 1 or 0; an empty or NULL one is 0. */
int dns_policy_sts_media_type(const char *content_type);

/* dns_policy_sts_file: read an MTA-STS policy file (RFC 8461 3.2): its mode ("enforce",
 * "testing", "none") into mode (size n); 0, or -1 with the reason in err. */
int dns_policy_sts_file(const char *body, char *mode, size_t n, char *err, size_t errlen);

/* dns_policy_mta_sts: whether rec is a valid MTA-STS record; 0, or -1 with the reason
 * in err (size n). */
int dns_policy_mta_sts(const char *rec, char *err, size_t n);

/* dns_policy_tlsrpt: whether rec is a valid TLS-RPT record; 0, or -1 with the
 * reason in err. */
int dns_policy_tlsrpt(const char *rec, char *err, size_t n);

/* dns_policy_caa_rdata: one CAA record's RDATA (len bytes) into out; 0, or -1 when it
 * does not parse (a tag of 1-15 letters and digits, RFC 8659 4.1). */
int dns_policy_caa_rdata(const unsigned char *rd, size_t len, struct dns_caa *out);

/* dns_policy_run: judge domain's MTA-STS, TLS-RPT, CAA and DNSSEC and append the
 * results to out: email_auth.mta_sts_missing, email_auth.tls_rpt_missing,
 * email_auth.mta_sts_not_enforced (with a policy fetcher), tls.caa_missing,
 * email_auth.dnssec_unsigned. A check whose lookup failed is left
 * out. 0, or -1 when a lookup failed or out is full. */
int dns_policy_run(const char *domain, const struct dns_policy_lookup *l,
    struct scan_results *out);

#endif
