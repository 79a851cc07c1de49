/*
 * The small parsers of request headers, path parameters and query values (api/auth,
 * api/http_json, api/paging, api/router, rater/governance): the first byte picks one,
 * the rest is its text. Checks: Content-Type matching ignores case; a bearer key that
 * parses has a 12-character [a-z0-9] prefix and a 64-digit hex hash; ?limit and the
 * notice period accept only decimals within their ranges; a path parameter
 * accepted by name has the documented shape.
 */
#include "tests/fuzz/fuzz.h"

#include <ctype.h>
#include <inttypes.h>

#include "api/auth.h"
#include "api/http_json.h"
#include "api/paging.h"
#include "api/router.h"
#include "rater/governance.h"

static int
all_of(const char *s, const char *set)
{
	return (strspn(s, set) == strlen(s));
}

static void
check_param(const char *name, const char *v)
{
	size_t n = strlen(v);

	if (!router_param_valid(name, v))
		return;
	FUZZ_CHECK(n >= 1 && n < ROUTER_VALUE_MAX);
	if (strcmp(name, "slug") == 0)
		FUZZ_CHECK(n <= 63 && v[0] != '-' && all_of(v, "abcdefghijklmnopqrstuvwxyz0123456789-"));
	else if (strcmp(name, "id") == 0)
		FUZZ_CHECK(n <= 18 && all_of(v, "0123456789") && strtoll(v, NULL, 10) > 0);
	else if (strcmp(name, "sector") == 0)
		FUZZ_CHECK(n <= 40 && islower((unsigned char)v[0]) &&
		    all_of(v, "abcdefghijklmnopqrstuvwxyz0123456789_"));
	else if (strcmp(name, "version") == 0)
		FUZZ_CHECK(all_of(v, "0123456789.") && strchr(v, '.') != NULL);
	else
		FUZZ_CHECK(n <= 64 && all_of(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789._-"));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char key[AUTH_KEY_SIZE], prefix[AUTH_PREFIX_LEN + 1], hash[AUTH_HASH_SIZE];
	char *s, *upper;
	unsigned limit;
	size_t i;
	int days;

	if (size < 1)
		return (0);
	s = fuzz_strndup(data + 1, size - 1);
	switch (data[0] % 5) {
	case 0:                               /* Content-Type */
		upper = strdup(s);
		FUZZ_CHECK(upper != NULL);
		for (i = 0; upper[i] != '\0'; i++)
			upper[i] = (char)toupper((unsigned char)upper[i]);
		FUZZ_CHECK(http_json_is_json(s) == http_json_is_json(upper));
		free(upper);
		break;
	case 1:                               /* Authorization */
		if (auth_bearer(s, key) != 0)
			break;
		FUZZ_CHECK(memchr(key, '\0', sizeof(key)) != NULL);
		if (auth_key_parse(key, prefix, hash) != 0)
			break;
		FUZZ_CHECK(strlen(prefix) == AUTH_PREFIX_LEN &&
		    all_of(prefix, "abcdefghijklmnopqrstuvwxyz0123456789"));
		FUZZ_CHECK(strlen(hash) == 64 && all_of(hash, "0123456789abcdef"));
		break;
	case 2:                               /* ?limit */
		if (paging_limit(s, &limit) != 0)
			break;
		FUZZ_CHECK(limit >= 1 && limit <= PAGING_MAX_LIMIT);
		FUZZ_CHECK(all_of(s, "0123456789") && strtoul(s, NULL, 10) == limit);
		break;
	case 3:                               /* notice_days */
		if (governance_notice_days_parse(s, &days) != 0 || s[0] == '\0')
			break;
		FUZZ_CHECK(days >= 0 && days <= GOVERNANCE_MAX_NOTICE_DAYS);
		FUZZ_CHECK(strtol(s, NULL, 10) == days);
		break;
	default:                              /* a path parameter, by each name */
		check_param("slug", s);
		check_param("id", s);
		check_param("sector", s);
		check_param("version", s);
		check_param("key", s);
		break;
	}
	free(s);
	return (0);
}
