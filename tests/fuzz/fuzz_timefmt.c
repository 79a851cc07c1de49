/*
 * Times at every edge (common/timefmt): import and feed columns, query values,
 * methodology effective_at. Checks: a time that parses formats to
 * YYYY-MM-DDTHH:MM:SSZ, and that text parses back to the same second and formats
 * the same again.
 */
#include "tests/fuzz/fuzz.h"

#include "common/timefmt.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size), out[21], again_out[21];
	int64_t t, again;

	if (timefmt_parse(s, &t) == 0) {
		timefmt_format(t, out);
		FUZZ_CHECK(strlen(out) == 20 && out[4] == '-' && out[10] == 'T' && out[19] == 'Z');
		FUZZ_CHECK(timefmt_parse(out, &again) == 0 && again == t);
		timefmt_format(again, again_out);
		FUZZ_CHECK(strcmp(out, again_out) == 0);
	}
	free(s);
	return (0);
}
