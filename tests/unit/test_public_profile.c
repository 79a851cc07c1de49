/* The public page copies named fields only: whatever else its sources hold (counts of
 * findings, a host name) never reaches it; the trend is capped; only verified
 * disclosures show. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "disclosure/public_profile.h"

Test(public_profile, named_fields_only)
{
	json_t *summary = json_loads("{\"slug\": \"acme\", \"name\": \"Acme\", \"sector\":"
	    " \"finance\", \"country\": \"JP\", \"status\": \"rated\", \"score\": 81.5,"
	    " \"grade\": \"B\", \"confidence\": \"high\", \"methodology_version\": \"2026.1\","
	    " \"as_of\": \"2026-03-01T00:00:00Z\", \"disputed\": true, \"hostname\":"
	    " \"secret-host.example\", \"factors\": {\"tls\": {\"name\": \"TLS\", \"kind\":"
	    " \"penalty\", \"has_data\": true, \"score\": 70, \"weight\": 0.2,"
	    " \"findings_by_severity\": {\"high\": 1}, \"disputed\": false,"
	    " \"host\": \"secret-host.example\"}}}", 0, NULL);
	json_t *history = json_array(), *disclosures = json_loads("{\"company\": \"acme\","
	    " \"items\": [{\"item\": \"basic_policy\", \"check_code\":"
	    " \"governance.basic_policy\", \"status\": \"verified\", \"statement\": \"s\","
	    " \"publication\": {\"url\": \"https://a.example\"}, \"certification\": null,"
	    " \"verified_at\": \"2026-02-01T00:00:00Z\"}, {\"item\": \"education_training\","
	    " \"status\": \"submitted\", \"statement\": null}]}", 0, NULL);
	json_t *page, *tls;
	char *text;
	int i;

	cr_assert_not_null(summary);
	cr_assert_not_null(disclosures);
	for (i = 0; i < PUBLIC_PROFILE_TREND + 5; i++)
		json_array_append_new(history, json_pack("{s:s, s:s, s:f, s:s, s:s}", "as_of",
		    "2026-01-01T00:00:00Z", "status", "rated", "score", 80.0, "grade", "B",
		    "reason", "new_evidence"));
	page = public_profile_build(summary, history, disclosures, "Our statement.",
	    "2026-03-01T00:00:00Z");
	cr_assert_not_null(page);
	text = json_dumps(page, JSON_COMPACT);
	cr_assert_null(strstr(text, "secret-host"), "%s", text);
	cr_assert_null(strstr(text, "findings_by_severity"), "%s", text);
	cr_assert_null(strstr(text, "\"reason\""), "%s", text);
	cr_assert_null(strstr(text, "education_training"), "%s", text);
	cr_assert_null(strstr(text, "JP"), "%s", text);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(page, "rating"),
	    "grade")), "B");
	tls = json_object_get(json_object_get(page, "factors"), "tls");
	cr_assert_eq(json_object_size(tls), 5);
	cr_assert_eq(json_array_size(json_object_get(page, "trend")), PUBLIC_PROFILE_TREND);
	cr_assert_eq(json_array_size(json_object_get(page, "disclosures")), 1);
	cr_assert_str_eq(json_string_value(json_object_get(page, "statement")),
	    "Our statement.");
	free(text);
	json_decref(page);
	/* No statement: null. */
	page = public_profile_build(summary, history, disclosures, NULL, "x");
	cr_assert(json_is_null(json_object_get(page, "statement")));
	json_decref(page);
	json_decref(summary);
	json_decref(history);
	json_decref(disclosures);
}
