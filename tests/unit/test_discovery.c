/* Asset discovery's attribution rules, CT JSON and wordlist reading. */
#include <criterion/criterion.h>
#include <string.h>

#include "collector/discovery.h"

static const struct discovery_found *
found(const struct discovery_set *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->items[i].name, name) == 0)
			return (&s->items[i]);
	return (NULL);
}

static void
seeded(struct discovery_set *s)
{
	static const char *const seeds[] = {"www.acme.example", "acme.co.jp"};

	cr_assert_eq(discovery_set_init(s, seeds, 2, 0), 0);
	cr_assert_eq(s->nseeds, 2, "registered domains of the seeds");
}

Test(discovery, names_are_canonical)
{
	char out[DISCOVERY_NAME_MAX];

	cr_expect_eq(discovery_name("*.Shop.ACME.example.", out), 0);
	cr_expect_str_eq(out, "shop.acme.example");
	cr_expect_eq(discovery_name("_spf.mailer.example", out), 0);
	cr_expect_eq(discovery_name("localhost", out), -1, "one label");
	cr_expect_eq(discovery_name("a..example", out), -1);
	cr_expect_eq(discovery_name("a b.example", out), -1);
	cr_expect_eq(discovery_name("", out), -1);
}

Test(discovery, attribution_rules)
{
	struct discovery_set s;
	const struct discovery_found *f;

	seeded(&s);
	cr_expect_eq(discovery_add(&s, "vpn.acme.example", DISCOVERY_SRC_WORDLIST, 0), 1);
	cr_expect_eq(found(&s, "vpn.acme.example")->rule, DISCOVERY_REGISTERED_DOMAIN);
	cr_expect_eq(discovery_add(&s, "shop.acme.co.jp", DISCOVERY_SRC_CT, 0), 1);
	cr_expect_eq(found(&s, "shop.acme.co.jp")->rule, DISCOVERY_REGISTERED_DOMAIN,
	    "co.jp is a public suffix: acme.co.jp is the registered domain");
	cr_expect_eq(found(&s, "shop.acme.co.jp")->live, 0, "a CT name is not known to resolve");
	/* A CDN behind a CNAME, a mail provider: reached only through the DNS. */
	cr_expect_eq(discovery_add(&s, "acme.cdn-provider.example", DISCOVERY_SRC_DNS, 0), 1);
	cr_expect_eq(found(&s, "acme.cdn-provider.example")->rule, DISCOVERY_THIRD_PARTY);
	/* A stranger's name on the company's certificate, and on a certificate of
	 * nobody the company knows. */
	cr_expect_eq(discovery_add(&s, "stranger.example", DISCOVERY_SRC_CT, 1), 1);
	cr_expect_eq(found(&s, "stranger.example")->rule, DISCOVERY_CERTIFICATE_SAN);
	cr_expect_eq(discovery_add(&s, "nobody.example", DISCOVERY_SRC_CT, 0), 0);
	cr_expect_null(found(&s, "nobody.example"));
	cr_expect_eq(discovery_add(&s, "www.other.example", DISCOVERY_SRC_WORDLIST, 0), 0,
	    "a wordlist name outside the company's domains");
	/* Seen again by a stronger rule: the strongest is kept, the sources add up. */
	cr_expect_eq(discovery_add(&s, "acme.cdn-provider.example", DISCOVERY_SRC_CT, 1), 1);
	f = found(&s, "acme.cdn-provider.example");
	cr_expect_eq(f->rule, DISCOVERY_CERTIFICATE_SAN);
	cr_expect_eq(f->sources, DISCOVERY_SRC_DNS | DISCOVERY_SRC_CT);
	cr_expect_eq(f->live, 1);
	cr_expect_eq(s.n, 4);
	cr_expect_float_eq(discovery_confidence(DISCOVERY_CERTIFICATE_SAN), 0.5, 1e-9);
	cr_expect_str_eq(discovery_rule_name(DISCOVERY_THIRD_PARTY), "third_party");
	cr_expect(discovery_confidence(DISCOVERY_REGISTERED_DOMAIN) >= DISCOVERY_MIN_CONFIDENCE);
	cr_expect(discovery_confidence(DISCOVERY_CERTIFICATE_SAN) < DISCOVERY_MIN_CONFIDENCE);
	discovery_set_free(&s);
}

Test(discovery, the_cap_on_names)
{
	static const char *const seeds[] = {"acme.example"};
	struct discovery_set s;

	cr_assert_eq(discovery_set_init(&s, seeds, 1, 2), 0);
	cr_expect_eq(discovery_add(&s, "a.acme.example", DISCOVERY_SRC_DNS, 0), 1);
	cr_expect_eq(discovery_add(&s, "b.acme.example", DISCOVERY_SRC_DNS, 0), 1);
	cr_expect_eq(discovery_add(&s, "c.acme.example", DISCOVERY_SRC_DNS, 0), 0);
	cr_expect_eq(s.dropped, 1);
	cr_expect_eq(discovery_add(&s, "a.acme.example", DISCOVERY_SRC_CT, 0), 1,
	    "a known name still gains a source at the cap");
	discovery_set_free(&s);
}

Test(discovery, crt_sh_json)
{
	static const char json[] = "[{\"issuer_ca_id\":1,\"common_name\":\"acme.example\","
	    "\"name_value\":\"acme.example\\n*.acme.example\\nstranger.example\"},"
	    "{\"common_name\":\"unrelated.example\",\"name_value\":\"unrelated.example\\n"
	    "mail.unrelated.example\"},{\"name_value\":\"api.acme.example\"}]";
	struct discovery_set s;
	char err[200];

	seeded(&s);
	cr_assert_eq(discovery_ct_json(json, strlen(json), discovery_certificate, &s, err,
	    sizeof(err)), 3, "%s", err);
	cr_expect_not_null(found(&s, "acme.example"), "the wildcard's base name");
	cr_expect_eq(found(&s, "stranger.example")->rule, DISCOVERY_CERTIFICATE_SAN);
	cr_expect_not_null(found(&s, "api.acme.example"));
	cr_expect_null(found(&s, "unrelated.example"));
	cr_expect_null(found(&s, "mail.unrelated.example"));
	cr_expect_eq(discovery_ct_json("{}", 2, discovery_certificate, &s, err,
	    sizeof(err)), -1);
	cr_expect_eq(discovery_ct_json("[{\"x\":1}]", 9, discovery_certificate, &s, err,
	    sizeof(err)), -1);
	cr_expect(strstr(err, "certificate 0") != NULL, "%s", err);
	cr_expect_eq(discovery_ct_json("[{", 2, discovery_certificate, &s, err,
	    sizeof(err)), -1);
	discovery_set_free(&s);
}

Test(discovery, wordlist_lines)
{
	char w[64];

	cr_expect_eq(discovery_wordlist_line("VPN\n", w), 1);
	cr_expect_str_eq(w, "vpn");
	cr_expect_eq(discovery_wordlist_line("  # comment\n", w), 0);
	cr_expect_eq(discovery_wordlist_line("\n", w), 0);
	cr_expect_eq(discovery_wordlist_line("a.b\n", w), -1, "one label only");
	cr_expect_eq(discovery_wordlist_line("bad word\n", w), -1);
}
