/* The port scan's pure parts: the port list, the catalogue's classes, banner guesses,
 * judgements and the opt-out list (collector/port_services, collector/port_optout). */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "collector/feeds.h"
#include "collector/port_optout.h"
#include "collector/port_services.h"

Test(port_services, lists_parse_ranges_services_and_defaults_without_repeats)
{
	struct port_spec p[PORT_LIST_MAX];
	char err[200];
	size_t n, i;
	int has22 = 0;

	cr_assert_eq(port_services_parse_list("22, 8000-8002,16379/redis,22", p, PORT_LIST_MAX,
	    &n, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(n, 5);
	cr_assert_eq(p[1].port, 8000);
	cr_assert_eq(p[3].port, 8002);
	cr_assert_eq(p[4].port, 16379);
	cr_assert_str_eq(p[4].service->name, "redis");
	cr_assert_null(p[0].service);
	cr_assert_eq(port_services_parse_list("default", p, PORT_LIST_MAX, &n, err,
	    sizeof(err)), 0);
	cr_assert_geq(n, 20, "the documented default list");
	for (i = 0; i < n; i++)
		has22 |= p[i].port == 22;
	cr_assert(has22);
}

Test(port_services, bad_lists_are_refused_with_the_entry)
{
	const char *bad[] = {"", "0", "65536", "22,", "x", "10-5", "22/nosuch", "1-1000",
	    "22/", NULL};
	struct port_spec p[PORT_LIST_MAX];
	char err[200];
	size_t n;
	int i;

	for (i = 0; bad[i] != NULL; i++) {
		err[0] = '\0';
		cr_assert_eq(port_services_parse_list(bad[i], p, PORT_LIST_MAX, &n, err,
		    sizeof(err)), -1, "%s", bad[i]);
		cr_assert(err[0] != '\0');
	}
	cr_assert_eq(port_services_parse_list("1-600", p, PORT_LIST_MAX, &n, err,
	    sizeof(err)), -1);
	cr_assert(strstr(err, "more than") != NULL, "%s", err);
}

Test(port_services, classes_follow_the_methodology_and_the_feed_agrees)
{
	struct { int port; const char *code; } cases[] = {
		{3306, "exposed_services.open_port_risky"},
		{3389, "exposed_services.open_port_risky"},
		{445, "exposed_services.open_port_risky"},
		{2375, "exposed_services.open_port_risky"},
		{23, "exposed_services.insecure_protocol"},
		{21, "exposed_services.insecure_protocol"},
		{22, "exposed_services.open_port_admin"},
		{6443, "exposed_services.open_port_admin"},
		{2376, "exposed_services.open_port_admin"},
		{5672, "exposed_services.open_port_other"},
		{12345, "exposed_services.open_port_other"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_str_eq(port_services_port_code(cases[i].port), cases[i].code, "%d",
		    cases[i].port);
		cr_assert_str_eq(feeds_port_check(cases[i].port), cases[i].code, "%d",
		    cases[i].port);
	}
}

Test(port_services, banners_name_their_service)
{
	static const char mysql[] = "\x4a\x00\x00\x00\x0a" "5.7.33-log\x00\x01\x02";
	static const char telnet[] = "\xff\xfd\x18\xff\xfd\x20";

	cr_assert_str_eq(port_services_guess("SSH-2.0-OpenSSH_7.4\r\n", 21)->name, "ssh");
	cr_assert_str_eq(port_services_guess("220 ProFTPD ready\r\n", 19)->name, "ftp");
	cr_assert_str_eq(port_services_guess("220 mx ESMTP Postfix\r\n", 22)->name, "smtp");
	cr_assert_null(port_services_guess("220 welcome\r\n", 13));
	cr_assert_str_eq(port_services_guess("+PONG\r\n", 7)->name, "redis");
	cr_assert_str_eq(port_services_guess("RFB 003.008\n", 12)->name, "vnc");
	cr_assert_str_eq(port_services_guess(mysql, sizeof(mysql) - 1)->name, "mysql");
	cr_assert_str_eq(port_services_guess(telnet, sizeof(telnet) - 1)->name, "telnet");
	cr_assert_null(port_services_guess("HTTP/1.1 400", 12));
	cr_assert_null(port_services_guess("", 0));
}

static void
judge(const char *banner, size_t blen, const char *reply, int port,
    const struct port_service *expected, char *code, char *key, char *details)
{
	struct port_seen s = {"192.0.2.7", port, expected, banner, blen, reply,
	    reply ? strlen(reply) : 0};

	cr_assert_eq(port_services_judge(&s, code, key, details, 1536), 0);
}

Test(port_services, ftp_without_auth_tls_is_cleartext_and_with_it_is_not)
{
	char code[64], key[PORT_KEY_MAX], d[1536];

	judge("220 FTP ready\r\n", 15, "500 unknown\r\n", 2121, NULL, code, key, d);
	cr_assert_str_eq(code, "exposed_services.insecure_protocol");
	cr_assert_str_eq(key, "192.0.2.7:2121");
	cr_assert(strstr(d, "\"auth_tls\":false") != NULL, "%s", d);
	cr_assert(strstr(d, "\"banner\":\"220 FTP ready\"") != NULL, "%s", d);
	judge("220 FTP ready\r\n", 15, "234 AUTH TLS ok\r\n", 21, NULL, code, key, d);
	cr_assert_str_eq(code, "exposed_services.open_port_other");
	cr_assert(strstr(d, "\"auth_tls\":true") != NULL, "%s", d);
}

Test(port_services, ssh_on_any_port_is_admin_and_unknown_silence_is_other)
{
	char code[64], key[PORT_KEY_MAX], d[1536];

	judge("SSH-2.0-OpenSSH_7.4\r\n", 21, NULL, 2222, NULL, code, key, d);
	cr_assert_str_eq(code, "exposed_services.open_port_admin");
	cr_assert(strstr(d, "\"service\":\"ssh\"") != NULL, "%s", d);
	judge(NULL, 0, NULL, 40000, NULL, code, key, d);
	cr_assert_str_eq(code, "exposed_services.open_port_other");
	cr_assert(strstr(d, "\"service\":\"unknown\"") != NULL, "%s", d);
	cr_assert(strstr(d, "banner") == NULL, "%s", d);
	judge(NULL, 0, "-NOAUTH Authentication required.\r\n", 16379,
	    port_services_by_name("redis"), code, key, d);
	cr_assert_str_eq(code, "exposed_services.open_port_risky");
	cr_assert(strstr(d, "\"auth_required\":true") != NULL, "%s", d);
}

Test(port_services, banners_are_quoted_short_and_printable)
{
	char banner[1000], code[64], key[PORT_KEY_MAX], d[1536];
	static const char mysql[] = "\x4a\x00\x00\x00\x0a" "8.0.36\x00\x11\x22\x33";

	memset(banner, 'A', sizeof(banner));
	memcpy(banner, "SSH-2.0-", 8);
	banner[20] = '\x01';
	judge(banner, sizeof(banner), NULL, 22, NULL, code, key, d);
	cr_assert(strstr(d, "A?A") != NULL, "%s", d);
	cr_assert(strstr(d, "...\"") != NULL, "cut at 240 bytes: %s", d);
	cr_assert_lt(strlen(d), 400);
	judge(mysql, sizeof(mysql) - 1, NULL, 3306, NULL, code, key, d);
	cr_assert(strstr(d, "\"banner\":\"8.0.36\"") != NULL, "only the version: %s", d);
}

Test(port_services, ipv6_keys_are_bracketed)
{
	char key[PORT_KEY_MAX];

	port_services_key("2001:db8::1", 22, key);
	cr_assert_str_eq(key, "[2001:db8::1]:22");
}

static int
optout_v4(const struct port_optout *o, const char *a)
{
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	inet_pton(AF_INET, a, &sa.sin_addr);
	return (port_optout_address(o, (struct sockaddr *)&sa));
}

Test(port_optout, addresses_networks_and_domains)
{
	struct port_optout *o = port_optout_new();
	char err[200];

	cr_assert_eq(port_optout_add(o, "  # a comment\n", err, sizeof(err)), 0);
	cr_assert_eq(port_optout_add(o, "\n", err, sizeof(err)), 0);
	cr_assert_eq(port_optout_add(o, "192.0.2.7\n", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(port_optout_add(o, "198.51.100.0/24", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(port_optout_add(o, "Example.ORG.", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(port_optout_count(o), 3);
	cr_assert(optout_v4(o, "192.0.2.7"));
	cr_assert(!optout_v4(o, "192.0.2.8"));
	cr_assert(optout_v4(o, "198.51.100.200"));
	cr_assert(port_optout_domain(o, "example.org"));
	cr_assert(port_optout_domain(o, "www.example.org"));
	cr_assert(!port_optout_domain(o, "notexample.org"));
	cr_assert(!port_optout_domain(o, "example.org.uk"));
	cr_assert_eq(port_optout_add(o, "10.0.0.0/33", err, sizeof(err)), -1);
	cr_assert_eq(port_optout_add(o, "bad name!", err, sizeof(err)), -1);
	cr_assert(strstr(err, "bad name!") != NULL, "%s", err);
	port_optout_free(o);
}

Test(port_optout, a_bad_file_line_is_named)
{
	char path[] = "/tmp/fairrate-optout-XXXXXX", err[300];
	struct port_optout *o = port_optout_new();
	FILE *f;
	int fd = mkstemp(path);

	cr_assert(fd >= 0);
	f = fdopen(fd, "w");
	fputs("# operators who asked\n192.0.2.1\n10.0.0.0/99\n", f);
	fclose(f);
	cr_assert_eq(port_optout_load(o, path, err, sizeof(err)), -1);
	cr_assert(strstr(err, ":3: ") != NULL, "%s", err);
	unlink(path);
	port_optout_free(o);
}
