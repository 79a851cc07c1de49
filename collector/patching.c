#include "collector/patching.h"

#include <stdio.h>
#include <string.h>

#include "collector/advisories.h"
#include "collector/versions.h"

int
patching_cycle(const json_t *cycles, const char *version, const char *today,
    struct patching_verdict *out)
{
	const json_t *c, *best = NULL;
	const char *cycle, *eol, *latest;
	size_t i, best_len = 0;

	memset(out, 0, sizeof(*out));
	json_array_foreach(cycles, i, c) {
		cycle = json_string_value(json_object_get(c, "cycle"));
		if (cycle != NULL && versions_in_cycle(version, cycle) &&
		    strlen(cycle) > best_len) {
			best = c;
			best_len = strlen(cycle);
		}
	}
	if (best == NULL)
		return (0);
	out->cycle_known = 1;
	snprintf(out->cycle, sizeof(out->cycle), "%s",
	    json_string_value(json_object_get(best, "cycle")));
	eol = json_string_value(json_object_get(best, "eol"));
	if (eol != NULL) {
		snprintf(out->eol, sizeof(out->eol), "%s", eol);
		out->end_of_life = strcmp(eol, today) <= 0;
	} else
		out->end_of_life = json_is_true(json_object_get(best, "eol_reached"));
	latest = json_string_value(json_object_get(best, "latest"));
	if (latest != NULL) {
		snprintf(out->latest, sizeof(out->latest), "%s", latest);
		out->outdated = versions_compare(version, latest) < 0;
	}
	return (1);
}

json_t *
patching_exploited(const json_t *vulns, const char *version)
{
	json_t *out = json_array();
	const json_t *v;
	size_t i, k;
	int dup;

	json_array_foreach(vulns, i, v) {
		const char *cve = json_string_value(json_object_get(v, "cve"));

		if (out == NULL || cve == NULL || !advisories_osv_affects(json_object_get(v,
		    "ranges"), json_object_get(v, "versions"), version))
			continue;
		for (k = 0, dup = 0; k < json_array_size(out); k++)
			dup |= strcmp(json_string_value(json_array_get(out, k)), cve) == 0;
		if (!dup)
			json_array_append_new(out, json_string(cve));
	}
	return (out);
}

size_t
patching_software_of(const char *check_code, const json_t *details, struct software *out,
    size_t max)
{
	static const char *const headers[] = {"server", "x-powered-by"};
	const char *v;
	size_t n = 0, i;

	if (strcmp(check_code, "web_headers.version_disclosure") == 0) {
		for (i = 0; i < 2 && n < max; i++)
			if ((v = json_string_value(json_object_get(details, headers[i]))) != NULL &&
			    software_from_header(v, &out[n]))
				n++;
	} else if (strncmp(check_code, "exposed_services.", 17) == 0 && n < max &&
	    (v = json_string_value(json_object_get(details, "banner"))) != NULL &&
	    software_from_banner(json_string_value(json_object_get(details, "service")), v,
	    &out[n]))
		n++;
	return (n);
}
