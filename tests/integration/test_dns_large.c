/* A DNS answer larger than the resolver's buffer. The scanned domains' name servers
 * are outside input: one can set TC over UDP and then send a TCP answer of up to
 * 64 KB. res_nquery then keeps only what fits, yet returns the whole length, and
 * dns_mail_lookup must not read past its buffer: such an answer is a failed lookup. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collector/dns_mail.h"
#include "collector/mail_auth.h"

#define LARGE_ANSWERS 100             /* TXT records of 250 bytes: about 26 KB */

/* Read exactly n bytes; 0 or -1. */
static int
read_all(int fd, unsigned char *p, size_t n)
{
	ssize_t got;

	while (n > 0) {
		if ((got = read(fd, p, n)) <= 0)
			return (-1);
		p += got;
		n -= (size_t)got;
	}
	return (0);
}

/* Answer one TCP query with LARGE_ANSWERS TXT records for the question's name. */
static void
serve_tcp(int fd)
{
	static unsigned char out[2 + 512 + LARGE_ANSWERS * 263];
	unsigned char q[514];
	size_t qlen, len, i, qend;

	if (read_all(fd, q, 2) != 0 || (qlen = (size_t)(q[0] << 8 | q[1])) < 17 ||
	    qlen > 512 || read_all(fd, q, qlen) != 0)
		return;
	for (qend = 12; qend < qlen && q[qend] != 0; qend += 1 + q[qend])
		;
	qend += 5;                    /* the root label, QTYPE, QCLASS */
	if (qend > qlen)
		return;
	memcpy(out + 2, q, qend);
	out[2 + 2] = 0x84;            /* QR, AA */
	out[2 + 3] = 0;
	out[2 + 6] = LARGE_ANSWERS >> 8;
	out[2 + 7] = LARGE_ANSWERS & 0xff;
	memset(out + 2 + 8, 0, 4);
	len = 2 + qend;
	for (i = 0; i < LARGE_ANSWERS; i++) {
		static const unsigned char rr[] = {0xc0, 0x0c, 0, 16, 0, 1, 0, 0, 0, 60, 0,
		    251, 250};

		memcpy(out + len, rr, sizeof(rr));
		len += sizeof(rr);
		memset(out + len, 'a', 250);
		len += 250;
	}
	out[0] = (unsigned char)((len - 2) >> 8);
	out[1] = (unsigned char)((len - 2) & 0xff);
	if (write(fd, out, len) != (ssize_t)len)
		return;
}

/* A child answering every UDP query with TC and every TCP query with the large
 * answer, on one port of 127.0.0.1; the port is returned. */
static int
start_server(pid_t *pid)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int u, t, one = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert((t = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	cr_assert_eq(bind(t, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(getsockname(t, (struct sockaddr *)&sa, &sl), 0);
	cr_assert_eq(listen(t, 8), 0);
	cr_assert((u = socket(AF_INET, SOCK_DGRAM, 0)) >= 0);
	cr_assert_eq(bind(u, (struct sockaddr *)&sa, sizeof(sa)), 0, "UDP port taken");
	cr_assert((*pid = fork()) >= 0);
	if (*pid == 0) {
		unsigned char m[512];
		struct sockaddr_in from;
		socklen_t fl;
		fd_set fds;
		ssize_t n;
		int c;

		for (;;) {
			FD_ZERO(&fds);
			FD_SET(u, &fds);
			FD_SET(t, &fds);
			if (select((u > t ? u : t) + 1, &fds, NULL, NULL, NULL) < 0)
				_exit(1);
			if (FD_ISSET(u, &fds)) {
				fl = sizeof(from);
				n = recvfrom(u, m, sizeof(m), 0, (struct sockaddr *)&from, &fl);
				if (n >= 12) {
					m[2] |= 0x86;        /* QR, AA, TC */
					m[3] = 0;
					memset(m + 6, 0, 6);
					sendto(u, m, (size_t)n, 0, (struct sockaddr *)&from, fl);
				}
			}
			if (FD_ISSET(t, &fds) && (c = accept(t, NULL, NULL)) >= 0) {
				serve_tcp(c);
				close(c);
			}
		}
	}
	close(u);
	close(t);
	return (ntohs(sa.sin_port));
}

Test(dns_large, an_answer_past_the_buffer_is_a_failed_lookup, .timeout = 30)
{
	struct mail_auth_txt txt;
	struct dns_mail *dns;
	char ns[32];
	pid_t pid;

	snprintf(ns, sizeof(ns), "127.0.0.1:%d", start_server(&pid));
	cr_assert_not_null(dns = dns_mail_new(ns, 2, 1));
	cr_expect_eq(dns_mail_lookup(dns, "big.test", &txt), -1);
	cr_expect_eq(txt.n, 0);
	dns_mail_free(dns);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}
