/* Patching's pure parts: versions, the software a server names, the data sets'
 * readers, and the verdicts. */
#include <criterion/criterion.h>
#include <string.h>

#include "collector/advisories.h"
#include "collector/patching.h"
#include "collector/software.h"
#include "collector/versions.h"

Test(patching, versions_compare_as_maintainers_number_them)
{
	cr_expect_lt(versions_compare("1.18.0", "1.20.1"), 0);
	cr_expect_gt(versions_compare("1.9.10", "1.9.9"), 0, "numbers, not text");
	cr_expect_eq(versions_compare("1.18", "1.18.0"), 0, "trailing zeros");
	cr_expect_eq(versions_compare("1.18.0.0", "1.18"), 0);
	cr_expect_eq(versions_compare("7.4", "7.4"), 0);
	cr_expect_lt(versions_compare("7.4p1", "7.4p2"), 0);
	cr_expect_lt(versions_compare("7.4", "7.4p1"), 0);
	cr_expect_lt(versions_compare("1.0-rc1", "1.0"), 0, "a pre-release is older");
	cr_expect_lt(versions_compare("1.0.0-beta", "1.0.0-rc1"), 0);
	cr_expect_gt(versions_compare("10.0", "9.99"), 0);
	cr_expect_eq(versions_compare("01.2", "1.2"), 0);
	cr_expect_lt(versions_compare("99999999999999999999.1", "100000000000000000000"), 0,
	    "long numbers without overflow");
	cr_expect(versions_in_cycle("1.18.0", "1.18"));
	cr_expect(versions_in_cycle("1.18", "1.18"));
	cr_expect(!versions_in_cycle("1.180.1", "1.18"));
	cr_expect(!versions_in_cycle("1.1", "1.18"));
	cr_expect(versions_in_cycle("8.0.30", "8"));
	cr_expect(versions_valid("7.4p1"));
	cr_expect(!versions_valid("v1.2"));
	cr_expect(!versions_valid("1.2 beta"));
}

Test(patching, what_servers_say_about_themselves)
{
	struct software s;

	cr_assert(software_from_header("nginx/1.18.0 (Ubuntu)", &s));
	cr_expect_str_eq(s.product, "nginx");
	cr_expect_str_eq(s.version, "1.18.0");
	cr_assert(software_from_header("Apache/2.4.29 (Ubuntu) PHP/7.2.24", &s));
	cr_expect_str_eq(s.product, "apache-http-server");
	cr_assert(software_from_header("PHP/7.4.3", &s));
	cr_expect_str_eq(s.product, "php");
	cr_assert(software_from_header("Microsoft-IIS/10.0", &s));
	cr_expect_str_eq(s.product, "iis");
	cr_expect(!software_from_header("nginx", &s), "no version");
	cr_expect(!software_from_header("cloudflare", &s));
	cr_expect(!software_from_header("Unknown/1.0", &s));
	cr_assert(software_from_banner("ssh", "SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7", &s));
	cr_expect_str_eq(s.product, "openssh");
	cr_expect_str_eq(s.version, "7.4p1");
	cr_assert(software_from_banner("ftp", "220 ProFTPD 1.3.5 Server (Debian)", &s));
	cr_expect_str_eq(s.version, "1.3.5");
	cr_assert(software_from_banner("mysql", "5.7.33-log", &s));
	cr_expect_str_eq(s.product, "mysql");
	cr_expect_str_eq(s.version, "5.7.33-log");
	cr_expect(!software_from_banner("smtp", "220 mail.example ESMTP Postfix", &s));
}

Test(patching, readers_and_verdicts)
{
	json_t *doc = json_loads("[{\"cycle\":\"1.27\",\"eol\":false,\"latest\":\"1.27.3\"},"
	    "{\"cycle\":\"1.18\",\"eol\":\"2021-04-20\",\"latest\":\"1.18.0\"},"
	    "{\"cycle\":8,\"eol\":true}]", 0, NULL), *cycles, *vulns;
	struct patching_verdict v;
	char err[200];

	cr_assert_not_null(cycles = advisories_endoflife(doc, err, sizeof(err)), "%s", err);
	json_decref(doc);
	cr_assert(patching_cycle(cycles, "1.18.0", "2026-12-01", &v));
	cr_expect(v.end_of_life);
	cr_expect_str_eq(v.eol, "2021-04-20");
	cr_expect(!v.outdated);
	cr_assert(patching_cycle(cycles, "1.27.1", "2026-12-01", &v));
	cr_expect(!v.end_of_life);
	cr_expect(v.outdated);
	cr_expect_str_eq(v.latest, "1.27.3");
	cr_assert(patching_cycle(cycles, "8.1", "2026-12-01", &v));
	cr_expect(v.end_of_life, "eol: true without a date");
	cr_expect(!patching_cycle(cycles, "1.25.0", "2026-12-01", &v), "an unknown cycle");
	cr_assert(patching_cycle(cycles, "1.18.0", "2021-04-19", &v));
	cr_expect(!v.end_of_life, "the day before the end");
	json_decref(cycles);

	doc = json_loads("[{\"cycle\":\"1.27\",\"eol\":\"soon\"}]", 0, NULL);
	cr_expect_null(advisories_endoflife(doc, err, sizeof(err)));
	cr_expect(strstr(err, "cycle 0 (1.27): eol") != NULL, "%s", err);
	json_decref(doc);
	doc = json_loads("{\"vulnerabilities\":[{\"cveID\":\"CVE-2099-1\"}]}", 0, NULL);
	cr_expect_null(advisories_kev(doc, err, sizeof(err)));
	cr_expect(strstr(err, "vulnerabilities[0]") != NULL, "%s", err);
	json_decref(doc);

	vulns = json_loads("[{\"cve\":\"CVE-2099-1\",\"versions\":[],\"ranges\":[{\"type\":"
	    "\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.20.1\"}]}]},"
	    "{\"cve\":\"CVE-2099-2\",\"versions\":[\"1.27.0\"],\"ranges\":[{\"type\":\"SEMVER\","
	    "\"events\":[{\"introduced\":\"1.25.0\"},{\"last_affected\":\"1.25.4\"},"
	    "{\"introduced\":\"1.26.0\"}]},{\"type\":\"GIT\",\"events\":[{\"introduced\":"
	    "\"0\"}]}]}]", 0, NULL);
	cr_assert_not_null(vulns);
	doc = patching_exploited(vulns, "1.18.0");
	cr_expect_eq(json_array_size(doc), 1);
	cr_expect_str_eq(json_string_value(json_array_get(doc, 0)), "CVE-2099-1");
	json_decref(doc);
	doc = patching_exploited(vulns, "1.25.4");
	cr_expect_eq(json_array_size(doc), 1, "last_affected is affected");
	json_decref(doc);
	doc = patching_exploited(vulns, "1.25.5");
	cr_expect_eq(json_array_size(doc), 0);
	json_decref(doc);
	doc = patching_exploited(vulns, "1.26.3");
	cr_expect_eq(json_array_size(doc), 1, "introduced and never fixed");
	json_decref(doc);
	doc = patching_exploited(vulns, "1.20.1");
	cr_expect_eq(json_array_size(doc), 0, "the fixed version");
	json_decref(doc);
	json_decref(vulns);
}

Test(patching, osv_records_of_known_products)
{
	json_t *doc = json_loads("{\"id\":\"X-1\",\"aliases\":[\"CVE-2099-3\"],\"affected\":["
	    "{\"package\":{\"name\":\"apache2\",\"ecosystem\":\"Debian\"},\"ranges\":[]},"
	    "{\"package\":{\"name\":\"left-pad\"}}]}", 0, NULL), *rows;
	size_t skipped;
	char err[200];

	cr_assert_not_null(rows = advisories_osv(doc, &skipped, err, sizeof(err)), "%s", err);
	cr_expect_eq(json_array_size(rows), 1);
	cr_expect_eq(skipped, 1);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(rows, 0), "product")),
	    "apache-http-server");
	json_decref(rows);
	json_decref(doc);
	doc = json_loads("[{\"affected\":[]}]", 0, NULL);
	cr_expect_null(advisories_osv(doc, &skipped, err, sizeof(err)));
	cr_expect(strstr(err, "record 0") != NULL, "%s", err);
	json_decref(doc);
}
