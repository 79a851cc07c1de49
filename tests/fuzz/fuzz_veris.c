/*
 * VERIS incident records (collector/veris): any bytes as a record. Checks: a record
 * read has a kind and severity of the breaches row, times in the form the importer
 * reads, and a summary that is whole UTF-8; a refused one has a reason.
 */
#include "tests/fuzz/fuzz.h"

#include "collector/veris.h"
#include "common/utf8.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *v = json_loadb((const char *)data, size, 0, NULL);
	struct veris_breach b;
	char err[300] = "";

	if (v == NULL)
		return (0);
	if (veris_breach(v, &b, err, sizeof(err)) != 0)
		FUZZ_CHECK(err[0] != '\0');
	else {
		FUZZ_CHECK(strcmp(b.kind, "breach") == 0 || strcmp(b.kind, "ransomware") == 0 ||
		    strcmp(b.kind, "data_exposure") == 0);
		FUZZ_CHECK(strlen(b.occurred_at) == 20 && b.occurred_at[19] == 'Z');
		FUZZ_CHECK(b.disclosed_at[0] == '\0' || strlen(b.disclosed_at) == 20);
		FUZZ_CHECK(utf8_valid(b.summary, strlen(b.summary)));
	}
	json_decref(v);
	return (0);
}
