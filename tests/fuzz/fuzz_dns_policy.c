/*
 * The DNS-policy readers (collector/dns_policy, collector/dns_mail): any bytes as a
 * resolver's answer whose CAA records are read, and as an MTA-STS and a TLS-RPT
 * record. Checks: every CAA record read has a lowercase tag of 1-15 letters and
 * digits and a NUL-terminated value; the answer walk never reports records it could
 * not bound; the record readers give a reason whenever they refuse.
 */
#include "tests/fuzz/fuzz.h"

#include <ctype.h>

#include "collector/dns_mail.h"
#include "collector/dns_policy.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char *rd[8];
	size_t rl[8], k, t;
	struct dns_caa caa;
	unsigned char *copy;
	char *text, err[96];
	int n;

	if (size > 65535)
		return (0);
	copy = malloc(size ? size : 1);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, data, size);
	n = dns_mail_answers(copy, (int)size, 257, rd, rl, 8);
	for (k = 0; n > 0 && k < (size_t)n && k < 8; k++) {
		FUZZ_CHECK(rd[k] >= copy && rd[k] + rl[k] <= copy + size);
		if (dns_policy_caa_rdata(rd[k], rl[k], &caa) != 0)
			continue;
		FUZZ_CHECK(caa.tag[0] != '\0' && strlen(caa.tag) < sizeof(caa.tag));
		for (t = 0; caa.tag[t] != '\0'; t++)
			FUZZ_CHECK(isalnum((unsigned char)caa.tag[t]) &&
			    !isupper((unsigned char)caa.tag[t]));
		FUZZ_CHECK(strlen(caa.value) < sizeof(caa.value));
	}
	free(copy);
	text = fuzz_strndup(data, size);
	err[0] = '\0';
	if (dns_policy_mta_sts(text, err, sizeof(err)) != 0)
		FUZZ_CHECK(err[0] != '\0');
	err[0] = '\0';
	if (dns_policy_tlsrpt(text, err, sizeof(err)) != 0)
		FUZZ_CHECK(err[0] != '\0');
	free(text);
	return (0);
}
