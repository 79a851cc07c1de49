#ifndef FAIRRATE_DISCOVERY_H
#define FAIRRATE_DISCOVERY_H

#include <stddef.h>

/*
 * Asset discovery's pure part: host names found from a company's seed domains, each
 * with the sources it was found by and the attribution rule that makes it the
 * company's (docs/collector.md "Asset discovery"):
 *
 *   rule               confidence  when
 *   confirmed          1.0         the company confirmed the name (API, portal)
 *   registered_domain  0.9         the name is under the registered domain of a seed
 *   certificate_san    0.5         another registered domain, named only by a
 *                                  certificate that also names a seed's domain
 *   third_party        0.2         another registered domain, reached only through the
 *                                  company's DNS: a CNAME target (a CDN), an MX, NS or
 *                                  SPF include host (a provider)
 *
 * A name counts (becomes an attributed asset) at DISCOVERY_MIN_CONFIDENCE and above;
 * the rest are candidates the company sees and may confirm. Seeds are the company's
 * attributed domains of at least that confidence.
 */

#define DISCOVERY_MIN_CONFIDENCE 0.9
#define DISCOVERY_NAME_MAX 254

enum discovery_rule {
	DISCOVERY_CONFIRMED = 0,
	DISCOVERY_REGISTERED_DOMAIN,
	DISCOVERY_CERTIFICATE_SAN,
	DISCOVERY_THIRD_PARTY
};

/* Where a name was found (a bit mask of these). */
enum discovery_source {
	DISCOVERY_SRC_DNS = 1,                /* A/AAAA of a seed, CNAME, MX, NS, SPF */
	DISCOVERY_SRC_CT = 2,                 /* certificate transparency */
	DISCOVERY_SRC_WORDLIST = 4            /* a common host name that resolves */
};

/* discovery_rule_name: "confirmed", "registered_domain", "certificate_san",
 * "third_party". */
const char *discovery_rule_name(enum discovery_rule r);

/* discovery_confidence: the rule's confidence. */
double discovery_confidence(enum discovery_rule r);

/* discovery_name: host in canonical form into out: lower case, no trailing dot, a
 * leading "*." dropped; 0, or -1 when it is not a host name (labels of 1-63 letters,
 * digits, '-' and '_', at most 253 characters, two labels at least). */
int discovery_name(const char *host, char out[DISCOVERY_NAME_MAX]);

/* The names found so far for one company: a set keyed by name. */
struct discovery_found {
	char name[DISCOVERY_NAME_MAX];
	enum discovery_rule rule;
	unsigned sources;
	int live;                             /* resolves now: names found by DNS or the
	                                         wordlist; the caller checks CT names.
	                                         Only live names are attributed */
};

struct discovery_set {
	size_t n, cap, max;                   /* max: the cap on names (0: 10,000) */
	struct discovery_found *items;
	size_t dropped;                       /* names refused at the cap */
	char (*seeds)[DISCOVERY_NAME_MAX];    /* the seeds' registered domains */
	size_t nseeds;
};

/* discovery_set_init: an empty set for the seed domains seeds[0..n) (their registered
 * domains are kept); max names at most. 0, or -1 when memory is short. */
int discovery_set_init(struct discovery_set *s, const char *const *seeds, size_t n,
    size_t max);

/* discovery_set_free: release s. */
void discovery_set_free(struct discovery_set *s);

/* discovery_owned: whether name is under a seed's registered domain. */
int discovery_owned(const struct discovery_set *s, const char *name);

/* discovery_add: record host found by source. with_seed says, for a certificate,
 * whether the same certificate names an owned domain (a certificate naming none of the
 * company's domains says nothing about it and is ignored). The rule is the strongest
 * the evidence allows: registered_domain for owned names, else certificate_san for a
 * certificate with a seed, else third_party for DNS references; a wordlist name must
 * be owned. 1 added or strengthened, 0 ignored, -1 when memory is short. */
int discovery_add(struct discovery_set *s, const char *host, enum discovery_source source,
    int with_seed);

/* discovery_cert_fn: one certificate's names (its subjectAltName DNS names and
 * common name, names[0..n)); 0, or -1 to stop (memory). */
typedef int discovery_cert_fn(void *arg, const char *const *names, size_t n);

/* discovery_certificate: a discovery_cert_fn adding one certificate's names to the
 * set arg: owned names, and the other names as certificate_san when the certificate
 * names an owned domain. 0, or -1 when memory is short. */
int discovery_certificate(void *set, const char *const *names, size_t n);

/* The certificates of the CT sources every company shares (files, a log), read once
 * and offered to each company's set. */
struct discovery_certs {
	char *names;                          /* every name, each ended by '\0' */
	size_t len, cap;
	size_t *count;                        /* names of each certificate, in order */
	size_t n, ncap;
};

/* discovery_certs_keep: a discovery_cert_fn keeping one certificate in the struct
 * discovery_certs arg (zeroed before the first). 0, or -1 when memory is short. */
int discovery_certs_keep(void *certs, const char *const *names, size_t n);

/* discovery_certs_offer: every kept certificate to s, as discovery_certificate does.
 * 0, or -1 when memory is short. */
int discovery_certs_offer(const struct discovery_certs *c, struct discovery_set *s);

/* discovery_certs_free: release c's memory; c is empty after. */
void discovery_certs_free(struct discovery_certs *c);

/* discovery_ct_json: the certificates of a certificate-transparency search in the
 * JSON crt.sh serves (an array of objects with "name_value", names separated by
 * newlines, and "common_name"), len bytes, handed to cert one by one. Returns the
 * number of certificates read, or -1 with the reason in err when the text is not
 * that JSON. */
long discovery_ct_json(const char *text, size_t len, discovery_cert_fn *cert, void *arg,
    char *err, size_t errlen);

/* discovery_wordlist_line: one line of a wordlist file: the label into out (lower
 * case); 1, 0 for a blank or '#' line, -1 when it is not a DNS label. */
int discovery_wordlist_line(const char *line, char out[64]);

#endif
