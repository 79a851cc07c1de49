#include "tests/support/scan_fixture.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/api_client.h"
#include "tests/support/tls_fixture.h"
#include "tests/support/web_fixture.h"

const char *const scan_fixture_hosts[] = {"good.test", "weak.test", "expired.test",
    "expiring.test", "wrong.test", "self.test", "redirect.test", "internal.test",
    "big.test", "hop.test", "hsts-pad.test", "csp-pad.test", "powered-pad.test",
    "cookies-pad.test", "csp-long.test", NULL};

/* In a fixture's child: die with the test process, and keep off its output (a
 * test runner waits for the end of its output). */
static void
fixture_child(void)
{
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
}

static const char fixture_certs_sh[] =
    "set -e; cd \"$1\"\n"
    "q() { \"$@\" >/dev/null 2>&1; }\n"
    "EC='ec -pkeyopt ec_paramgen_curve:P-256'\n"
    "q openssl req -x509 -newkey $EC -nodes -keyout ca.key -out ca.pem -days 3650"
    " -subj /CN=fairrate-test-ca -addext basicConstraints=critical,CA:TRUE"
    " -addext keyUsage=critical,keyCertSign,cRLSign\n"
    "leaf() { n=$1; days=$2; key=$3; md=$4\n"
    "  q openssl req -new -newkey $key -nodes -keyout $n.key -out $n.csr -subj /CN=$n\n"
    "  printf 'subjectAltName=DNS:%s\\nbasicConstraints=CA:FALSE\\n"
    "extendedKeyUsage=serverAuth\\n' $n > $n.ext\n"
    "  q openssl x509 -req -in $n.csr -CA ca.pem -CAkey ca.key -CAcreateserial"
    " -days $days -$md -out $n.pem -extfile $n.ext; }\n"
    "for n in good.test redirect.test internal.test big.test hop.test hsts-pad.test"
    " csp-pad.test powered-pad.test cookies-pad.test csp-long.test; do"
    " leaf $n 825 \"$EC\" sha256; done\n"
    "leaf weak.test 825 rsa:1024 sha1\n"
    "leaf expired.test 1 \"$EC\" sha256\n"
    "leaf expiring.test 12 \"$EC\" sha256\n"
    "q openssl req -x509 -newkey $EC -nodes -keyout self.test.key -out self.test.pem"
    " -days 825 -subj /CN=self.test -addext subjectAltName=DNS:self.test\n"
    "cp good.test.pem wrong.test.pem; cp good.test.key wrong.test.key\n"
    "head -c 2097152 /dev/zero > big.bin\n"
    "mkdir -p tmp\n";

static void
fixture_server(FILE *c, const char *dir, int port, const char *name, const char *body)
{
	fprintf(c, "server { listen 127.0.0.1:%d ssl; server_name %s;\n"
	    " ssl_certificate %s/%s.pem; ssl_certificate_key %s/%s.key;\n%s\n}\n",
	    port, name, dir, name, dir, name, body);
}

/* n copies of s into c. */
static void
fixture_pad(FILE *c, const char *s, int n)
{
	while (n-- > 0)
		fputs(s, c);
}

/* An HTTPS server for name whose response adds the header text head, n copies of pad,
 * then tail (nginx directives). */
static void
fixture_padded(FILE *c, const struct scan_fixture *f, const char *name, const char *head,
    const char *pad, int n, const char *tail)
{
	fprintf(c, "server { listen 127.0.0.1:%d ssl; server_name %s;\n"
	    " ssl_certificate %s/%s.pem; ssl_certificate_key %s/%s.key;\n location / { %s",
	    f->https_port, name, f->dir, name, f->dir, name, head);
	fixture_pad(c, pad, n);
	fprintf(c, "%s return 200 \"x\\n\"; } }\n", tail);
}

/* Hosts whose header values are padded so that their details, quoted whole, would
 * not fit a result (backslashes and quotes double in JSON), or whose telling part
 * lies past the first kilobyte of the value. */
static void
fixture_padded_servers(FILE *c, const struct scan_fixture *f)
{
	char cookies[16 * 100] = "";
	size_t used = 0;
	int i;

	fixture_padded(c, f, "hsts-pad.test", "add_header Strict-Transport-Security"
	    " \"max-age=600; ", "\\\\", 1000, "\";");
	fixture_padded(c, f, "csp-pad.test", "add_header Content-Security-Policy"
	    " \"script-src 'self' 'unsafe-inline'; img-src ", "\\\"", 980, "\";");
	fixture_padded(c, f, "powered-pad.test", "add_header X-Powered-By \"PHP/7.4.3 ",
	    "\\\"", 1000, "\";");
	fixture_padded(c, f, "csp-long.test", "add_header Content-Security-Policy"
	    " \"default-src 'self'; img-src ", "a", 1100,
	    "; script-src 'self' 'unsafe-inline'\";");
	for (i = 0; i < 16; i++)
		used += (size_t)snprintf(cookies + used, sizeof(cookies) - used,
		    " add_header Set-Cookie \"c%02d%s=1; Path=/\";\n", i,
		    "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn");
	fixture_padded(c, f, "cookies-pad.test", cookies, "", 0, "");
}

static void
fixture_nginx_conf(struct scan_fixture *f)
{
	char path[128];
	const char *d = f->dir;
	FILE *c;

	snprintf(path, sizeof(path), "%s/nginx.conf", d);
	cr_assert_not_null(c = fopen(path, "w"));
	fprintf(c, "daemon off; master_process off; worker_processes 1;\n"
	    "error_log %s/error.log; pid %s/nginx.pid;\n"
	    "events { worker_connections 512; }\n"
	    "http { access_log off; default_type text/plain;\n"
	    " client_body_temp_path %s/tmp; proxy_temp_path %s/tmp;\n"
	    " fastcgi_temp_path %s/tmp;\n"
	    " ssl_protocols TLSv1.2 TLSv1.3; ssl_ciphers DEFAULT:@SECLEVEL=0;\n"
	    " server_tokens off;\n", d, d, d, d, d);
	fixture_server(c, d, f->https_port, "good.test",
	    " location / { add_header Strict-Transport-Security \"max-age=31536000;"
	    " includeSubDomains\";\n"
	    "  add_header Content-Security-Policy \"default-src 'self'; frame-ancestors"
	    " 'none'\";\n"
	    "  add_header X-Content-Type-Options nosniff; add_header Referrer-Policy"
	    " no-referrer;\n"
	    "  add_header Set-Cookie \"sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax\";\n"
	    "  return 200 \"good\\n\"; }");
	fixture_server(c, d, f->https_port, "weak.test",
	    " server_tokens on;\n"
	    " location / { add_header Strict-Transport-Security \"max-age=600\";\n"
	    "  add_header Content-Security-Policy \"script-src 'self' 'unsafe-inline'\";\n"
	    "  add_header X-Powered-By PHP/7.4.3; add_header X-Frame-Options DENY;\n"
	    "  add_header Set-Cookie \"track=1; Path=/\";\n"
	    "  add_header Set-Cookie \"sid=2; Secure; HttpOnly; SameSite=Strict\";\n"
	    "  return 200 \"weak\\n\"; }");
	fixture_server(c, d, f->https_port, "expired.test", " return 200 \"x\\n\";");
	fixture_server(c, d, f->https_port, "expiring.test", " return 200 \"x\\n\";");
	fixture_server(c, d, f->https_port, "wrong.test", " return 200 \"x\\n\";");
	fixture_server(c, d, f->https_port, "self.test", " return 200 \"x\\n\";");
	fixture_server(c, d, f->https_port, "redirect.test",
	    " return 302 https://10.255.255.1/;");
	fixture_server(c, d, f->https_port, "internal.test",
	    " return 302 https://inside.test/;");
	fixture_server(c, d, f->https_port, "hop.test", " return 301 https://good.test/;");
	fixture_padded_servers(c, f);
	web_fixture_servers(c, d, f->https_port, f->http_port);
	tls_fixture_servers(c, d, f->https_port, f->legacy_port, f->modern_port);
	fprintf(c, "server { listen 127.0.0.1:%d ssl; server_name big.test;\n"
	    " ssl_certificate %s/big.test.pem; ssl_certificate_key %s/big.test.key;\n"
	    " add_header Strict-Transport-Security \"max-age=31536000\";\n"
	    " location / { root %s; try_files /big.bin =404; } }\n",
	    f->https_port, d, d, d);
	fprintf(c, "server { listen 127.0.0.1:%d default_server; server_name _;\n"
	    " return 301 https://$host/; }\n"
	    "server { listen 127.0.0.1:%d; server_name weak.test nohttps.test;\n"
	    " return 200 \"plain\\n\"; }\n}\n", f->http_port, f->http_port);
	fclose(c);
}

/* Accept connections and never answer. */
static void
fixture_slow_server(int fd)
{
	/* Accepted sockets stay open (and silent) until the process is killed. */
	for (;;)
		if (accept(fd, NULL, NULL) < 0)
			usleep(10 * 1000);
}

static int
fixture_listen(int port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	cr_assert(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(fd, 64), 0);
	return (fd);
}

/* Whether something accepts on port now. */
static int
fixture_port_open(int port)
{
	struct sockaddr_in sa;
	int fd, ok;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return (ok);
}

/* Start nginx on newly chosen ports: 0 once it accepts on all of them, -1 when it
 * exits first (another test took a port between the choice and nginx's bind) or
 * does not come up within ten seconds. */
static int
fixture_try_nginx(struct scan_fixture *f, const char *conf, const char *prefix)
{
	int i;

	f->https_port = (int)api_client_free_port();
	f->http_port = (int)api_client_free_port();
	f->closed_port = (int)api_client_free_port();
	f->legacy_port = (int)api_client_free_port();
	f->modern_port = (int)api_client_free_port();
	fixture_nginx_conf(f);
	if ((f->nginx_pid = fork()) == 0) {
		fixture_child();
		execl("/usr/sbin/nginx", "nginx", "-p", prefix, "-c", conf, (char *)NULL);
		_exit(127);
	}
	cr_assert(f->nginx_pid > 0);
	for (i = 0; i < 200; i++) {
		if (waitpid(f->nginx_pid, NULL, WNOHANG) == f->nginx_pid) {
			f->nginx_pid = 0;
			return (-1);
		}
		if (fixture_port_open(f->https_port) && fixture_port_open(f->http_port) &&
		    fixture_port_open(f->legacy_port) && fixture_port_open(f->modern_port))
			return (0);
		usleep(50 * 1000);
	}
	kill(f->nginx_pid, SIGKILL);
	waitpid(f->nginx_pid, NULL, 0);
	f->nginx_pid = 0;
	return (-1);
}

static void
fixture_add_connect(struct scan_fixture *f, size_t *n, const char *host, int port,
    int to)
{
	snprintf(f->connect_buf[*n], sizeof(f->connect_buf[0]), "%s:%d:127.0.0.1:%d", host,
	    port, to);
	f->connect_to[*n] = f->connect_buf[*n];
	(*n)++;
	f->connect_to[*n] = NULL;
}

void
scan_fixture_start(struct scan_fixture *f)
{
	char cmd[256], conf[128], prefix[80], certs[8192];
	size_t i, n = 0;
	int fd;

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/fairrate-scan-XXXXXX");
	cr_assert_not_null(mkdtemp(f->dir));
	snprintf(f->ca_file, sizeof(f->ca_file), "%s/ca.pem", f->dir);
	snprintf(cmd, sizeof(cmd), "sh -c '%s' sh %s", "eval \"$CERTS_SH\"", f->dir);
	cr_assert((size_t)snprintf(certs, sizeof(certs), "%s%s%s", fixture_certs_sh,
	    web_fixture_certs_sh, tls_fixture_certs_sh) < sizeof(certs));
	setenv("CERTS_SH", certs, 1);
	cr_assert_eq(system(cmd), 0, "making the test certificates failed");
	snprintf(conf, sizeof(conf), "%s/nginx.conf", f->dir);
	snprintf(prefix, sizeof(prefix), "%s/", f->dir);
	for (i = 0; i < 3 && fixture_try_nginx(f, conf, prefix) != 0; i++)
		;
	cr_assert(i < 3, "nginx did not start (see %s/error.log)", f->dir);
	f->slow_port = (int)api_client_free_port();
	fd = fixture_listen(f->slow_port);
	if ((f->slow_pid = fork()) == 0) {
		fixture_child();
		fixture_slow_server(fd);
	}
	close(fd);
	for (i = 0; scan_fixture_hosts[i] != NULL; i++) {
		fixture_add_connect(f, &n, scan_fixture_hosts[i], 443, f->https_port);
		fixture_add_connect(f, &n, scan_fixture_hosts[i], 80, f->http_port);
	}
	for (i = 0; web_fixture_hosts[i] != NULL; i++) {
		fixture_add_connect(f, &n, web_fixture_hosts[i], 443, f->https_port);
		fixture_add_connect(f, &n, web_fixture_hosts[i], 80, f->http_port);
	}
	fixture_add_connect(f, &n, "legacy.test", 443, f->legacy_port);
	fixture_add_connect(f, &n, "modern.test", 443, f->modern_port);
	fixture_add_connect(f, &n, "expired-unknown.test", 443, f->https_port);
	fixture_add_connect(f, &n, "cn-only.test", 443, f->https_port);
	fixture_add_connect(f, &n, "slow.test", 443, f->slow_port);
	fixture_add_connect(f, &n, "slow.test", 80, f->slow_port);
	fixture_add_connect(f, &n, "nohttps.test", 443, f->closed_port);
	fixture_add_connect(f, &n, "nohttps.test", 80, f->http_port);
}

static void
fixture_kill(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

void
scan_fixture_stop(struct scan_fixture *f)
{
	char cmd[128];

	fixture_kill(f->nginx_pid);
	fixture_kill(f->slow_pid);
	f->nginx_pid = f->slow_pid = 0;
	if (f->dir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
		if (system(cmd) != 0)
			cr_log_warn("cannot remove %s", f->dir);
	}
}

/* ---- DNS ---- */

/* The query's name in dotted form; the offset after the question, or -1. */
static int
dns_question(const unsigned char *q, int len, char *name, size_t n, int *qtype)
{
	int p = 12;
	size_t used = 0;

	while (p < len && q[p] != 0) {
		int l = q[p++];

		if (l > 63 || p + l > len || used + (size_t)l + 2 > n)
			return (-1);
		if (used > 0)
			name[used++] = '.';
		memcpy(name + used, q + p, (size_t)l);
		used += (size_t)l;
		p += l;
	}
	name[used] = '\0';
	if (p + 5 > len)
		return (-1);
	*qtype = q[p + 1] << 8 | q[p + 2];
	return (p + 5);
}

/* One answer record's header (name: the question's) at r + at; the offset of its
 * RDLENGTH. */
static int
dns_rr_head(unsigned char *r, int at, int type)
{
	static const unsigned char head[] = {0xc0, 12, 0, 0, 0, 1, 0, 0, 0, 60};

	memcpy(r + at, head, sizeof(head));
	r[at + 2] = (unsigned char)(type >> 8);
	r[at + 3] = (unsigned char)type;
	return (at + (int)sizeof(head));
}

/* The MX (mx.NAME, or one null MX) or CAA records of hit after r + at; the new end. */
static int
dns_rrs(const struct dns_fixture_name *hit, int qtype, unsigned char *r, int at, int *an)
{
	char tag[16], value[200];
	unsigned flags;
	int k, rd, n = qtype == 15 ? (hit->mx < 0 ? 1 : hit->mx) : 4;

	for (k = 0; k < n && (qtype == 15 || hit->caa[k] != NULL); k++) {
		rd = dns_rr_head(r, at, qtype);
		at = rd + 2;
		if (qtype == 15 && hit->mx < 0) {
			memcpy(r + at, "\0\0\0", 3);  /* preference 0, exchange "." */
			at += 3;
		} else if (qtype == 15) {
			memcpy(r + at, "\0\12\2mx\300\14", 7);
			r[at + 1] = (unsigned char)(10 + k);
			at += 7;
		} else {
			cr_assert_eq(sscanf(hit->caa[k], "%u %15s %199[^\n]", &flags, tag, value), 3);
			r[at++] = (unsigned char)flags;
			r[at++] = (unsigned char)strlen(tag);
			memcpy(r + at, tag, strlen(tag));
			at += (int)strlen(tag);
			memcpy(r + at, value, strlen(value));
			at += (int)strlen(value);
		}
		r[rd] = (unsigned char)((at - rd - 2) >> 8);
		r[rd + 1] = (unsigned char)(at - rd - 2);
		(*an)++;
	}
	return (at);
}

static void
dns_serve(int fd, const struct dns_fixture_name *names, size_t n)
{
	unsigned char q[512], r[4096];
	struct sockaddr_in from;
	socklen_t flen;
	char name[256];
	int len, qend, qtype, rlen, an, k;
	size_t i, tl, off;
	const struct dns_fixture_name *hit;

	for (;;) {
		flen = sizeof(from);
		len = (int)recvfrom(fd, q, sizeof(q), 0, (struct sockaddr *)&from, &flen);
		if (len < 12 || (qend = dns_question(q, len, name, sizeof(name), &qtype)) < 0)
			continue;
		hit = NULL;
		for (i = 0; i < n; i++)
			if (strcasecmp(names[i].name, name) == 0)
				hit = &names[i];
		for (i = 0; hit == NULL && i < n; i++) {
			size_t nl = strlen(name), wl = strlen(names[i].name);

			if (names[i].wildcard && nl > wl + 1 && name[nl - wl - 1] == '.' &&
			    strcasecmp(name + nl - wl, names[i].name) == 0)
				hit = &names[i];
		}
		memcpy(r, q, (size_t)qend);
		r[2] = 0x84 | (q[2] & 0x01);      /* QR, AA, RD copied */
		r[3] = 0x80;                      /* RA, NOERROR */
		r[6] = r[7] = r[8] = r[9] = r[10] = r[11] = 0;
		r[4] = 0;
		r[5] = 1;
		rlen = qend;
		an = 0;
		if (hit == NULL)
			r[3] |= 3;                    /* NXDOMAIN */
		else if (hit->servfail)
			r[3] |= 2;
		else if (qtype == 15 || qtype == 257)
			rlen = dns_rrs(hit, qtype, r, rlen, &an);
		else if (qtype == 1 && hit->a) {
			int rd = dns_rr_head(r, rlen, 1);

			memcpy(r + rd, "\0\4\300\0\2\1", 6);   /* 192.0.2.1 */
			rlen = rd + 6;
			an++;
		} else if ((qtype == 5 || qtype == 1 || qtype == 28) && hit->cname != NULL) {
			/* As a resolver answers: the CNAME (its target is not followed). */
			int rd = dns_rr_head(r, rlen, 5), at = rd + 2;
			const char *l = hit->cname, *dot;

			for (; *l != '\0'; l = *dot ? dot + 1 : dot) {
				dot = l + strcspn(l, ".");
				r[at++] = (unsigned char)(dot - l);
				memcpy(r + at, l, (size_t)(dot - l));
				at += (int)(dot - l);
			}
			r[at++] = 0;
			r[rd] = (unsigned char)((at - rd - 2) >> 8);
			r[rd + 1] = (unsigned char)(at - rd - 2);
			rlen = at;
			an++;
		}
		else if (qtype == 16)
			for (k = 0; k < 4 && hit->txt[k] != NULL; k++) {
				tl = strlen(hit->txt[k]);
				r[rlen++] = 0xc0;
				r[rlen++] = 12;
				r[rlen++] = 0;
				r[rlen++] = 16;
				r[rlen++] = 0;
				r[rlen++] = 1;
				r[rlen++] = 0;
				r[rlen++] = 0;
				r[rlen++] = 0;
				r[rlen++] = 60;
				int rdlen_at = rlen;
				rlen += 2;
				for (off = 0; off < tl; off += 255) {
					size_t chunk = tl - off > 255 ? 255 : tl - off;

					r[rlen++] = (unsigned char)chunk;
					memcpy(r + rlen, hit->txt[k] + off, chunk);
					rlen += (int)chunk;
				}
				r[rdlen_at] = (unsigned char)((rlen - rdlen_at - 2) >> 8);
				r[rdlen_at + 1] = (unsigned char)((rlen - rdlen_at - 2) & 0xff);
				an++;
			}
		if (hit != NULL && hit->secure)
			r[3] |= 0x20;                 /* AD: authenticated data */
		r[7] = (unsigned char)an;
		sendto(fd, r, (size_t)rlen, 0, (struct sockaddr *)&from, flen);
	}
}

int
dns_fixture_start(const struct dns_fixture_name *names, size_t n, pid_t *pid)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	cr_assert(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	if ((*pid = fork()) == 0) {
		fixture_child();
		dns_serve(fd, names, n);
		_exit(0);
	}
	cr_assert(*pid > 0);
	close(fd);
	return (ntohs(sa.sin_port));
}

void
dns_fixture_stop(pid_t pid)
{
	fixture_kill(pid);
}
