#include "collector/software.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "collector/versions.h"

/* What servers call themselves, and the product id it means. */
static const struct {
	const char *token;
	const char *product;
} products[] = {
	{"nginx", "nginx"}, {"openresty", "openresty"}, {"apache", "apache-http-server"},
	{"microsoft-iis", "iis"}, {"php", "php"}, {"lighttpd", "lighttpd"},
	{"openssh", "openssh"}, {"proftpd", "proftpd"}, {"vsftpd", "vsftpd"},
	{"exim", "exim"}, {"mysql", "mysql"}, {"mariadb", "mariadb"},
	{"caddy", "caddy"}, {"envoy", "envoy"}, {"tomcat", "tomcat"},
	{"express", "express"}, {"asp.net", "dotnet"},
};

#define NPRODUCTS (sizeof(products) / sizeof(products[0]))

static const char *
product_of(const char *token, size_t n)
{
	size_t i;

	for (i = 0; i < NPRODUCTS; i++)
		if (strlen(products[i].token) == n && strncasecmp(token, products[i].token, n) == 0)
			return (products[i].product);
	return (NULL);
}

int
software_product_known(const char *id)
{
	size_t i;

	for (i = 0; i < NPRODUCTS; i++)
		if (strcmp(products[i].product, id) == 0)
			return (1);
	return (0);
}

/* The version that starts at v: digits, letters and separators, up to a blank or
 * bracket; trailing separators dropped. */
static int
take_version(const char *v, char out[SOFTWARE_VERSION_MAX])
{
	size_t n = 0;

	while (v[n] != '\0' && n + 1 < SOFTWARE_VERSION_MAX &&
	    (isalnum((unsigned char)v[n]) || strchr(".-_+~", v[n]) != NULL))
		n++;
	while (n > 0 && strchr(".-_+~", v[n - 1]) != NULL)
		n--;
	memcpy(out, v, n);
	out[n] = '\0';
	return (versions_valid(out));
}

static int
found(const char *product, const char *version, struct software *out)
{
	snprintf(out->product, sizeof(out->product), "%s", product);
	return (take_version(version, out->version));
}

int
software_from_header(const char *value, struct software *out)
{
	const char *p = value, *slash, *end;
	const char *product;

	memset(out, 0, sizeof(*out));
	/* Tokens "Name/Version", separated by blanks ("Apache/2.4.29 (Ubuntu) PHP/7.2"). */
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		end = p + strcspn(p, " \t,");
		slash = memchr(p, '/', (size_t)(end - p));
		if (slash != NULL && (product = product_of(p, (size_t)(slash - p))) != NULL &&
		    found(product, slash + 1, out))
			return (1);
		p = end;
	}
	memset(out, 0, sizeof(*out));
	return (0);
}

/* Where needle first occurs in s, in any case; NULL when it does not. */
static const char *
find_ci(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; *s != '\0'; s++)
		if (strncasecmp(s, needle, n) == 0)
			return (s);
	return (NULL);
}

/* The first word of s that starts with a digit, after the word word (any case). */
static const char *
version_after(const char *s, const char *word)
{
	const char *p = find_ci(s, word);

	if (p == NULL)
		return (NULL);
	p += strlen(word);
	while (*p == ' ' || *p == '_' || *p == '/' || *p == '-')
		p++;
	return (isdigit((unsigned char)*p) ? p : NULL);
}

int
software_from_banner(const char *service, const char *banner, struct software *out)
{
	static const char *const words[] = {"openssh", "proftpd", "vsftpd", "exim"};
	const char *v;
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if ((v = version_after(banner, words[i])) != NULL &&
		    found(product_of(words[i], strlen(words[i])), v, out))
			return (1);
	/* A MySQL or MariaDB greeting's excerpt is its server version. */
	if (service != NULL && strcmp(service, "mysql") == 0 && isdigit((unsigned char)banner[0]))
		return (found(find_ci(banner, "mariadb") ? "mariadb" : "mysql", banner, out));
	memset(out, 0, sizeof(*out));
	return (0);
}
