/*
 * IP blocklist lines (collector/blocklist): any bytes as the lines of a list. Checks: a
 * line read gives a network that reads back the same (canonical: host bits cleared)
 * and a printable reference; a refused line gives a reason.
 */
#include "tests/fuzz/fuzz.h"

#include <ctype.h>

#include "collector/blocklist.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blocklist_reader rd = {0}, again = {1};
	char net[BLOCKLIST_NET_MAX], net2[BLOCKLIST_NET_MAX], ref[BLOCKLIST_REF_MAX];
	char ref2[BLOCKLIST_REF_MAX], err[200];
	const char *p = (const char *)data, *end = p + size, *nl;
	size_t i;
	int r;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		err[0] = '\0';
		r = blocklist_line(&rd, p, (size_t)(nl - p), net, ref, err, sizeof(err));
		FUZZ_CHECK(r >= -1 && r <= 1);
		if (r < 0)
			FUZZ_CHECK(err[0] != '\0');
		if (r == 1) {
			for (i = 0; ref[i] != '\0'; i++)
				FUZZ_CHECK(isprint((unsigned char)ref[i]));
			FUZZ_CHECK(blocklist_line(&again, net, strlen(net), net2, ref2, err,
			    sizeof(err)) == 1 && strcmp(net, net2) == 0);
		}
		p = nl + 1;
	}
	return (0);
}
