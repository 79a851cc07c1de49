#include "tests/support/tls_fixture.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

const char tls_fixture_certs_sh[] =
    "leaf legacy.test 825 rsa:2048 sha256\n"
    "for n in mta-sts.mx.test mta-sts.testing.test mta-sts.html.test; do leaf $n 825 \"$EC\" sha256;"
    " done\n"
    "leaf modern.test 825 \"$EC\" sha256\n"
    "q openssl req -x509 -newkey $EC -nodes -keyout other-ca.key -out other-ca.pem"
    " -days 3650 -subj /CN=unknown-test-ca -addext basicConstraints=critical,CA:TRUE"
    " -addext keyUsage=critical,keyCertSign,cRLSign\n"
    "q openssl req -new -newkey $EC -nodes -keyout expired-unknown.test.key"
    " -out expired-unknown.test.csr -subj /CN=expired-unknown.test\n"
    "printf 'subjectAltName=DNS:expired-unknown.test\\nextendedKeyUsage=serverAuth\\n'"
    " > expired-unknown.test.ext\n"
    "q openssl x509 -req -in expired-unknown.test.csr -CA other-ca.pem -CAkey other-ca.key"
    " -CAcreateserial -days 1 -sha256 -out expired-unknown.test.pem"
    " -extfile expired-unknown.test.ext\n"
    "q openssl req -new -newkey $EC -nodes -keyout cn-only.test.key -out cn-only.test.csr"
    " -subj /CN=cn-only.test\n"
    "printf 'basicConstraints=CA:FALSE\\nextendedKeyUsage=serverAuth\\n' > cn-only.test.ext\n"
    "q openssl x509 -req -in cn-only.test.csr -CA ca.pem -CAkey ca.key -CAcreateserial"
    " -days 825 -sha256 -out cn-only.test.pem -extfile cn-only.test.ext\n";

void
tls_fixture_servers(FILE *c, const char *dir, int https_port, int legacy_port,
    int modern_port)
{
	static const char *const plain[] = {"expired-unknown.test", "cn-only.test"};
	size_t i;

	for (i = 0; i < 2; i++)
		fprintf(c, "server { listen 127.0.0.1:%d ssl; server_name %s;\n"
		    " ssl_certificate %s/%s.pem; ssl_certificate_key %s/%s.key;\n"
		    " location / { return 200 \"x\\n\"; } }\n", https_port, plain[i], dir,
		    plain[i], dir, plain[i]);
	/* MTA-STS policy hosts (RFC 8461 3.3). */
	fprintf(c, "server { listen 127.0.0.1:%d ssl; server_name mta-sts.mx.test;\n"
	    " ssl_certificate %s/mta-sts.mx.test.pem;"
	    " ssl_certificate_key %s/mta-sts.mx.test.key;\n"
	    " location = /.well-known/mta-sts.txt { default_type text/plain; return 200"
	    " \"version: STSv1\\r\\nmode: enforce\\r\\nmx: mx.mx.test\\r\\n"
	    "max_age: 604800\\r\\n\"; } }\n", https_port, dir, dir);
	fprintf(c, "server { listen 127.0.0.1:%d ssl; server_name mta-sts.testing.test;\n"
	    " ssl_certificate %s/mta-sts.testing.test.pem;"
	    " ssl_certificate_key %s/mta-sts.testing.test.key;\n"
	    " location = /.well-known/mta-sts.txt { default_type text/plain; return 200"
	    " \"version: STSv1\\nmode: testing\\nmx: *.testing.test\\n"
	    "max_age: 86400\\n\"; } }\n", https_port, dir, dir);
	/* A valid policy served as HTML: not a policy (RFC 8461 3.3). */
	fprintf(c, "server { listen 127.0.0.1:%d ssl; server_name mta-sts.html.test;\n"
	    " ssl_certificate %s/mta-sts.html.test.pem;"
	    " ssl_certificate_key %s/mta-sts.html.test.key;\n"
	    " location = /.well-known/mta-sts.txt { default_type text/html; return 200"
	    " \"version: STSv1\\nmode: enforce\\nmx: *.html.test\\n"
	    "max_age: 86400\\n\"; } }\n", https_port, dir, dir);
	fprintf(c, "server { listen 127.0.0.1:%d ssl; server_name legacy.test;\n"
	    " ssl_certificate %s/legacy.test.pem; ssl_certificate_key %s/legacy.test.key;\n"
	    " ssl_protocols TLSv1 TLSv1.1 TLSv1.2; ssl_ciphers \"ALL:eNULL:@SECLEVEL=0\";\n"
	    " location / { return 200 \"x\\n\"; } }\n", legacy_port, dir, dir);
	fprintf(c, "server { listen 127.0.0.1:%d ssl; server_name modern.test;\n"
	    " ssl_certificate %s/modern.test.pem; ssl_certificate_key %s/modern.test.key;\n"
	    " ssl_protocols TLSv1.2 TLSv1.3; ssl_ciphers \"ECDHE+AESGCM:ECDHE+CHACHA20\";\n"
	    " location / { return 200 \"x\\n\"; } }\n", modern_port, dir, dir);
}

/* ---- the hand-made hello server ---- */

static unsigned
get16(const unsigned char *p)
{
	return ((unsigned)p[0] << 8 | p[1]);
}

/* The reply to one ClientHello in m[0..len) into out; its length. */
static size_t
hello_reply(const unsigned char *m, size_t len, const unsigned *versions,
    const uint16_t *suites, size_t n, unsigned char *out)
{
	size_t at = 5 + 4, ns, i, k, ext_end;
	unsigned version, pick = 0, ok = 0;

	if (len < at + 35)
		return (0);
	version = get16(m + at);
	at += 2 + 32;
	at += 1 + m[at];
	if (at + 2 > len)
		return (0);
	ns = get16(m + at) / 2;
	at += 2;
	for (k = 0; k < n && !pick; k++)
		for (i = 0; i < ns && at + 2 * i + 2 <= len; i++)
			if (get16(m + at + 2 * i) == suites[k])
				pick = suites[k];
	at += 2 * ns;
	at += 1 + (at < len ? m[at] : 0);
	if (at + 2 <= len) {
		ext_end = at + 2 + get16(m + at);
		for (at += 2; at + 4 <= ext_end && at + 4 <= len; at += 4 + get16(m + at + 2))
			if (get16(m + at) == 43)
				version = 0x0304;     /* a TLS 1.3 hello */
	}
	for (i = 0; versions[i] != 0; i++)
		ok |= versions[i] == version;
	if (!ok || !pick) {
		static const unsigned char alert[] = {21, 3, 3, 0, 2, 2, 40};

		memcpy(out, alert, sizeof(alert));
		return (sizeof(alert));
	}
	memset(out, 0, 5 + 4 + 38);
	out[0] = 22;
	out[1] = 3;
	out[2] = 3;
	out[4] = 4 + 38;
	out[5] = 2;
	out[8] = 38;
	out[9] = (unsigned char)(version >> 8);
	out[10] = (unsigned char)version;
	out[43] = 0;                          /* no session id */
	out[44] = (unsigned char)(pick >> 8);
	out[45] = (unsigned char)pick;
	out[46] = 0;                          /* null compression */
	return (5 + 4 + 38);
}

int
tls_fixture_hello_start(const unsigned *versions, const uint16_t *suites, size_t n,
    pid_t *pid)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	unsigned char in[4096], out[64];
	ssize_t got;
	size_t have, r;
	int fd = socket(AF_INET, SOCK_STREAM, 0), c;

	cr_assert(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(fd, 64), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	if ((*pid = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;) {
			if ((c = accept(fd, NULL, NULL)) < 0)
				continue;
			/* The record's length says when the hello is whole. */
			for (have = 0; have < sizeof(in); have += (size_t)got) {
				if ((got = read(c, in + have, sizeof(in) - have)) <= 0)
					break;
				if (have + (size_t)got >= 5 &&
				    have + (size_t)got >= 5 + get16(in + 3))
					break;
			}
			if (got > 0 && (r = hello_reply(in, have + (size_t)got, versions,
			    suites, n, out)) > 0)
				(void)!write(c, out, r);
			close(c);
		}
	}
	cr_assert(*pid > 0);
	close(fd);
	return (ntohs(sa.sin_port));
}
