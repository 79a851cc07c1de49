/* VERIS incident records read as breaches rows. */
#include <criterion/criterion.h>
#include <string.h>

#include "collector/veris.h"

static int
read(const char *text, struct veris_breach *b, char *err)
{
	json_t *v = json_loads(text, 0, NULL);
	int rc;

	cr_assert_not_null(v, "%s", text);
	rc = veris_breach(v, b, err, 200);
	json_decref(v);
	return (rc);
}

Test(veris, kinds_severities_and_times)
{
	struct veris_breach b;
	char err[200];

	cr_assert_eq(read("{\"incident_id\":\"x\",\"victim\":{\"victim_id\":\"Acme\"},"
	    "\"timeline\":{\"incident\":{\"year\":2025,\"month\":6,\"day\":3}},"
	    "\"action\":{\"malware\":{\"variety\":[\"Ransomware\"]}},"
	    "\"plus\":{\"created\":\"2025-07-01T10:00:00Z\"}}", &b, err), 0, "%s", err);
	cr_expect_str_eq(b.kind, "ransomware");
	cr_expect_str_eq(b.severity, "high", "ransomware without a record count");
	cr_expect_str_eq(b.occurred_at, "2025-06-03T00:00:00Z");
	cr_expect_str_eq(b.disclosed_at, "2025-07-01T00:00:00Z");
	cr_expect_str_eq(b.external_ref, "x");
	cr_assert_eq(read("{\"victim\":{\"victim_id\":\"Acme\"},\"timeline\":{\"incident\":"
	    "{\"year\":2024}},\"action\":{\"error\":{}},\"attribute\":{\"confidentiality\":"
	    "{\"data_disclosure\":\"Yes\",\"data_total\":2000000}}}", &b, err), 0);
	cr_expect_str_eq(b.kind, "data_exposure");
	cr_expect_str_eq(b.severity, "critical");
	cr_expect_str_eq(b.records, "2000000");
	cr_expect_str_eq(b.occurred_at, "2024-01-01T00:00:00Z", "month and day default");
	cr_expect_str_eq(b.disclosed_at, "");
	cr_assert_eq(read("{\"victim\":{\"victim_id\":\"Acme\"},\"timeline\":{\"incident\":"
	    "{\"year\":2024}},\"action\":{\"error\":{},\"hacking\":{}},\"attribute\":"
	    "{\"confidentiality\":{\"data_disclosure\":\"No\"}}}", &b, err), 0);
	cr_expect_str_eq(b.kind, "breach", "hacking too: not a mere exposure");
	cr_expect_str_eq(b.severity, "low");
	cr_expect_eq(read("{\"victim\":{\"victim_id\":\"Acme\"},\"timeline\":{\"incident\":"
	    "{\"month\":3}}}", &b, err), -1);
	cr_expect(strstr(err, "timeline.incident") != NULL, "%s", err);
	cr_expect_eq(read("{\"timeline\":{\"incident\":{\"year\":2024}}}", &b, err), -1);
	cr_expect(strstr(err, "victim.victim_id") != NULL, "%s", err);
	cr_expect_eq(read("[1]", &b, err), -1);
}

Test(veris, a_long_summary_is_cut_between_characters)
{
	struct veris_breach b;
	char text[3000], err[200];
	size_t i, n;

	n = (size_t)snprintf(text, sizeof(text), "{\"victim\":{\"victim_id\":\"A\"},"
	    "\"timeline\":{\"incident\":{\"year\":2024}},\"summary\":\"x");
	for (i = 0; i < 600; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "\xe3\x81\x82");
	snprintf(text + n, sizeof(text) - n, "\"}");
	cr_assert_eq(read(text, &b, err), 0, "%s", err);
	cr_expect_eq((strlen(b.summary) - 1) % 3, 0, "whole characters only (%zu bytes)",
	    strlen(b.summary));
}
