#include "api/portal_files.h"

#include <string.h>

#define PORTAL_NAME_MAX 64

static const struct {
	const char *ext;
	const char *type;
} portal_types[] = {
	{"html", "text/html; charset=utf-8"},
	{"js", "text/javascript; charset=utf-8"},
	{"css", "text/css; charset=utf-8"},
	{"svg", "image/svg+xml"},
	{"json", "application/json"},
	{"txt", "text/plain; charset=utf-8"},
	{"png", "image/png"},
	{"ico", "image/x-icon"},
};

const char *
portal_files_content_type(const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t i;

	if (dot == NULL || dot == name)
		return (NULL);
	for (i = 0; i < sizeof(portal_types) / sizeof(portal_types[0]); i++)
		if (strcmp(dot + 1, portal_types[i].ext) == 0)
			return (portal_types[i].type);
	return (NULL);
}

static int
portal_files_alnum(char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
}

int
portal_files_name_ok(const char *name)
{
	size_t n = strlen(name), i;

	if (n == 0 || n > PORTAL_NAME_MAX || !portal_files_alnum(name[0]))
		return (0);
	for (i = 0; i < n; i++)
		if (!portal_files_alnum(name[i]) && name[i] != '.' && name[i] != '-' &&
		    name[i] != '_')
			return (0);
	if (strstr(name, "..") != NULL)
		return (0);
	return (portal_files_content_type(name) != NULL);
}

const char *
portal_files_cache_control(const char *name)
{
	const char *type = portal_files_content_type(name);

	if (type != NULL && strncmp(type, "text/html", 9) == 0)
		return ("no-cache");
	return ("public, max-age=300");
}
