/* The ClientHello the TLS enumeration sends and its reading of the server's answer. */
#include <criterion/criterion.h>
#include <string.h>

#include "collector/tls_hello.h"

static const unsigned char rnd[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

static unsigned
get16(const unsigned char *p)
{
	return ((unsigned)p[0] << 8 | p[1]);
}

/* The offset of extension type in a ClientHello record m, or 0. */
static size_t
find_ext(const unsigned char *m, size_t len, unsigned type)
{
	size_t at = 5 + 4 + 2 + 32, end;

	at += 1 + m[at];
	at += 2 + get16(m + at);
	at += 1 + m[at];
	end = at + 2 + get16(m + at);
	cr_assert_eq(end, len, "the extensions end the record");
	for (at += 2; at + 4 <= end; at += 4 + get16(m + at + 2))
		if (get16(m + at) == type)
			return (at);
	return (0);
}

Test(tls_hello, a_hello_is_one_well_formed_record_pinned_to_its_version)
{
	unsigned char m[TLS_HELLO_MAX];
	uint16_t suites[192];
	size_t n = tls_suites(TLS_CLASS_N, suites, 192), at;
	int len = tls_hello_build(TLS_VER_11, suites, n, "www.example.test", rnd, m, sizeof(m));

	cr_assert_gt(len, 0);
	cr_expect_eq(m[0], 22);
	cr_expect_eq(get16(m + 3), (unsigned)len - 5, "record length");
	cr_expect_eq(m[5], 1, "a ClientHello");
	cr_expect_eq((size_t)m[6] << 16 | get16(m + 7), (size_t)len - 9, "handshake length");
	cr_expect_eq(get16(m + 9), 0x0302, "pinned by the hello's version");
	cr_expect_eq(memcmp(m + 11, rnd, 32), 0);
	cr_expect_eq(m[43], 0, "no session id below TLS 1.3");
	cr_expect_eq(get16(m + 44), 2 * (n + 1), "the suites and the renegotiation SCSV");
	cr_expect_eq(find_ext(m, (size_t)len, 43), 0, "no supported_versions");
	at = find_ext(m, (size_t)len, 0);
	cr_assert_neq(at, 0, "server_name present");
	cr_expect_eq(get16(m + at + 7), strlen("www.example.test"));
	cr_expect_eq(memcmp(m + at + 9, "www.example.test", 16), 0);
}

Test(tls_hello, tls13_is_pinned_by_supported_versions_with_a_key_share)
{
	unsigned char m[TLS_HELLO_MAX];
	int len = tls_hello_build(TLS_VER_13, NULL, 0, "192.0.2.1", rnd, m, sizeof(m));
	size_t at;

	cr_assert_gt(len, 0);
	cr_expect_eq(get16(m + 9), 0x0303, "legacy_version stays TLS 1.2");
	cr_expect_eq(find_ext(m, (size_t)len, 0), 0, "no SNI for an address (RFC 6066)");
	at = find_ext(m, (size_t)len, 43);
	cr_assert_neq(at, 0);
	cr_expect_eq(get16(m + at + 2), 3);
	cr_expect_eq(get16(m + at + 5), 0x0304, "TLS 1.3 alone");
	at = find_ext(m, (size_t)len, 51);
	cr_assert_neq(at, 0, "a key share");
	cr_expect_eq(get16(m + at + 6), 0x001d, "x25519");
}

Test(tls_hello, too_small_a_buffer_is_refused)
{
	unsigned char m[64];
	uint16_t s = 0x002f;

	cr_expect_eq(tls_hello_build(TLS_VER_12, &s, 1, "a.test", rnd, m, sizeof(m)), -1);
}

Test(tls_hello, suites_are_classed)
{
	uint16_t rc4[64];
	size_t n = tls_suites(TLS_CLASS_RC4, rc4, 64), i;
	int has_rsa_rc4 = 0;

	for (i = 0; i < n; i++) {
		cr_expect(tls_suite_classes(rc4[i]) & (1u << TLS_CLASS_RC4));
		has_rsa_rc4 |= rc4[i] == 0x0005;
	}
	cr_expect(has_rsa_rc4);
	cr_expect_str_eq(tls_suite_name(0x0005), "TLS_RSA_WITH_RC4_128_SHA");
	cr_expect_eq(tls_suite_classes(0x0005), 1u << TLS_CLASS_RC4 | 1u << TLS_CLASS_NO_FS);
	cr_expect_eq(tls_suite_classes(0xc02f), 0, "ECDHE-RSA-AES128-GCM is none");
	cr_expect_eq(tls_suite_classes(0xc013), 1u << TLS_CLASS_CBC_SHA1);
	cr_expect_eq(tls_suite_classes(0x000a), 1u << TLS_CLASS_3DES | 1u << TLS_CLASS_NO_FS);
	cr_expect_eq(tls_suite_classes(0x0034), 1u << TLS_CLASS_CBC_SHA1 | 1u << TLS_CLASS_ANON);
	cr_expect_eq(tls_suite_classes(0x0003) & (1u << TLS_CLASS_EXPORT), 1u << TLS_CLASS_EXPORT);
	cr_expect_eq(tls_suite_classes(0x0002) & (1u << TLS_CLASS_NULL), 1u << TLS_CLASS_NULL);
	cr_expect_eq(tls_suite_classes(0x1301), 0, "TLS 1.3 suites are in no class");
	cr_expect_null(tls_suite_name(0x5600));
	for (i = 0; i < (size_t)TLS_CLASS_N; i++)
		cr_expect_gt(tls_suites((enum tls_suite_class)i, rc4, 64), 0, "%s",
		    tls_class_name((enum tls_suite_class)i));
}

/* A ServerHello record: version, suite, and optional extensions ext[0..elen). */
static size_t
server_hello(unsigned char *out, unsigned version, uint16_t suite, const unsigned char *ext,
    size_t elen, const unsigned char *random)
{
	size_t body = 2 + 32 + 1 + 2 + 1 + (elen ? 2 + elen : 0);

	out[0] = 22;
	out[1] = 3;
	out[2] = 3;
	out[3] = (unsigned char)((body + 4) >> 8);
	out[4] = (unsigned char)(body + 4);
	out[5] = 2;
	out[6] = 0;
	out[7] = (unsigned char)(body >> 8);
	out[8] = (unsigned char)body;
	out[9] = (unsigned char)(version >> 8);
	out[10] = (unsigned char)version;
	memcpy(out + 11, random, 32);
	out[43] = 0;
	out[44] = (unsigned char)(suite >> 8);
	out[45] = (unsigned char)suite;
	out[46] = 0;
	if (elen) {
		out[47] = (unsigned char)(elen >> 8);
		out[48] = (unsigned char)elen;
		memcpy(out + 49, ext, elen);
	}
	return (5 + 4 + body);
}

Test(tls_hello, server_hello_alert_and_garbage)
{
	static const unsigned char sv13[] = {0, 43, 0, 2, 3, 4};
	static const unsigned char alert[] = {21, 3, 3, 0, 2, 2, 70};
	struct tls_server_hello h;
	unsigned char m[256];
	size_t len = server_hello(m, 0x0301, 0x0005, NULL, 0, rnd), k;

	cr_expect_eq(tls_reply_parse(m, len, &h), TLS_REPLY_HELLO);
	cr_expect_eq(h.version, 0x0301);
	cr_expect_eq(h.suite, 0x0005);
	for (k = 0; k < len; k++)
		cr_expect_eq(tls_reply_parse(m, k, &h), TLS_REPLY_MORE, "cut at %zu", k);
	len = server_hello(m, 0x0303, 0x1301, sv13, sizeof(sv13), rnd);
	cr_expect_eq(tls_reply_parse(m, len, &h), TLS_REPLY_HELLO);
	cr_expect_eq(h.version, 0x0304, "supported_versions decides");
	cr_expect_eq(h.retry, 0);
	cr_expect_eq(tls_reply_parse(alert, sizeof(alert), &h), TLS_REPLY_ALERT);
	cr_expect_eq(h.alert, 70, "protocol_version");
	cr_expect_eq(tls_reply_parse((const unsigned char *)"HTTP/1.1 400 Bad Request\r\n",
	    26, &h), TLS_REPLY_BAD);
	m[5] = 11;                            /* a Certificate first */
	cr_expect_eq(tls_reply_parse(m, len, &h), TLS_REPLY_BAD);
}

Test(tls_hello, a_hello_split_over_two_records_and_a_retry_request)
{
	static const unsigned char hrr[32] = {0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
	    0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
	    0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};
	static const unsigned char sv13[] = {0, 43, 0, 2, 3, 4};
	struct tls_server_hello h;
	unsigned char one[256], two[300];
	size_t len = server_hello(one, 0x0303, 0x1302, sv13, sizeof(sv13), hrr), body = len - 5;
	size_t first = 20;

	/* Record 1 holds the first 20 bytes of the message, record 2 the rest. */
	memcpy(two, one, 5);
	two[3] = 0;
	two[4] = (unsigned char)first;
	memcpy(two + 5, one + 5, first);
	two[5 + first] = 22;
	two[6 + first] = 3;
	two[7 + first] = 3;
	two[8 + first] = (unsigned char)((body - first) >> 8);
	two[9 + first] = (unsigned char)(body - first);
	memcpy(two + 10 + first, one + 5 + first, body - first);
	cr_expect_eq(tls_reply_parse(two, 10 + body, &h), TLS_REPLY_HELLO);
	cr_expect_eq(h.version, 0x0304);
	cr_expect_eq(h.suite, 0x1302);
	cr_expect_eq(h.retry, 1, "a HelloRetryRequest still accepts TLS 1.3");
	cr_expect_eq(tls_reply_parse(two, 10 + first + 3, &h), TLS_REPLY_MORE);
}
