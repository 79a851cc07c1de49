#include "collector/blocklist.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"

/* Whether s (n bytes) is an address or a CIDR network; its canonical text into out
 * (the network address with its prefix: host bits cleared). */
static int
blocklist_net(const char *s, size_t n, char out[BLOCKLIST_NET_MAX])
{
	char text[BLOCKLIST_NET_MAX], addr[INET6_ADDRSTRLEN];
	unsigned char bin[16];
	const char *slash;
	char *end;
	long prefix;
	int af, bits, i;

	if (n == 0 || n >= sizeof(text))
		return (0);
	memcpy(text, s, n);
	text[n] = '\0';
	slash = strchr(text, '/');
	if (slash != NULL)
		text[slash - text] = '\0';
	af = strchr(text, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(af, text, bin) != 1)
		return (0);
	bits = af == AF_INET ? 32 : 128;
	prefix = bits;
	if (slash != NULL) {
		prefix = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end != '\0' || prefix < 0 || prefix > bits)
			return (0);
	}
	for (i = (int)prefix; i < bits; i++)
		bin[i / 8] &= (unsigned char)~(0x80 >> (i % 8));
	if (inet_ntop(af, bin, addr, sizeof(addr)) == NULL)
		return (0);
	snprintf(out, BLOCKLIST_NET_MAX, "%s/%ld", addr, prefix);
	return (1);
}

/* The n bytes at s without blanks and quotes around them. */
static void
blocklist_trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t' || **s == '"')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' ||
	    (*s)[*n - 1] == '"' || (*s)[*n - 1] == '\r'))
		(*n)--;
}

static void
blocklist_ref(const char *s, size_t n, char ref[BLOCKLIST_REF_MAX])
{
	size_t i, k = 0;

	for (i = 0; i < n && k + 1 < BLOCKLIST_REF_MAX; i++)
		ref[k++] = isprint((unsigned char)s[i]) ? s[i] : '?';
	ref[k] = '\0';
}

int
blocklist_line(struct blocklist_reader *rd, const char *line, size_t len,
    char net[BLOCKLIST_NET_MAX], char ref[BLOCKLIST_REF_MAX], char *err, size_t errlen)
{
	const char *s = line, *f, *comma;
	size_t n = len, fn;
	int found = 0;

	ref[0] = '\0';
	if (len > BLOCKLIST_LINE_MAX) {
		snprintf(err, errlen, "a line longer than %d bytes", BLOCKLIST_LINE_MAX);
		return (-1);
	}
	if (memchr(line, '\0', len) != NULL || !utf8_valid(line, len)) {
		snprintf(err, errlen, "not UTF-8 text");
		return (-1);
	}
	blocklist_trim(&s, &n);
	if (n == 0 || s[0] == '#' || s[0] == ';')
		return (0);
	if (memchr(s, ',', n) != NULL) {
		/* CSV: the first field that is a network, the last one that is not. */
		for (f = s; f <= s + n; f = comma + 1) {
			comma = memchr(f, ',', (size_t)(s + n - f));
			if (comma == NULL)
				comma = s + n;
			fn = (size_t)(comma - f);
			blocklist_trim(&f, &fn);
			if (!found && blocklist_net(f, fn, net))
				found = 1;
			else if (fn > 0)
				blocklist_ref(f, fn, ref);
			if (comma == s + n)
				break;
		}
		if (!found) {
			if (rd->data_rows == 0)
				return (0);        /* the header row */
			snprintf(err, errlen, "no IP address in this row");
			return (-1);
		}
		rd->data_rows++;
		return (1);
	}
	/* Plain or DROP: the network, then an optional "; reference" or "# comment". */
	/* The line is not NUL-terminated at n: scan within it. */
	for (fn = 0; fn < n && strchr(" \t;#", s[fn]) == NULL; fn++)
		;
	if (!blocklist_net(s, fn, net)) {
		snprintf(err, errlen, "'%.*s' is not an IP address or CIDR network",
		    (int)(fn > 60 ? 60 : fn), s);
		return (-1);
	}
	f = s + fn;
	while (f < s + n && (*f == ' ' || *f == '\t' || *f == ';' || *f == '#'))
		f++;
	blocklist_ref(f, (size_t)(s + n - f), ref);
	rd->data_rows++;
	return (1);
}
