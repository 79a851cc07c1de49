/*
 * DNS answers (collector/dns_mail's dns_mail_parse_txt): any bytes as the resolver's
 * reply to a TXT query. Checks: at most MAIL_AUTH_MAX_RECORDS records, each
 * NUL-terminated within MAIL_AUTH_MAX_TXT; and the records kept, written into a new
 * answer (strings of at most 255 bytes), parse back the same.
 */
#include "tests/fuzz/fuzz.h"

#include "collector/dns_mail.h"

/* An answer to "x." IN TXT holding the records of in, each as one TXT RR. */
static size_t
build_answer(const struct mail_auth_txt *in, unsigned char *msg, size_t cap)
{
	static const unsigned char head[] = {0x12, 0x34, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0,
	    1, 'x', 0, 0, 16, 0, 1};
	size_t o = sizeof(head), i, len, k, part, rdlen_at;

	memcpy(msg, head, sizeof(head));
	msg[7] = (unsigned char)in->n;
	for (i = 0; i < in->n; i++) {
		len = strlen(in->rec[i]);
		FUZZ_CHECK(o + 12 + len + len / 255 + 1 <= cap);
		msg[o++] = 0xc0, msg[o++] = 12;               /* the name: "x." above */
		msg[o++] = 0, msg[o++] = 16, msg[o++] = 0, msg[o++] = 1;
		msg[o++] = 0, msg[o++] = 0, msg[o++] = 0x0e, msg[o++] = 0x10;
		rdlen_at = o;
		o += 2;
		for (k = 0; k < len || (len == 0 && k == 0); k += part) {
			part = len - k > 255 ? 255 : len - k;
			msg[o++] = (unsigned char)part;
			memcpy(msg + o, in->rec[i] + k, part);
			o += part;
			if (len == 0)
				break;
		}
		msg[rdlen_at] = (unsigned char)((o - rdlen_at - 2) >> 8);
		msg[rdlen_at + 1] = (unsigned char)(o - rdlen_at - 2);
	}
	return (o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mail_auth_txt txt, again;
	static unsigned char msg[MAIL_AUTH_MAX_RECORDS * (MAIL_AUTH_MAX_TXT + 32) + 64];
	unsigned char *copy;
	size_t i, n;

	if (size > 65535)
		return (0);
	/* An exact copy, so that ASan sees a read past the message. */
	copy = malloc(size ? size : 1);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, data, size);
	memset(&txt, 0xAA, sizeof(txt));
	if (dns_mail_parse_txt(copy, (int)size, &txt) != 0) {
		free(copy);
		return (0);
	}
	free(copy);
	FUZZ_CHECK(txt.n <= MAIL_AUTH_MAX_RECORDS);
	for (i = 0; i < txt.n; i++)
		FUZZ_CHECK(memchr(txt.rec[i], '\0', MAIL_AUTH_MAX_TXT) != NULL);
	n = build_answer(&txt, msg, sizeof(msg));
	FUZZ_CHECK(dns_mail_parse_txt(msg, (int)n, &again) == 0);
	FUZZ_CHECK(again.n == txt.n);
	for (i = 0; i < txt.n; i++)
		FUZZ_CHECK(strcmp(again.rec[i], txt.rec[i]) == 0);
	return (0);
}
