/*
 * The DNS server of make bench-discover: answers on 127.0.0.1:PORT (UDP) for the
 * zones bench-N.test (N = 1..COMPANIES), as an authoritative server would:
 *   bench-N.test        A 192.0.2.1, MX mx.bench-N.test, TXT an SPF record including
 *                       _spf.mailer.example
 *   mx, www .bench-N.test  A 192.0.2.1;  vpn.bench-N.test  A, for even N
 *   shop.bench-N.test   CNAME bench-N.cdn.example (a CDN)
 * Every other name: NXDOMAIN. Runs until SIGTERM, then writes the number of queries it
 * answered to standard output.
 *   dns_zone PORT COMPANIES
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* The query's name (dotted, lower case) and type; the offset after the question. */
static int
question(const unsigned char *q, int len, char *name, int *type)
{
	int p = 12, used = 0, l;

	while (p < len && q[p] != 0) {
		l = q[p++];
		if (l > 63 || p + l > len || used + l + 2 > 255)
			return (-1);
		if (used > 0)
			name[used++] = '.';
		for (int i = 0; i < l; i++)
			name[used++] = (char)(q[p + i] | 0x20);
		p += l;
	}
	name[used] = '\0';
	if (p + 5 > len)
		return (-1);
	*type = q[p + 1] << 8 | q[p + 2];
	return (p + 5);
}

/* One answer record (owner: the question's name) of type with rdata. */
static int
record(unsigned char *r, int at, int type, const unsigned char *rd, int rdlen)
{
	unsigned char head[] = {0xc0, 12, 0, 0, 0, 1, 0, 0, 0, 60, 0, 0};

	head[3] = (unsigned char)type;
	head[10] = (unsigned char)(rdlen >> 8);
	head[11] = (unsigned char)rdlen;
	memcpy(r + at, head, sizeof(head));
	memcpy(r + at + 12, rd, (size_t)rdlen);
	return (at + 12 + rdlen);
}

/* A name in wire form into out; its length. */
static int
wire(const char *name, unsigned char *out)
{
	int n = 0;
	const char *l = name, *dot;

	for (; *l != '\0'; l = *dot ? dot + 1 : dot) {
		dot = l + strcspn(l, ".");
		out[n++] = (unsigned char)(dot - l);
		memcpy(out + n, l, (size_t)(dot - l));
		n += (int)(dot - l);
	}
	out[n++] = 0;
	return (n);
}

int
main(int argc, char **argv)
{
	static const unsigned char addr[] = {192, 0, 2, 1};
	unsigned char q[512], r[1024], rd[300];
	char name[256], host[64], target[300], txt[] = "\x27v=spf1 include:_spf.mailer.example -all";
	struct sockaddr_in sa, from;
	socklen_t fl;
	struct sigaction act;
	long companies, n, answered = 0;
	int fd, len, qend, type, at, an, nx, rdl;

	if (argc != 3 || (companies = strtol(argv[2], NULL, 10)) <= 0)
		return (2);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)atoi(argv[1]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		perror("dns_zone");
		return (1);
	}
	memset(&act, 0, sizeof(act));
	act.sa_handler = on_term;
	sigaction(SIGTERM, &act, NULL);
	while (!stop) {
		fl = sizeof(from);
		len = (int)recvfrom(fd, q, sizeof(q), 0, (struct sockaddr *)&from, &fl);
		if (len < 12 || (qend = question(q, len, name, &type)) < 0)
			continue;
		memcpy(r, q, (size_t)qend);
		r[2] = 0x84 | (q[2] & 0x01);
		r[3] = 0x80;
		memset(r + 6, 0, 6);
		r[4] = 0;
		r[5] = 1;
		at = qend;
		an = 0;
		nx = 1;
		host[0] = '\0';
		n = 0;
		/* [label.]bench-N.test */
		if (sscanf(name, "bench-%ld.tes%c", &n, target) == 2 && strchr(name, '.') ==
		    strrchr(name, '.'))
			nx = 0;
		else if (sscanf(name, "%63[^.].bench-%ld.test", host, &n) == 2) {
			nx = !(strcmp(host, "mx") == 0 || strcmp(host, "www") == 0 ||
			    strcmp(host, "shop") == 0 || (strcmp(host, "vpn") == 0 && n % 2 == 0));
		}
		if (n < 1 || n > companies)
			nx = 1;
		if (nx)
			r[3] |= 3;
		else if (strcmp(host, "shop") == 0 && (type == 1 || type == 28 || type == 5)) {
			snprintf(target, sizeof(target), "bench-%ld.cdn.example", n);
			rdl = wire(target, rd);
			at = record(r, at, 5, rd, rdl);
			an++;
		} else if (type == 1 && strcmp(host, "shop") != 0) {
			at = record(r, at, 1, addr, 4);
			an++;
		} else if (type == 15 && host[0] == '\0') {
			snprintf(target, sizeof(target), "mx.bench-%ld.test", n);
			rd[0] = 0;
			rd[1] = 10;
			rdl = 2 + wire(target, rd + 2);
			at = record(r, at, 15, rd, rdl);
			an++;
		} else if (type == 16 && host[0] == '\0') {
			at = record(r, at, 16, (unsigned char *)txt, (int)strlen(txt));
			an++;
		}
		r[7] = (unsigned char)an;
		sendto(fd, r, (size_t)at, 0, (struct sockaddr *)&from, fl);
		answered++;
	}
	printf("%ld\n", answered);
	return (0);
}
