/*
 * Registered domains (common/regdomain) of any host text, as imports, the API's
 * domain lookups and the mail checks pass them. Checks: a registered domain fits its
 * cap, is lower case, ends the host (after lower-casing, without a trailing dot) at
 * a label boundary, is its own registered domain, and never overruns a smaller
 * buffer.
 */
#include "tests/fuzz/fuzz.h"

#include <ctype.h>

#include "common/regdomain.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *host = fuzz_strndup(data, size), out[REGDOMAIN_MAX], again[REGDOMAIN_MAX];
	char *lower, *small;
	size_t hl, ol, i;

	if (regdomain_of(host, out, sizeof(out)) == 0) {
		ol = strlen(out);
		FUZZ_CHECK(ol > 0 && ol < REGDOMAIN_MAX);
		for (i = 0; i < ol; i++)
			FUZZ_CHECK(!isupper((unsigned char)out[i]));
		FUZZ_CHECK(regdomain_is_registered(out) == 1);
		FUZZ_CHECK(regdomain_of(out, again, sizeof(again)) == 0 && strcmp(again, out) == 0);
		/* ASCII hosts: the result is a suffix of the host at a label boundary. */
		lower = strdup(host);
		FUZZ_CHECK(lower != NULL);
		for (i = 0; lower[i] != '\0'; i++)
			lower[i] = (char)tolower((unsigned char)lower[i]);
		hl = strlen(lower);
		if (hl > 0 && lower[hl - 1] == '.')
			lower[--hl] = '\0';
		for (i = 0; i < hl && (unsigned char)lower[i] < 0x80; i++)
			;
		if (i == hl)
			FUZZ_CHECK(hl >= ol && strcmp(lower + hl - ol, out) == 0 &&
			    (hl == ol || lower[hl - ol - 1] == '.'));
		free(lower);
		FUZZ_CHECK((small = malloc(ol)) != NULL);
		FUZZ_CHECK(regdomain_of(host, small, ol) == -1);
		free(small);
	}
	free(host);
	return (0);
}
