#include "collector/claim_fetch.h"

#include <stdio.h>
#include <string.h>

int
claim_fetch_domain_valid(const char *s)
{
	size_t len = strlen(s), label = 0, labels = 0, i;
	int digits_only = 1;

	if (len == 0 || len > CLAIM_DOMAIN_MAX)
		return (0);
	for (i = 0; i <= len; i++) {
		char c = s[i];

		if (c == '.' || c == '\0') {
			if (label == 0 || label > 63 || s[i - 1] == '-')
				return (0);
			labels++;
			if (c == '\0')
				break;
			label = 0;
			digits_only = 1;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return (0);
		if (label == 0 && c == '-')
			return (0);
		if (!(c >= '0' && c <= '9'))
			digits_only = 0;
		label++;
	}
	return (labels >= 2 && !digits_only);
}

int
claim_fetch_token_found(const char *body, size_t len, const char *token)
{
	size_t tlen = strlen(token), i = 0;

	while (i < len) {
		size_t start = i, end;

		while (i < len && body[i] != '\n')
			i++;
		end = i;
		i++;                            /* past the LF */
		while (start < end && (body[start] == ' ' || body[start] == '\t'))
			start++;
		while (end > start && (body[end - 1] == ' ' || body[end - 1] == '\t' ||
		    body[end - 1] == '\r'))
			end--;
		if (tlen > 0 && end - start == tlen && memcmp(body + start, token, tlen) == 0)
			return (1);
	}
	return (0);
}

int
claim_fetch_url(const char *domain, char *out, size_t n)
{
	int w = snprintf(out, n, "https://%s%s", domain, CLAIM_FETCH_PATH);

	return (w < 0 || (size_t)w >= n ? -1 : 0);
}

enum outbound_result
claim_fetch(const struct outbound_config *cfg, const char *domain, const char *token,
    int *found, long *status)
{
	struct outbound_response resp;
	enum outbound_result res;
	char url[CLAIM_DOMAIN_MAX + 64];

	*found = 0;
	*status = 0;
	if (!claim_fetch_domain_valid(domain) || claim_fetch_url(domain, url, sizeof(url)) != 0)
		return (OUTBOUND_BAD_URL);
	res = outbound_request(cfg, url, NULL, 0, NULL, 1, CLAIM_FETCH_MAX_BYTES, &resp);
	*status = resp.status;
	if (res == OUTBOUND_OK && resp.status == 200)
		*found = claim_fetch_token_found(resp.body.data ? resp.body.data : "",
		    resp.body.len, token);
	outbound_response_free(&resp);
	return (res);
}
