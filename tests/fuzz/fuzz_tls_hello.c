/*
 * The TLS enumeration's wire code (collector/tls_hello): the input is read as a
 * server's answer, and also drives a ClientHello (its first byte the version, the next
 * bytes a server name, the rest suite numbers). Checks: the answer is classified
 * without reading past the input; a ServerHello is read only from enough bytes to hold
 * one; a hello that is built is one record whose lengths add up.
 */
#include "tests/fuzz/fuzz.h"

#include "collector/tls_hello.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_server_hello h;
	enum tls_reply r;
	unsigned char out[TLS_HELLO_MAX], rnd[32] = {0};
	uint16_t suites[64];
	char sni[64];
	size_t n = 0, i, namelen;
	int len;

	r = tls_reply_parse(data, size, &h);
	FUZZ_CHECK(r == TLS_REPLY_MORE || r == TLS_REPLY_HELLO || r == TLS_REPLY_ALERT ||
	    r == TLS_REPLY_BAD);
	if (r == TLS_REPLY_HELLO)
		FUZZ_CHECK(size >= 5 + 4 + 38 && (h.retry == 0 || h.retry == 1));
	if (size < 2)
		return (0);
	namelen = data[1] % sizeof(sni);
	if (namelen > size - 2)
		namelen = size - 2;
	memcpy(sni, data + 2, namelen);
	sni[namelen] = '\0';
	for (i = 2 + namelen; i + 1 < size && n < 64; i += 2)
		suites[n++] = (uint16_t)(data[i] << 8 | data[i + 1]);
	len = tls_hello_build((enum tls_version_idx)(data[0] % (TLS_VER_N + 1)), suites, n,
	    sni, rnd, out, sizeof(out));
	if (data[0] % (TLS_VER_N + 1) == TLS_VER_N) {
		FUZZ_CHECK(len == -1);
		return (0);
	}
	FUZZ_CHECK(len > 9 && (size_t)len <= sizeof(out));
	FUZZ_CHECK(out[0] == 22 && (size_t)(out[3] << 8 | out[4]) == (size_t)len - 5);
	FUZZ_CHECK(((size_t)out[6] << 16 | (size_t)out[7] << 8 | out[8]) == (size_t)len - 9);
	return (0);
}
