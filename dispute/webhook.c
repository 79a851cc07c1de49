#include "dispute/webhook.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/sha256.h"

#define WEBHOOK_BACKOFF_MAX (6 * 3600)

int
webhook_url_valid(const char *url)
{
	const char *host, *p;
	size_t len = strlen(url), hostlen;

	if (len > WEBHOOK_URL_MAX || strncasecmp(url, "https://", 8) != 0)
		return (0);
	for (p = url; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return (0);
	host = url + 8;
	hostlen = strcspn(host, "/?#");
	if (hostlen == 0 || memchr(host, '@', hostlen) != NULL || host[0] == ':')
		return (0);
	return (1);
}

int
webhook_url_literal(const char *url, struct sockaddr_storage *out)
{
	char host[256];
	const char *h = url + 8, *end;
	size_t n = strcspn(h, "/?#");
	struct sockaddr_in *v4 = (struct sockaddr_in *)out;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)out;

	memset(out, 0, sizeof(*out));
	if (h[0] == '[') {
		if ((end = memchr(h, ']', n)) == NULL || (size_t)(end - h - 1) >= sizeof(host))
			return (0);
		snprintf(host, sizeof(host), "%.*s", (int)(end - h - 1), h + 1);
		v6->sin6_family = AF_INET6;
		return (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1);
	}
	if ((end = memchr(h, ':', n)) != NULL)       /* a port */
		n = (size_t)(end - h);
	if (n == 0 || n >= sizeof(host))
		return (0);
	snprintf(host, sizeof(host), "%.*s", (int)n, h);
	if (host[n - 1] == '.')                     /* "127.0.0.1." resolves the same */
		host[n - 1] = '\0';
	v4->sin_family = AF_INET;
	return (inet_aton(host, &v4->sin_addr) != 0);
}

static int
webhook_hmac(const char *secret, int64_t t, const void *body, size_t len, char hex[65])
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	unsigned char *msg;
	int plen, ok;

	if ((msg = malloc(len + 24)) == NULL)
		return (-1);
	plen = snprintf((char *)msg, 24, "%" PRId64 ".", t);
	memcpy(msg + plen, body, len);
	ok = HMAC(EVP_sha256(), secret, (int)strlen(secret), msg, (size_t)plen + len, mac,
	    &maclen) != NULL && maclen == 32;
	free(msg);
	if (!ok)
		return (-1);
	hex_encode(mac, maclen, hex);
	return (0);
}

int
webhook_sign(const char *secret, int64_t t, const void *body, size_t len,
    char out[WEBHOOK_SIGNATURE_MAX])
{
	char hex[65];

	if (webhook_hmac(secret, t, body, len, hex) != 0)
		return (-1);
	snprintf(out, WEBHOOK_SIGNATURE_MAX, "t=%" PRId64 ",v1=%s", t, hex);
	return (0);
}

int
webhook_verify(const char *secret, const char *header, const void *body, size_t len,
    int64_t now, int64_t tolerance)
{
	const char *v1;
	char hex[65], *end;
	long long t;

	if (header == NULL || strncmp(header, "t=", 2) != 0)
		return (0);
	t = strtoll(header + 2, &end, 10);
	if (end == header + 2 || strncmp(end, ",v1=", 4) != 0)
		return (0);
	v1 = end + 4;
	if (strlen(v1) != 64 || (int64_t)t < now - tolerance || (int64_t)t > now + tolerance)
		return (0);
	if (webhook_hmac(secret, (int64_t)t, body, len, hex) != 0)
		return (0);
	return (CRYPTO_memcmp(hex, v1, 64) == 0);
}

int64_t
webhook_backoff(int attempts, int64_t base)
{
	int64_t d;
	int i;

	if (base <= 0)
		base = 30;
	d = base;
	for (i = 1; i < attempts && d < WEBHOOK_BACKOFF_MAX; i++)
		d *= 2;
	return (d > WEBHOOK_BACKOFF_MAX ? WEBHOOK_BACKOFF_MAX : d);
}

int
webhook_delivered(long status)
{
	return (status >= 200 && status <= 299);
}
