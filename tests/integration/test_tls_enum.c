/* The TLS enumeration against local servers: nginx configured with legacy protocols
 * and weak suites, judged against sslscan on the same servers, and a hand-made server
 * for the suites Debian's OpenSSL no longer serves. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collector/tls_probe.h"
#include "tests/support/api_client.h"
#include "tests/support/scan_fixture.h"
#include "tests/support/tls_fixture.h"

static void
enumerate(int port, const char *sni, struct tls_enum_result *r)
{
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(tls_probe_run((struct sockaddr *)&sa, sizeof(sa), sni, NULL, r), 0);
}

/* The enumeration in the terms scripts/sslscan-verdicts.sh prints. */
static void
verdict_line(const struct tls_enum_result *r, char *out, size_t n)
{
	size_t used = (size_t)snprintf(out, n, "versions=");
	int v, c, first = 1;

	for (v = 0; v < TLS_VER_N; v++)
		if (r->version[v] == TLS_ACCEPTED) {
			used += (size_t)snprintf(out + used, n - used, "%s%s", first ? "" : ",",
			    tls_version_name((enum tls_version_idx)v));
			first = 0;
		}
	for (c = 0; c < TLS_CLASS_N; c++)
		used += (size_t)snprintf(out + used, n - used, " %s=%d",
		    tls_class_name((enum tls_suite_class)c), r->cls[c] == TLS_ACCEPTED);
}

static void
sslscan_line(int port, const char *sni, char *out, size_t n)
{
	char cmd[256];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s/scripts/sslscan-verdicts.sh 127.0.0.1:%d %s",
	    getenv("FAIRRATE_SHARE_DIR") ? getenv("FAIRRATE_SHARE_DIR") : ".", port, sni);
	cr_assert_not_null(p = popen(cmd, "r"));
	cr_assert_not_null(fgets(out, (int)n, p), "no output from %s", cmd);
	out[strcspn(out, "\n")] = '\0';
	cr_assert_eq(pclose(p), 0, "%s failed", cmd);
}

Test(tls_enum, verdicts_agree_with_sslscan, .timeout = 120)
{
	static const struct {
		const char *sni;
		int legacy;
	} servers[] = {{"legacy.test", 1}, {"modern.test", 0}};
	struct scan_fixture fx;
	struct tls_enum_result r;
	char ours[256], theirs[256];
	size_t i;
	int port;

	scan_fixture_start(&fx);
	for (i = 0; i < 2; i++) {
		port = servers[i].legacy ? fx.legacy_port : fx.modern_port;
		enumerate(port, servers[i].sni, &r);
		verdict_line(&r, ours, sizeof(ours));
		sslscan_line(port, servers[i].sni, theirs, sizeof(theirs));
		cr_expect_str_eq(ours, theirs, "%s: fairrate and sslscan disagree",
		    servers[i].sni);
		cr_expect_eq(strstr(theirs, "versions=TLSv1,TLSv1.1,TLSv1.2 ") != NULL,
		    servers[i].legacy, "sslscan: %s", theirs);
	}
	/* The fixture really has something to find. */
	enumerate(fx.legacy_port, "legacy.test", &r);
	cr_expect_eq(r.version[TLS_VER_10], TLS_ACCEPTED);
	cr_expect_eq(r.cls[TLS_CLASS_NULL], TLS_ACCEPTED);
	cr_expect_eq(r.version[TLS_VER_13], TLS_REFUSED);
	scan_fixture_stop(&fx);
}

Test(tls_enum, suites_openssl_cannot_serve_are_still_found)
{
	static const unsigned versions[] = {0x0301, 0x0303, 0};
	/* RC4-SHA, 3DES (RSA), export RC4-40: what old appliances still answer with. */
	static const uint16_t suites[] = {0x0005, 0x000a, 0x0003};
	struct tls_enum_result r;
	pid_t pid;
	int port = tls_fixture_hello_start(versions, suites, 3, &pid);

	enumerate(port, "old.test", &r);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	cr_expect_eq(r.version[TLS_VER_SSL3], TLS_REFUSED);
	cr_expect_eq(r.version[TLS_VER_10], TLS_ACCEPTED);
	cr_expect_eq(r.version[TLS_VER_11], TLS_REFUSED);
	cr_expect_eq(r.version[TLS_VER_12], TLS_ACCEPTED);
	cr_expect_eq(r.version[TLS_VER_13], TLS_REFUSED);
	cr_expect_eq(r.cls[TLS_CLASS_RC4], TLS_ACCEPTED);
	cr_expect_eq(r.cls_suite[TLS_CLASS_RC4], 0x0005);
	cr_expect_eq(r.cls[TLS_CLASS_3DES], TLS_ACCEPTED);
	cr_expect_eq(r.cls_suite[TLS_CLASS_3DES], 0x000a);
	cr_expect_eq(r.cls[TLS_CLASS_EXPORT], TLS_ACCEPTED);
	cr_expect_eq(r.cls_suite[TLS_CLASS_EXPORT], 0x0003);
	cr_expect_eq(r.cls[TLS_CLASS_NO_FS], TLS_ACCEPTED);
	cr_expect_eq(r.cls[TLS_CLASS_NULL], TLS_REFUSED);
	cr_expect_eq(r.cls[TLS_CLASS_ANON], TLS_REFUSED);
	cr_expect_eq(r.cls[TLS_CLASS_CBC_SHA1], TLS_REFUSED);
}

Test(tls_enum, a_tls13_only_server_needs_no_suite_probes)
{
	static const unsigned versions[] = {0x0304, 0};
	static const uint16_t suites[] = {0x1301};
	struct tls_enum_result r;
	pid_t pid;
	int port = tls_fixture_hello_start(versions, suites, 1, &pid), c;

	enumerate(port, "new.test", &r);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	cr_expect_eq(r.version[TLS_VER_13], TLS_ACCEPTED);
	cr_expect_eq(r.version[TLS_VER_12], TLS_REFUSED);
	for (c = 0; c < TLS_CLASS_N; c++)
		cr_expect_eq(r.cls[c], TLS_REFUSED);
}

Test(tls_enum, no_server_leaves_everything_unknown)
{
	struct tls_enum_result r;
	int v;

	/* A port that was free a moment ago: nothing listens there. */
	enumerate((int)api_client_free_port(), "closed.test", &r);
	cr_expect_eq(r.probed, 1);
	for (v = 0; v < TLS_VER_N; v++)
		cr_expect_eq(r.version[v], TLS_UNKNOWN, "a refused connection is no verdict");
	for (v = 0; v < TLS_CLASS_N; v++)
		cr_expect_eq(r.cls[v], TLS_UNKNOWN, "nor are the classes it was not asked");
}
