/*
 * The readers of the patching data sets (collector/advisories) and the version
 * comparison (collector/versions): any bytes as an endoflife.date, KEV or OSV
 * document, and as two versions. Checks: a reader gives rows or a reason; every
 * cycle row names a valid version; version comparison is antisymmetric and a version
 * equals itself.
 */
#include "tests/fuzz/fuzz.h"

#include "collector/advisories.h"
#include "collector/versions.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *doc = json_loadb((const char *)data, size, 0, NULL), *rows, *row;
	char err[300], *a, *b;
	size_t skipped, i, cut;

	if (doc != NULL) {
		err[0] = '\0';
		rows = advisories_endoflife(doc, err, sizeof(err));
		FUZZ_CHECK(rows != NULL || err[0] != '\0');
		json_array_foreach(rows, i, row)
			FUZZ_CHECK(versions_valid(json_string_value(json_object_get(row, "cycle"))));
		json_decref(rows);
		err[0] = '\0';
		rows = advisories_kev(doc, err, sizeof(err));
		FUZZ_CHECK(rows != NULL || err[0] != '\0');
		json_decref(rows);
		err[0] = '\0';
		rows = advisories_osv(doc, &skipped, err, sizeof(err));
		FUZZ_CHECK(rows != NULL || err[0] != '\0');
		json_array_foreach(rows, i, row)
			(void)advisories_osv_affects(json_object_get(row, "ranges"),
			    json_object_get(row, "versions"), "1.2.3");
		json_decref(rows);
		json_decref(doc);
	}
	cut = size / 2;
	a = fuzz_strndup(data, cut);
	b = fuzz_strndup(data + cut, size - cut);
	FUZZ_CHECK(versions_compare(a, b) == -versions_compare(b, a));
	FUZZ_CHECK(versions_compare(a, a) == 0);
	free(a);
	free(b);
	return (0);
}
