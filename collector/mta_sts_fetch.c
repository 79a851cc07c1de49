#include "collector/mta_sts_fetch.h"

#include <stdio.h>
#include <string.h>

#include "collector/dns_policy.h"
#include "collector/outbound.h"

int
mta_sts_fetch(void *arg, const char *domain, char *body, size_t cap, char *err,
    size_t errlen)
{
	const struct outbound_config *cfg = arg;
	struct outbound_response resp;
	enum outbound_result r;
	char url[400];
	int rc;

	snprintf(url, sizeof(url), "https://mta-sts.%s/.well-known/mta-sts.txt", domain);
	memset(&resp, 0, sizeof(resp));
	r = outbound_request(cfg, url, NULL, 0, NULL, 0, cap - 1, &resp);
	switch (r) {
	case OUTBOUND_OK:
		if (resp.status != 200) {
			snprintf(err, errlen, "policy file: HTTP status %ld (a redirect is not"
			    " followed)", resp.status);
			rc = 0;
			break;
		}
		if (!dns_policy_sts_media_type(resp.content_type)) {
			snprintf(err, errlen, "policy file: served as '%.60s', not text/plain"
			    " (RFC 8461 3.3)", resp.content_type[0] ? resp.content_type :
			    "no Content-Type");
			rc = 0;
			break;
		}
		memcpy(body, resp.body.data, resp.body.len);
		body[resp.body.len] = '\0';
		rc = strlen(body) == resp.body.len ? 1 : 0;
		if (rc == 0)
			snprintf(err, errlen, "policy file: not text");
		break;
	case OUTBOUND_TLS:
		snprintf(err, errlen, "policy file: the certificate of mta-sts.%.200s does not"
		    " verify", domain);
		rc = 0;
		break;
	case OUTBOUND_NETWORK:
		snprintf(err, errlen, "policy file: mta-sts.%.200s cannot be reached", domain);
		rc = 0;
		break;
	case OUTBOUND_TOO_LARGE:
		snprintf(err, errlen, "policy file: larger than %zu bytes", cap - 1);
		rc = 0;
		break;
	default:
		/* A timeout, a refused address, a local failure: nothing is concluded. */
		rc = -1;
		break;
	}
	outbound_response_free(&resp);
	return (rc);
}
