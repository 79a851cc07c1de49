/* The pure web rules: CSP, cookies, HTML scripts, HSTS, Referrer-Policy, CORS,
 * redirects, and the results http_checks_run writes from them. */
#include <criterion/criterion.h>
#include <string.h>

#include "collector/cookies.h"
#include "collector/csp.h"
#include "collector/html_scripts.h"
#include "collector/http_checks.h"
#include "collector/web_policy.h"

static struct csp_verdict
csp(const char *policy)
{
	struct csp_verdict v;

	csp_verdict_init(&v);
	csp_verdict_add(&v, policy, strlen(policy));
	return (v);
}

Test(csp, default_src_wildcard_is_broad)
{
	struct csp_verdict v = csp("default-src *");

	cr_assert(v.default_broad > 0);
	cr_assert(v.script_broad);
	cr_assert(v.object_open);
	cr_assert_not(v.script_inline);
}

Test(csp, unsafe_inline_with_nonce_hash_or_strict_dynamic_is_not_unsafe)
{
	/* 2026.1 called these unsafe: browsers ignore 'unsafe-inline' next to a nonce. */
	cr_assert_not(csp("script-src 'self' 'unsafe-inline' 'nonce-abc'").script_inline);
	cr_assert_not(csp("script-src 'unsafe-inline' 'sha256-xyz='").script_inline);
	cr_assert_not(csp("script-src 'strict-dynamic' 'nonce-a' 'unsafe-inline' https:"
	    " http:").script_broad);
	cr_assert_not(csp("script-src 'strict-dynamic' 'nonce-a' http:").insecure_scheme);
	cr_assert(csp("script-src 'self' 'unsafe-inline'").script_inline);
	cr_assert(csp("script-src 'self' data:").script_inline);
	cr_assert(csp("script-src 'nonce-a' 'unsafe-eval'").script_eval);
}

Test(csp, no_script_restriction_lets_inline_run)
{
	/* 2026.1 missed this: a policy naming neither script-src nor default-src. */
	struct csp_verdict v = csp("frame-ancestors 'none'; img-src 'self'");

	cr_assert(v.script_inline);
	cr_assert(v.script_eval);
	cr_assert(v.script_broad);
	cr_assert_eq(v.frame_ancestors, CSP_FA_RESTRICTED);
	cr_assert(http_checks_csp_unsafe("frame-ancestors 'none'"));
}

Test(csp, names_are_case_insensitive_and_the_first_occurrence_wins)
{
	struct csp_verdict v = csp("SCRIPT-SRC 'self'; script-src 'unsafe-inline'");

	cr_assert_not(v.script_inline);
	cr_assert_eq(v.duplicates, 1);
	cr_assert(csp("Script-Src 'UNSAFE-INLINE'").script_inline);
}

Test(csp, http_and_wildcard_script_sources)
{
	cr_assert(csp("script-src https:").script_broad);
	cr_assert(csp("script-src https://*").script_broad);
	cr_assert(csp("script-src *").script_broad);
	cr_assert_not(csp("script-src https://cdn.example.com").script_broad);
	cr_assert(csp("script-src http://cdn.example.com").insecure_scheme);
	cr_assert_not(csp("default-src 'self'; img-src http:").insecure_scheme);
	cr_assert_not(csp("default-src 'self'; report-uri http://r.example/").insecure_scheme);
}

Test(csp, object_src_must_be_none)
{
	cr_assert_not(csp("default-src 'none'").object_open);
	cr_assert_not(csp("script-src 'self'; object-src 'none'").object_open);
	cr_assert_not(csp("object-src").object_open);
	cr_assert(csp("default-src 'self'").object_open);
	cr_assert(csp("object-src 'none' https://a.example").object_open);
}

Test(csp, frame_ancestors_wildcard_does_not_restrict)
{
	cr_assert_eq(csp("frame-ancestors *").frame_ancestors, CSP_FA_BROAD);
	cr_assert_eq(csp("frame-ancestors https:").frame_ancestors, CSP_FA_BROAD);
	cr_assert_eq(csp("frame-ancestors 'self'").frame_ancestors, CSP_FA_RESTRICTED);
	cr_assert_eq(csp("default-src 'self'").frame_ancestors, CSP_FA_ABSENT);
}

Test(csp, every_policy_is_enforced)
{
	/* Inline runs only when both policies let it. */
	cr_assert_not(csp("script-src 'unsafe-inline', script-src 'self'").script_inline);
	cr_assert(csp("script-src 'unsafe-inline', img-src 'self'").script_inline);
	cr_assert(csp("default-src *, frame-ancestors *").default_broad > 0);
	cr_assert_not(csp("default-src *, default-src 'self'").default_broad > 0);
	cr_assert_eq(csp(", ;, img-src x").policies, 1);
	cr_assert_eq(csp("  ;  ").policies, 0);
	cr_assert_eq(csp("b@d 'self'").policies, 0);
}

static struct cookie_facts
cookie(const char *v)
{
	struct cookie_facts f;

	cookie_parse(v, strlen(v), &f);
	return (f);
}

Test(cookies, attributes_and_session_cookies)
{
	struct cookie_facts f = cookie("SID=1; path=/; secure; HTTPONLY; SameSite=lax");

	cr_assert_str_eq(f.name, "SID");
	cr_assert(f.secure && f.httponly && f.path_root);
	cr_assert_eq(f.samesite, COOKIE_SAMESITE_LAX);
	cr_assert(cookie_is_session(&f));
	cr_assert(cookie("PHPSESSID=1; Max-Age=99").session_name);
	cr_assert(cookie("auth_token=1; Max-Age=99").session_name);
	cr_assert_not(cookie("side=1; Max-Age=99").session_name);
	f = cookie("theme=dark; Expires=Wed, 21 Oct 2037 07:28:00 GMT");
	cr_assert_not(cookie_is_session(&f));
	f = cookie("theme=dark");
	cr_assert(cookie_is_session(&f));            /* no expiry: a browser session */
}

Test(cookies, samesite_and_prefixes)
{
	struct cookie_facts f = cookie("a=1; SameSite=None");

	cr_assert_not(cookie_samesite_ok(&f));        /* refused without Secure */
	f = cookie("a=1; SameSite=None; Secure");
	cr_assert(cookie_samesite_ok(&f));
	f = cookie("a=1; SameSite=Lux");
	cr_assert_eq(f.samesite, COOKIE_SAMESITE_INVALID);
	f = cookie("a=1");
	cr_assert_not(cookie_samesite_ok(&f));
	f = cookie("__Host-id=1; Secure; Path=/");
	cr_assert(cookie_prefix_ok(&f));
	f = cookie("__Host-id=1; Secure; Path=/; Domain=example.com");
	cr_assert_not(cookie_prefix_ok(&f));
	f = cookie("__Secure-id=1; Path=/");
	cr_assert_not(cookie_prefix_ok(&f));
}

Test(html_scripts, mixed_content_and_sri)
{
	const char *page = "<html><!-- <script src=http://old.example/x.js></script> -->"
	    "<SCRIPT type=module src=\"http://cdn.other.net/a.js\"></SCRIPT>"
	    "<script src='https://cdn.other.net/b.js' integrity='sha384-x'></script>"
	    "<script src=//static.other.org/c.js></script>"
	    "<script src=/local.js></script><script src=https://www.example.com/d.js>"
	    "</script><script>var s = '<script src=http://x/>';</script>";
	struct html_scripts s;

	html_scripts_read(page, strlen(page), "example.com", &s);
	cr_assert_eq(s.scripts, 5);
	cr_assert_eq(s.insecure, 1);
	cr_assert_str_eq(s.insecure_urls[0], "http://cdn.other.net/a.js");
	cr_assert_eq(s.cross_origin, 3);
	cr_assert_eq(s.cross_origin_no_sri, 2);
	cr_assert_str_eq(s.no_sri_urls[1], "//static.other.org/c.js");
	cr_assert(html_is_html("text/html; charset=utf-8"));
	cr_assert_not(html_is_html("application/json"));
}

/* Found by fuzz_web_rules: an attribute without a value pointed outside the page. */
Test(html_scripts, an_attribute_without_a_value_is_empty_and_inside_the_page)
{
	const char *page = "<meta name=referrer content>";
	struct html_scripts s;

	html_scripts_read(page, strlen(page), "example.com", &s);
	cr_assert_not_null(s.meta_referrer);
	cr_assert_eq(s.meta_referrer_len, 0);
	cr_assert(s.meta_referrer >= page && s.meta_referrer <= page + strlen(page));
}

Test(web_policy, hsts_directives)
{
	struct web_hsts h;

	web_policy_hsts("max-age=31536000; includeSubDomains; preload", &h);
	cr_assert(h.valid && h.include_subdomains && h.preload);
	cr_assert_eq(h.max_age, 31536000);
	web_policy_hsts("MAX-AGE=\"600\"", &h);
	cr_assert_eq(h.max_age, 600);
	web_policy_hsts("max-age=600; max-age=31536000", &h);
	cr_assert_not(h.valid);                      /* RFC 6797 6.1: ignored */
	web_policy_hsts("includeSubDomains", &h);
	cr_assert_eq(h.max_age, -1);
}

Test(web_policy, referrer_policy_as_observatory_judges_it)
{
	const char *t;

	cr_assert_eq(web_policy_referrer("unsafe-url", &t), WEB_REFERRER_UNSAFE);
	cr_assert_eq(web_policy_referrer("no-referrer-when-downgrade", NULL),
	    WEB_REFERRER_UNSAFE);
	cr_assert_eq(web_policy_referrer("origin-when-cross-origin", NULL),
	    WEB_REFERRER_UNSAFE);
	cr_assert_eq(web_policy_referrer("unsafe-url, strict-origin-when-cross-origin", &t),
	    WEB_REFERRER_PRIVATE);
	cr_assert_str_eq(t, "strict-origin-when-cross-origin");
	cr_assert_eq(web_policy_referrer("no-referrer, bogus", NULL), WEB_REFERRER_PRIVATE);
	cr_assert_eq(web_policy_referrer("bogus", NULL), WEB_REFERRER_INVALID);
}

Test(web_policy, cors_and_redirect_targets)
{
	const char *o = WEB_POLICY_PROBE_ORIGIN;

	cr_assert_eq(web_policy_cors("*", NULL, o), WEB_CORS_PUBLIC);
	cr_assert_eq(web_policy_cors("*", "true", o), WEB_CORS_ANY_WITH_CREDENTIALS);
	cr_assert_eq(web_policy_cors(o, "true", o), WEB_CORS_ANY_WITH_CREDENTIALS);
	cr_assert_eq(web_policy_cors(o, NULL, o), WEB_CORS_RESTRICTED);
	cr_assert_eq(web_policy_cors("https://a.example", "true", o), WEB_CORS_RESTRICTED);
	cr_assert_eq(web_policy_cors(NULL, "true", o), WEB_CORS_NONE);
	cr_assert_eq(web_policy_redirect_target("https://a.example/x", "a.example"), 1);
	cr_assert_eq(web_policy_redirect_target("https://A.example:443/", "a.example"), 1);
	cr_assert_eq(web_policy_redirect_target("https://www.a.example/", "a.example"), 0);
	cr_assert_eq(web_policy_redirect_target("https://a.example@b.example/",
	    "a.example"), 0);
	cr_assert_eq(web_policy_redirect_target("http://a.example/", "a.example"), -1);
}

/* ---- the results ---- */

/* The outcome of code in the results r of the test. */
#define OUTCOME(code) scan_results_outcome(r, (code))

/* The results of the web checks of o (valid until the next call). */
static const struct scan_results *
judged(const struct http_observation *o)
{
	static struct scan_results r;

	memset(&r, 0, sizeof(r));
	cr_assert_eq(http_checks_run(o, &r), 0);
	return (&r);
}

static void
site(struct http_observation *o, const char *headers, const char *body)
{
	memset(o, 0, sizeof(*o));
	o->host = "example.com";
	o->now = 1780000000L;
	o->https = HTTP_REACH_OK;
	o->https_status = 200;
	o->https_headers = headers;
	o->https_body_read = body != NULL;
	o->https_body = body;
	o->https_body_len = body ? strlen(body) : 0;
	o->http = HTTP_REACH_OK;
	o->http_status = 301;
	o->http_location = "https://example.com/";
}

Test(web_checks, a_weak_site_fails_every_new_check)
{
	const struct scan_results *r;
	struct http_observation o;

	site(&o, "Strict-Transport-Security: max-age=31536000\r\n"
	    "Content-Security-Policy: default-src *; script-src http://cdn.example.net\r\n"
	    "Referrer-Policy: unsafe-url\r\n"
	    "X-Frame-Options: DENY\r\n"
	    "Content-Security-Policy: frame-ancestors *\r\n"
	    "Set-Cookie: sessionid=1; Max-Age=60\r\n"
	    "Set-Cookie: __Host-x=1; Secure; HttpOnly; SameSite=Lax\r\n"
	    "Access-Control-Allow-Origin: " WEB_POLICY_PROBE_ORIGIN "\r\n"
	    "Access-Control-Allow-Credentials: true\r\n"
	    "Content-Type: text/html\r\n",
	    "<script src=http://cdn.example.net/a.js></script>");
	o.http_location = "https://www.example.com/";
	r = judged(&o);
	cr_assert_str_eq(OUTCOME("web_headers.hsts_no_subdomains"), "fail");
	cr_assert_str_eq(OUTCOME("web_headers.hsts_no_preload"), "fail");
	cr_assert_str_eq(OUTCOME("web_headers.csp_broad_sources"), "fail");
	cr_assert_str_eq(OUTCOME("web_headers.csp_insecure_scheme"), "fail");
	cr_assert_str_eq(OUTCOME("web_headers.csp_object_src_open"), "fail");
	cr_assert_str_eq(OUTCOME("web_headers.frame_options_missing"), "fail");
	cr_assert_str_eq(OUTCOME("web_headers.referrer_policy_missing"), "pass");
	cr_assert_str_eq(OUTCOME("web_headers.referrer_policy_unsafe"), "fail");
	cr_assert_str_eq(OUTCOME("web_headers.cookie_session_insecure"), "fail");
	cr_assert_str_eq(OUTCOME("web_headers.cookie_samesite_missing"), "fail");
	cr_assert_str_eq(OUTCOME("web_headers.cookie_prefix_invalid"), "fail");
	cr_assert_str_eq(OUTCOME("web_headers.cors_credentials_wildcard"), "fail");
	cr_assert_str_eq(OUTCOME("web_headers.mixed_content"), "fail");
	cr_assert_str_eq(OUTCOME("web_headers.sri_missing"), "fail");
	cr_assert_str_eq(OUTCOME("tls.no_https_redirect"), "pass");
	cr_assert_str_eq(OUTCOME("web_headers.redirect_leaves_host"), "fail");
}

Test(web_checks, a_careful_site_passes_them)
{
	const struct scan_results *r;
	struct http_observation o;

	site(&o, "Strict-Transport-Security: max-age=63072000; includeSubDomains; preload\r\n"
	    "Content-Security-Policy: default-src 'none'; script-src 'nonce-r4nd'"
	    " 'strict-dynamic' 'unsafe-inline' https:; frame-ancestors 'self'\r\n"
	    "Referrer-Policy: strict-origin-when-cross-origin\r\n"
	    "Set-Cookie: __Host-sid=1; Secure; HttpOnly; Path=/; SameSite=Strict\r\n"
	    "Access-Control-Allow-Origin: *\r\n"
	    "Content-Type: text/html\r\n",
	    "<script src=https://cdn.other.net/a.js integrity=sha384-abc></script>");
	r = judged(&o);
	cr_assert_str_eq(OUTCOME("web_headers.hsts_no_subdomains"), "pass");
	cr_assert_str_eq(OUTCOME("web_headers.hsts_no_preload"), "pass");
	cr_assert_str_eq(OUTCOME("web_headers.csp_unsafe"), "pass");
	cr_assert_str_eq(OUTCOME("web_headers.csp_broad_sources"), "pass");
	cr_assert_str_eq(OUTCOME("web_headers.csp_insecure_scheme"), "pass");
	cr_assert_str_eq(OUTCOME("web_headers.csp_object_src_open"), "pass");
	cr_assert_str_eq(OUTCOME("web_headers.frame_options_missing"), "pass");
	cr_assert_str_eq(OUTCOME("web_headers.referrer_policy_unsafe"), "pass");
	cr_assert_str_eq(OUTCOME("web_headers.cookie_insecure"), "pass");
	cr_assert_str_eq(OUTCOME("web_headers.cookie_session_insecure"), "pass");
	cr_assert_str_eq(OUTCOME("web_headers.cookie_samesite_missing"), "pass");
	cr_assert_str_eq(OUTCOME("web_headers.cookie_prefix_invalid"), "pass");
	cr_assert_str_eq(OUTCOME("web_headers.cors_credentials_wildcard"), "pass");
	cr_assert_str_eq(OUTCOME("web_headers.mixed_content"), "pass");
	cr_assert_str_eq(OUTCOME("web_headers.sri_missing"), "pass");
	cr_assert_str_eq(OUTCOME("web_headers.redirect_leaves_host"), "pass");
}

Test(web_checks, preload_is_judged_on_registered_domains_only_and_body_when_read)
{
	const struct scan_results *r;
	struct http_observation o;

	site(&o, "Strict-Transport-Security: max-age=63072000\r\n", NULL);
	o.host = "www.example.com";
	o.http_location = "https://www.example.com/";
	r = judged(&o);
	cr_assert_str_eq(OUTCOME("web_headers.hsts_no_preload"), "-");
	cr_assert_str_eq(OUTCOME("web_headers.mixed_content"), "-");
	cr_assert_str_eq(OUTCOME("web_headers.referrer_policy_missing"), "fail");
}

Test(web_checks, a_referrer_policy_without_a_known_token_is_missing)
{
	const struct scan_results *r;
	struct http_observation o;

	/* 2026.1 passed any non-empty value; browsers ignore unknown tokens. */
	site(&o, "Referrer-Policy: nope\r\n", NULL);
	r = judged(&o);
	cr_assert_str_eq(OUTCOME("web_headers.referrer_policy_missing"), "fail");
	cr_assert_str_eq(OUTCOME("web_headers.referrer_policy_unsafe"), "-");
}

Test(web_checks, frame_ancestors_overrides_x_frame_options)
{
	const struct scan_results *r;
	struct http_observation o;

	/* 2026.1 passed "frame-ancestors *": any site may frame it. */
	site(&o, "Content-Security-Policy: frame-ancestors *\r\n", NULL);
	r = judged(&o);
	cr_assert_str_eq(OUTCOME("web_headers.frame_options_missing"), "fail");
}

Test(web_checks, meta_policies_count_but_not_their_frame_ancestors)
{
	const struct scan_results *r;
	struct http_observation o;

	/* A policy given in <meta> is enforced (csp_missing passes), but browsers ignore
	 * frame-ancestors there; <meta name=referrer> sets the referrer policy. */
	site(&o, "Content-Type: text/html; charset=utf-8\r\n",
	    "<head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src"
	    " 'self'; object-src 'none'; frame-ancestors 'none'\">"
	    "<META NAME=referrer CONTENT=unsafe-url></head>");
	r = judged(&o);
	cr_assert_str_eq(OUTCOME("web_headers.csp_missing"), "pass");
	cr_assert_str_eq(OUTCOME("web_headers.csp_unsafe"), "pass");
	cr_assert_str_eq(OUTCOME("web_headers.csp_object_src_open"), "pass");
	cr_assert_str_eq(OUTCOME("web_headers.frame_options_missing"), "fail");
	cr_assert_str_eq(OUTCOME("web_headers.referrer_policy_missing"), "pass");
	cr_assert_str_eq(OUTCOME("web_headers.referrer_policy_unsafe"), "fail");
}

Test(web_checks, a_body_that_is_not_html_has_no_scripts)
{
	const struct scan_results *r;
	struct http_observation o;

	site(&o, "Content-Type: application/json\r\n",
	    "{\"x\":\"<script src=http://a.example/x.js></script>\"}");
	r = judged(&o);
	cr_assert_str_eq(OUTCOME("web_headers.mixed_content"), "pass");
	cr_assert_str_eq(OUTCOME("web_headers.sri_missing"), "pass");
}

Test(web_checks, upgrade_insecure_requests_upgrades_http_scripts)
{
	const struct scan_results *r;
	struct http_observation o;

	site(&o, "Content-Security-Policy: upgrade-insecure-requests\r\n",
	    "<script src=http://example.com/a.js></script>");
	r = judged(&o);
	cr_assert_str_eq(OUTCOME("web_headers.mixed_content"), "pass");
	cr_assert_str_eq(OUTCOME("web_headers.sri_missing"), "pass");
}

Test(web_checks, details_stay_small_whatever_the_site_sends)
{
	const struct scan_results *r;
	static char headers[24000], body[60000];
	struct http_observation o;
	size_t i, used = 0;

	for (i = 0; i < 200 && used < sizeof(headers) - 100; i++)
		used += (size_t)snprintf(headers + used, sizeof(headers) - used,
		    "Set-Cookie: session%03zu\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"=1\r\n", i);
	for (i = 0, used = 0; i < 200 && used < sizeof(body) - 400; i++)
		used += (size_t)snprintf(body + used, sizeof(body) - used,
		    "<script src=\"http://x%zu.other.net/\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"></script>", i);
	site(&o, headers, body);
	r = judged(&o);
	cr_assert_not(r->truncated);
	for (i = 0; i < r->n; i++)
		cr_assert_null(strstr(r->items[i].details, "details_omitted"), "%s: %s",
		    r->items[i].code, r->items[i].details);
	cr_assert_str_eq(OUTCOME("web_headers.cookie_session_insecure"), "fail");
	cr_assert_str_eq(OUTCOME("web_headers.mixed_content"), "fail");
	cr_assert_str_eq(OUTCOME("web_headers.sri_missing"), "fail");
}
