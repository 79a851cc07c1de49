#include "common/attachment.h"

#include <string.h>

#include "common/utf8.h"

static const char *const allowed_types[] = {
	"application/pdf", "image/png", "image/jpeg", "text/plain", "text/csv",
};

int
attachment_type_allowed(const char *content_type)
{
	size_t i;

	for (i = 0; content_type != NULL && i < sizeof(allowed_types) / sizeof(*allowed_types);
	    i++)
		if (strcmp(content_type, allowed_types[i]) == 0)
			return (1);
	return (0);
}

int
attachment_filename_ok(const char *name)
{
	const unsigned char *p;
	size_t n;

	if (name == NULL || name[0] == '\0')
		return (0);
	n = strlen(name);
	if (n > ATTACHMENT_FILENAME_MAX * 4 || !utf8_valid(name, n) ||
	    utf8_length(name, n) > ATTACHMENT_FILENAME_MAX)
		return (0);
	for (p = (const unsigned char *)name; *p; p++)
		if (*p == '/' || *p == '\\' || *p < 0x20 || *p == 0x7f)
			return (0);
	return (1);
}

static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (c - 'A');
	if (c >= 'a' && c <= 'z')
		return (c - 'a' + 26);
	if (c >= '0' && c <= '9')
		return (c - '0' + 52);
	if (c == '+')
		return (62);
	if (c == '/')
		return (63);
	return (-1);
}

long
attachment_base64_decode(const char *s, size_t len, unsigned char *out)
{
	unsigned acc = 0;
	size_t i, n = 0;
	int bits = 0, v;

	while (len > 0 && s[len - 1] == '=')
		len--;
	for (i = 0; i < len; i++) {
		if ((v = b64_value((unsigned char)s[i])) < 0)
			return (-1);
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	return (bits >= 6 ? -1 : (long)n);
}
