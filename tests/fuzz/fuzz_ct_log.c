/*
 * Certificate-transparency get-entries answers (collector/ct_log): any bytes as the
 * log's JSON. Checks: every certificate handed on has names that are NUL-terminated
 * and shorter than a DNS name's buffer; an answer refused has a reason.
 */
#include "tests/fuzz/fuzz.h"

#include "collector/ct_log.h"

static int
check(void *arg, const char *const *names, size_t n)
{
	size_t i;

	(void)arg;
	for (i = 0; i < n; i++)
		FUZZ_CHECK(strlen(names[i]) > 0 && strlen(names[i]) < DISCOVERY_NAME_MAX);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[300] = "";

	if (ct_log_entries((const char *)data, size, check, NULL, err, sizeof(err)) < 0)
		FUZZ_CHECK(err[0] != '\0');
	return (0);
}
