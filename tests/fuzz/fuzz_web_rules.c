/*
 * The pure web rules (collector/csp, cookies, html_scripts, web_policy) on any bytes:
 * the first byte picks how the rest is split. Checks: verdict flags are 0 or 1 (the
 * default-src state -1, 0 or 1) and the policy count never exceeds the commas plus
 * one; a cookie's name and SameSite excerpts are printable ASCII within their caps;
 * script counts are consistent (insecure and cross-site scripts are scripts, those
 * without integrity are cross-site), every kept URL is a printable excerpt and meta
 * policies point into the page; HSTS
 * max-age is -1 exactly when the header is not valid; a redirect host is lowercase.
 */
#include "tests/fuzz/fuzz.h"

#include <ctype.h>

#include "collector/cookies.h"
#include "collector/csp.h"
#include "collector/html_scripts.h"
#include "collector/web_policy.h"

static void
check_printable(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	FUZZ_CHECK(n <= max + 3);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(s[i] >= 0x20 && s[i] < 0x7f);
}

static void
check_csp(const char *text, size_t len)
{
	struct csp_verdict v;
	size_t commas = 0, i;

	for (i = 0; i < len; i++)
		commas += text[i] == ',';
	csp_verdict_init(&v);
	csp_verdict_add(&v, text, len);
	FUZZ_CHECK(v.policies >= 0 && (size_t)v.policies <= commas + 1);
	csp_verdict_add_meta(&v, text, len);
	FUZZ_CHECK((size_t)v.policies <= commas + 2);
	FUZZ_CHECK((v.script_inline | v.script_eval | v.script_broad | v.insecure_scheme |
	    v.object_open | v.strict_dynamic | v.upgrade_insecure) <= 1);
	FUZZ_CHECK(v.default_broad >= -1 && v.default_broad <= 1);
	FUZZ_CHECK(v.frame_ancestors <= CSP_FA_RESTRICTED);
	if (v.policies == 0)
		FUZZ_CHECK(v.duplicates == 0 && v.default_broad == -1);
}

static void
check_cookie(const char *text, size_t len)
{
	struct cookie_facts f;

	cookie_parse(text, len, &f);
	check_printable(f.name, COOKIES_NAME_MAX);
	check_printable(f.samesite_raw, 15);
	FUZZ_CHECK(f.samesite <= COOKIE_SAMESITE_NONE);
	FUZZ_CHECK(strlen(cookie_samesite_name(f.samesite)) > 0);
	if (cookie_samesite_ok(&f))
		FUZZ_CHECK(f.samesite >= COOKIE_SAMESITE_LAX);
	if (f.prefix == 0)
		FUZZ_CHECK(cookie_prefix_ok(&f));
}

static void
check_html(const char *text, size_t len, const char *host)
{
	struct html_scripts s;
	int i;

	html_scripts_read(text, len, host, &s);
	FUZZ_CHECK(s.insecure <= s.scripts && s.cross_origin <= s.scripts);
	FUZZ_CHECK(s.cross_origin_no_sri <= s.cross_origin);
	FUZZ_CHECK(s.meta_csp >= 0 && s.meta_csp <= HTML_META_MAX);
	for (i = 0; i < s.meta_csp; i++)
		FUZZ_CHECK(s.meta_csp_value[i] >= text && s.meta_csp_value[i] +
		    s.meta_csp_len[i] <= text + len);
	if (s.meta_referrer != NULL)
		FUZZ_CHECK(s.meta_referrer >= text && s.meta_referrer + s.meta_referrer_len <=
		    text + len);
	for (i = 0; i < HTML_SCRIPTS_EXAMPLES; i++) {
		if (i < s.insecure)
			check_printable(s.insecure_urls[i], HTML_SCRIPTS_URL_MAX);
		if (i < s.cross_origin_no_sri)
			check_printable(s.no_sri_urls[i], HTML_SCRIPTS_URL_MAX);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, host[64];
	struct web_hsts h;
	size_t i;

	if (size < 1)
		return (0);
	text = fuzz_strndup(data + 1, size - 1);
	switch (data[0] % 4) {
	case 0:
		check_csp(text, size - 1);
		break;
	case 1:
		check_cookie(text, size - 1);
		break;
	case 2:
		check_html(text, size - 1, "www.example.com");
		break;
	default:
		web_policy_hsts(text, &h);
		FUZZ_CHECK((h.max_age == -1) == !h.valid);
		(void)web_policy_referrer(text, NULL);
		(void)web_policy_cors(text, text, WEB_POLICY_PROBE_ORIGIN);
		(void)web_policy_redirect_target(text, "example.com");
		if (web_policy_url_host(text, strlen(text), host, sizeof(host)) == 0)
			for (i = 0; host[i] != '\0'; i++)
				FUZZ_CHECK(!isupper((unsigned char)host[i]));
		break;
	}
	free(text);
	return (0);
}
