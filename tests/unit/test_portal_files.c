/* Which portal files may be served, with which content type and caching. */
#include <criterion/criterion.h>
#include <string.h>

#include "api/portal_files.h"

Test(portal_files, plain_names_with_known_extensions_pass)
{
	cr_expect(portal_files_name_ok("index.html"));
	cr_expect(portal_files_name_ok("app.js"));
	cr_expect(portal_files_name_ok("view_staff.js"));
	cr_expect(portal_files_name_ok("portal.css"));
	cr_expect(portal_files_name_ok("favicon.svg"));
	cr_expect(portal_files_name_ok("LICENSE-x.txt"));
}

Test(portal_files, traversal_hidden_and_odd_names_fail)
{
	static const char *const bad[] = {
		"", "..", "...", "../Makefile", "..%2fMakefile", "a/../b.js", "a/b.js",
		"a\\b.js", ".htaccess", ".app.js", "-x.js", "app..js", "app.js.", "app",
		"Makefile", "app.c", "app.js~", "app.JS", "x.html ", "x\n.js", "%2e%2e",
		"app.js\x01", "caf\xc3\xa9.js",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect(!portal_files_name_ok(bad[i]), "'%s' should be refused", bad[i]);
}

Test(portal_files, name_length_is_capped)
{
	char name[80];

	memset(name, 'a', sizeof(name));
	memcpy(name + 61, ".js", 4);    /* 64 characters */
	cr_expect(portal_files_name_ok(name));
	memset(name, 'a', sizeof(name));
	memcpy(name + 62, ".js", 4);    /* 65 */
	cr_expect(!portal_files_name_ok(name));
}

Test(portal_files, content_types)
{
	cr_expect_str_eq(portal_files_content_type("index.html"), "text/html; charset=utf-8");
	cr_expect_str_eq(portal_files_content_type("app.js"), "text/javascript; charset=utf-8");
	cr_expect_str_eq(portal_files_content_type("portal.css"), "text/css; charset=utf-8");
	cr_expect_str_eq(portal_files_content_type("favicon.svg"), "image/svg+xml");
	cr_expect_null(portal_files_content_type("README"));
	cr_expect_null(portal_files_content_type(".js"));
	cr_expect_null(portal_files_content_type("x.exe"));
}

Test(portal_files, html_revalidates_and_the_rest_is_cached_briefly)
{
	cr_expect_str_eq(portal_files_cache_control("index.html"), "no-cache");
	cr_expect_str_eq(portal_files_cache_control("app.js"), "public, max-age=300");
	cr_expect_str_eq(portal_files_cache_control("portal.css"), "public, max-age=300");
}
