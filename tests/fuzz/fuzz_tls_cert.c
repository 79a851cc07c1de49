/*
 * Certificates (collector/tls_cert): the input is a chain, parts separated by a line
 * "====": a part that starts with "-----BEGIN" is taken as PEM text, anything else as
 * DER, wrapped in PEM the way libcurl hands certificates over. The chain is checked
 * for www.example.test against the system's CA store. Checks: a leaf that parses
 * gives facts whose texts (issuer, key type, signature, verification message) are
 * NUL-terminated valid UTF-8, a fingerprint of 64 hex digits, and a verdict of 0 or 1.
 */
#include "tests/fuzz/fuzz.h"

#include <openssl/evp.h>

#include "collector/tls_cert.h"

#define MAX_PARTS 4

/* part (n bytes) as PEM text, malloc'd. */
static char *
as_pem(const uint8_t *part, size_t n)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----\n";
	static const char end[] = "-----END CERTIFICATE-----\n";
	char *pem;
	size_t cap, o, i, b64len;

	if (n >= 10 && memcmp(part, "-----BEGIN", 10) == 0)
		return (fuzz_strndup(part, n));
	b64len = 4 * ((n + 2) / 3);
	cap = sizeof(begin) + b64len + b64len / 64 + 2 + sizeof(end);
	FUZZ_CHECK((pem = malloc(cap)) != NULL);
	o = (size_t)snprintf(pem, cap, "%s", begin);
	for (i = 0; i < n; i += 48) {
		size_t chunk = n - i < 48 ? n - i : 48;

		o += (size_t)EVP_EncodeBlock((unsigned char *)pem + o, part + i, (int)chunk);
		pem[o++] = '\n';
	}
	snprintf(pem + o, cap - o, "%s", end);
	return (pem);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tls_cert_store *store;
	struct http_tls_facts facts;
	char *pems[MAX_PARTS];
	const uint8_t *part;
	size_t n = 0, len, i;
	int rc;

	if (store == NULL)
		FUZZ_CHECK((store = tls_cert_store_new(NULL)) != NULL);
	while (size > 0 && n < MAX_PARTS) {
		part = fuzz_split(&data, &size, "\n====\n", &len);
		pems[n++] = as_pem(part, len);
	}
	if (n == 0)
		return (0);
	memset(&facts, 0, sizeof(facts));
	rc = tls_cert_check(store, (const char *const *)pems, n, "www.example.test",
	    1767225600, &facts);
	FUZZ_CHECK(rc >= -1 && rc <= 1);
	if (rc != -1) {
		FUZZ_CHECK(facts.seen == 1);
		FUZZ_TEXT(facts.issuer);
		FUZZ_TEXT(facts.key_type);
		FUZZ_TEXT(facts.signature);
		FUZZ_TEXT(facts.verify_message);
		FUZZ_CHECK(strlen(facts.fingerprint) == 64 &&
		    strspn(facts.fingerprint, "0123456789abcdef") == 64);
		FUZZ_CHECK(rc == 0 || (facts.verify_error == 0 && facts.hostname_match));
	}
	for (i = 0; i < n; i++)
		free(pems[i]);
	return (0);
}
