/* The pure parts of webhooks and claims: URL rules, signatures, backoff, the claim
 * domain rule and the token match. */
#include <criterion/criterion.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <string.h>

#include "collector/address_policy.h"
#include "collector/claim_fetch.h"
#include "dispute/webhook.h"

#define SECRET "6f1c0a3b2e9d8c7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f"

Test(webhook, urls)
{
	cr_assert(webhook_url_valid("https://hooks.example.com/x?y=1"));
	cr_assert(webhook_url_valid("https://hooks.example.com:8443"));
	cr_assert_not(webhook_url_valid("http://hooks.example.com/"));
	cr_assert_not(webhook_url_valid("https://"));
	cr_assert_not(webhook_url_valid("https:///path"));
	cr_assert_not(webhook_url_valid("https://user:pw@hooks.example.com/"));
	cr_assert_not(webhook_url_valid("https://hooks.example.com/a b"));
	cr_assert_not(webhook_url_valid("https://hooks.example.com/\x01"));
}

Test(webhook, sign_and_verify)
{
	const char *body = "{\"event\":\"rating.changed\"}";
	char sig[WEBHOOK_SIGNATURE_MAX], bad[WEBHOOK_SIGNATURE_MAX];

	cr_assert_eq(webhook_sign(SECRET, 1767225600, body, strlen(body), sig), 0);
	cr_assert_eq(strncmp(sig, "t=1767225600,v1=", 16), 0);
	cr_assert_eq(strlen(sig), 16 + 64);
	cr_assert(webhook_verify(SECRET, sig, body, strlen(body), 1767225600, 300));
	cr_assert(webhook_verify(SECRET, sig, body, strlen(body), 1767225600 + 300, 300));
	/* Too old, another body, another secret, a flipped digit, garbage. */
	cr_assert_not(webhook_verify(SECRET, sig, body, strlen(body), 1767225600 + 301, 300));
	cr_assert_not(webhook_verify(SECRET, sig, "{}", 2, 1767225600, 300));
	cr_assert_not(webhook_verify("x" SECRET, sig, body, strlen(body), 1767225600, 300));
	memcpy(bad, sig, sizeof(bad));
	bad[20] = bad[20] == 'a' ? 'b' : 'a';
	cr_assert_not(webhook_verify(SECRET, bad, body, strlen(body), 1767225600, 300));
	cr_assert_not(webhook_verify(SECRET, "v1=abc", body, strlen(body), 1767225600, 300));
	cr_assert_not(webhook_verify(SECRET, NULL, body, strlen(body), 1767225600, 300));
}

Test(webhook, backoff_doubles_up_to_six_hours)
{
	cr_assert_eq(webhook_backoff(1, 30), 30);
	cr_assert_eq(webhook_backoff(2, 30), 60);
	cr_assert_eq(webhook_backoff(5, 30), 480);
	cr_assert_eq(webhook_backoff(40, 30), 6 * 3600);
	cr_assert_eq(webhook_backoff(1, 0), 30);
	cr_assert(webhook_delivered(200) && webhook_delivered(204));
	cr_assert_not(webhook_delivered(301) || webhook_delivered(500) || webhook_delivered(0));
}

Test(claim, domains)
{
	cr_assert(claim_fetch_domain_valid("acme.example"));
	cr_assert(claim_fetch_domain_valid("a-b.c0.example"));
	cr_assert_not(claim_fetch_domain_valid("localhost"));
	cr_assert_not(claim_fetch_domain_valid("Acme.example"));
	cr_assert_not(claim_fetch_domain_valid("acme.example."));
	cr_assert_not(claim_fetch_domain_valid(".acme.example"));
	cr_assert_not(claim_fetch_domain_valid("-acme.example"));
	cr_assert_not(claim_fetch_domain_valid("acme-.example"));
	cr_assert_not(claim_fetch_domain_valid("127.0.0.1"));
	cr_assert_not(claim_fetch_domain_valid("acme..example"));
	cr_assert_not(claim_fetch_domain_valid("acme.example/x"));
	cr_assert_not(claim_fetch_domain_valid(""));
}

Test(claim, token_on_a_line_of_its_own)
{
	const char *t = "fairrate-claim-0123456789abcdef0123456789abcdef";
	const char *spaced = "x\r\n  fairrate-claim-0123456789abcdef0123456789abcdef \r\n";
	const char *longer = "fairrate-claim-0123456789abcdef0123456789abcdefX";
	const char *inline_ = "prefix fairrate-claim-0123456789abcdef0123456789abcdef";

	cr_assert(claim_fetch_token_found(t, strlen(t), t));
	cr_assert(claim_fetch_token_found(spaced, strlen(spaced), t));
	cr_assert_not(claim_fetch_token_found(longer, strlen(longer), t));
	cr_assert_not(claim_fetch_token_found(inline_, strlen(inline_), t));
	cr_assert_not(claim_fetch_token_found("", 0, t));
	cr_assert_not(claim_fetch_token_found("abc", 3, ""));
}

/* Issue 18: every spelling of a non-public address is recognised as an address (and
 * then refused at PUT by the address policy); names are left to delivery. */
Test(webhook, literal_addresses_in_every_spelling)
{
	static const struct {
		const char *url;
		int family;
		const char *addr;           /* as inet_ntop writes it */
	} lit[] = {
		{"https://127.0.0.1/hook", AF_INET, "127.0.0.1"},
		{"https://127.0.0.1:8443/hook", AF_INET, "127.0.0.1"},
		{"https://[::1]/hook", AF_INET6, "::1"},
		{"https://[::1]:8443", AF_INET6, "::1"},
		{"https://2130706433/", AF_INET, "127.0.0.1"},
		{"https://0x7f000001/", AF_INET, "127.0.0.1"},
		{"https://127.1/", AF_INET, "127.0.0.1"},
		{"https://0177.0.0.1/", AF_INET, "127.0.0.1"},
		{"https://[::ffff:127.0.0.1]/", AF_INET6, "::ffff:127.0.0.1"},
		{"https://0/", AF_INET, "0.0.0.0"},
		{"https://10.1.2.3./x", AF_INET, "10.1.2.3"},
	};
	static const char *const names[] = {"https://hooks.example.com/x",
	    "https://127.0.0.1.example/", "https://0x7f000001.example/", "https://[::1/x"};
	struct sockaddr_storage sa;
	struct address_policy_net none[1];
	char text[64];
	size_t i;

	for (i = 0; i < sizeof(lit) / sizeof(lit[0]); i++) {
		cr_assert(webhook_url_valid(lit[i].url), "%s", lit[i].url);
		cr_assert_eq(webhook_url_literal(lit[i].url, &sa), 1, "%s", lit[i].url);
		cr_assert_eq(sa.ss_family, lit[i].family, "%s", lit[i].url);
		cr_assert_not_null(inet_ntop(sa.ss_family, sa.ss_family == AF_INET ?
		    (void *)&((struct sockaddr_in *)&sa)->sin_addr :
		    (void *)&((struct sockaddr_in6 *)&sa)->sin6_addr, text, sizeof(text)));
		cr_assert_str_eq(text, lit[i].addr, "%s", lit[i].url);
		cr_assert_not(address_policy_allowed((struct sockaddr *)&sa, none, 0),
		    "%s must not be allowed", lit[i].url);
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		cr_assert_eq(webhook_url_literal(names[i], &sa), 0, "%s", names[i]);
	cr_assert_eq(webhook_url_literal("https://93.184.216.34/", &sa), 1);
	cr_assert(address_policy_allowed((struct sockaddr *)&sa, none, 0), "a public address");
}
