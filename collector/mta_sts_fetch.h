#ifndef FAIRRATE_MTA_STS_FETCH_H
#define FAIRRATE_MTA_STS_FETCH_H

#include <stddef.h>

/*
 * The MTA-STS policy file of a domain, fetched as RFC 8461 3.3 has a sender fetch it:
 * https://mta-sts.DOMAIN/.well-known/mta-sts.txt, certificate verified, no redirect
 * followed, through the guarded outbound client (collector/outbound: the address
 * policy, timeouts, a capped body). The policy fetcher of struct dns_policy_lookup
 * (arg: a struct outbound_config).
 */

int mta_sts_fetch(void *arg, const char *domain, char *body, size_t cap, char *err,
    size_t errlen);

#endif
