#include "collector/advisories.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "collector/software.h"
#include "collector/versions.h"

/* Whether s is a date YYYY-MM-DD. */
static int
is_date(const char *s)
{
	int i;

	if (s == NULL || strlen(s) != 10)
		return (0);
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return (0);
	return (1);
}

static const char *
str(const json_t *o, const char *k)
{
	return (json_string_value(json_object_get(o, k)));
}

json_t *
advisories_endoflife(const json_t *doc, char *err, size_t errlen)
{
	json_t *rows, *c, *eol, *latest;
	const char *cycle;
	char num[32];
	size_t i;

	if (!json_is_array(doc)) {
		snprintf(err, errlen, "not an endoflife.date product: a JSON array of cycles");
		return (NULL);
	}
	rows = json_array();
	json_array_foreach(doc, i, c) {
		/* A cycle may be given as a number ("cycle": 8) in older files. */
		cycle = str(c, "cycle");
		if (cycle == NULL && json_is_integer(json_object_get(c, "cycle"))) {
			snprintf(num, sizeof(num), "%lld",
			    (long long)json_integer_value(json_object_get(c, "cycle")));
			cycle = num;
		}
		eol = json_object_get(c, "eol");
		latest = json_object_get(c, "latest");
		if (cycle == NULL || !versions_valid(cycle)) {
			snprintf(err, errlen, "cycle %zu: no cycle, or one that is not a version", i);
			json_decref(rows);
			return (NULL);
		}
		if (!(json_is_boolean(eol) || is_date(json_string_value(eol)))) {
			snprintf(err, errlen, "cycle %zu (%s): eol is neither a date (YYYY-MM-DD)"
			    " nor true or false", i, cycle);
			json_decref(rows);
			return (NULL);
		}
		if (latest != NULL && !json_is_null(latest) &&
		    !versions_valid(json_string_value(latest) ? json_string_value(latest) : "")) {
			snprintf(err, errlen, "cycle %zu (%s): latest is not a version", i, cycle);
			json_decref(rows);
			return (NULL);
		}
		json_array_append_new(rows, json_pack("{sssosbso}", "cycle", cycle,
		    "eol", json_is_string(eol) ? json_string(json_string_value(eol)) : json_null(),
		    "eol_reached", json_is_true(eol),
		    "latest", json_string_value(latest) ? json_string(json_string_value(latest)) :
		    json_null()));
	}
	return (rows);
}

json_t *
advisories_kev(const json_t *doc, char *err, size_t errlen)
{
	json_t *list = json_object_get(doc, "vulnerabilities"), *rows, *v;
	const char *cve, *added;
	size_t i;

	if (!json_is_array(list)) {
		snprintf(err, errlen, "not the KEV catalogue: no \"vulnerabilities\" array");
		return (NULL);
	}
	rows = json_array();
	json_array_foreach(list, i, v) {
		cve = str(v, "cveID");
		added = str(v, "dateAdded");
		if (cve == NULL || strncmp(cve, "CVE-", 4) != 0 || strlen(cve) > 32 ||
		    !is_date(added)) {
			snprintf(err, errlen, "vulnerabilities[%zu]: no cveID (CVE-...) or no"
			    " dateAdded (YYYY-MM-DD)", i);
			json_decref(rows);
			return (NULL);
		}
		json_array_append_new(rows, json_pack("{sssssssssb}", "cve", cve,
		    "vendor", str(v, "vendorProject") ? str(v, "vendorProject") : "",
		    "product", str(v, "product") ? str(v, "product") : "", "date_added", added,
		    "ransomware", str(v, "knownRansomwareCampaignUse") != NULL &&
		    strcasecmp(str(v, "knownRansomwareCampaignUse"), "Known") == 0));
	}
	return (rows);
}

/* An OSV package name as a product id, or NULL. */
static const char *
osv_product(const char *name)
{
	static char lower[SOFTWARE_PRODUCT_MAX];
	size_t i;

	if (name == NULL || strlen(name) >= sizeof(lower))
		return (NULL);
	for (i = 0; name[i] != '\0'; i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	lower[i] = '\0';
	if (strcmp(lower, "apache2") == 0 || strcmp(lower, "httpd") == 0)
		return ("apache-http-server");
	if (strncmp(lower, "php", 3) == 0 && (lower[3] == '\0' || isdigit((unsigned char)lower[3])))
		return ("php");
	return (software_product_known(lower) ? lower : NULL);
}

/* v with a reference of its own when it is an array, else a new empty array. */
static json_t *
borrowed_array(json_t *v)
{
	return (json_is_array(v) ? json_incref(v) : json_array());
}

static int
osv_record(const json_t *rec, size_t at, json_t *rows, size_t *skipped, char *err,
    size_t errlen)
{
	const char *id = str(rec, "id"), *product;
	json_t *affected = json_object_get(rec, "affected"), *a, *aliases;
	size_t i;

	if (id == NULL || strlen(id) > 64 || !json_is_array(affected)) {
		snprintf(err, errlen, "record %zu: no id or no affected array", at);
		return (-1);
	}
	aliases = json_object_get(rec, "aliases");
	json_array_foreach(affected, i, a) {
		if ((product = osv_product(str(json_object_get(a, "package"), "name"))) == NULL) {
			(*skipped)++;
			continue;
		}
		json_array_append_new(rows, json_pack("{sssosssoso}", "id", id, "aliases",
		    borrowed_array(aliases), "product", product, "ranges",
		    borrowed_array(json_object_get(a, "ranges")), "versions",
		    borrowed_array(json_object_get(a, "versions"))));
	}
	return (0);
}

json_t *
advisories_osv(const json_t *doc, size_t *skipped, char *err, size_t errlen)
{
	json_t *rows = json_array(), *rec;
	size_t i;

	*skipped = 0;
	if (json_is_object(doc)) {
		if (osv_record(doc, 0, rows, skipped, err, errlen) != 0) {
			json_decref(rows);
			return (NULL);
		}
		return (rows);
	}
	if (!json_is_array(doc)) {
		snprintf(err, errlen, "not OSV: an object or an array of records");
		json_decref(rows);
		return (NULL);
	}
	json_array_foreach(doc, i, rec)
		if (osv_record(rec, i, rows, skipped, err, errlen) != 0) {
			json_decref(rows);
			return (NULL);
		}
	return (rows);
}

int
advisories_osv_affects(const json_t *ranges, const json_t *versions, const char *version)
{
	const json_t *r, *e, *v;
	const char *x;
	size_t i, k;
	int in;

	json_array_foreach(versions, i, v)
		if (json_string_value(v) && versions_compare(json_string_value(v), version) == 0)
			return (1);
	json_array_foreach(ranges, i, r) {
		x = str(r, "type");
		if (x == NULL || (strcmp(x, "SEMVER") != 0 && strcmp(x, "ECOSYSTEM") != 0))
			continue;                     /* GIT ranges name commits, not versions */
		in = 0;
		json_array_foreach(json_object_get(r, "events"), k, e) {
			if ((x = str(e, "introduced")) != NULL) {
				if (strcmp(x, "0") == 0 || versions_compare(version, x) >= 0)
					in = 1;
			} else if ((x = str(e, "fixed")) != NULL) {
				if (in && versions_compare(version, x) < 0)
					return (1);
				in = 0;
			} else if ((x = str(e, "last_affected")) != NULL) {
				if (in && versions_compare(version, x) <= 0)
					return (1);
				in = 0;
			}
		}
		if (in)
			return (1);           /* introduced and never fixed */
	}
	return (0);
}
