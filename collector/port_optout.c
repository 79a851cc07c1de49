#include "collector/port_optout.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/address_policy.h"
#include "common/log.h"

#define OPTOUT_LINE_MAX 512

struct port_optout {
	struct address_policy_net *nets;
	size_t nnets, capnets;
	char **domains;
	size_t ndomains, capdomains;
};

struct port_optout *
port_optout_new(void)
{
	struct port_optout *o = calloc(1, sizeof(*o));

	if (o == NULL)
		log_error("opt-out: out of memory");
	return (o);
}

static int
optout_grow(void **items, size_t *cap, size_t n, size_t size)
{
	void *p;
	size_t ncap = *cap ? *cap * 2 : 16;

	if (n < *cap)
		return (0);
	if ((p = realloc(*items, ncap * size)) == NULL)
		return (-1);
	*items = p;
	*cap = ncap;
	return (0);
}

/* Whether s is a domain name: labels of a-z, 0-9 and '-', joined by dots. */
static int
optout_is_domain(const char *s)
{
	size_t label = 0, i, len = strlen(s);

	if (len == 0 || len > 253)
		return (0);
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0)
				return (0);
			label = 0;
		} else if (isalnum((unsigned char)s[i]) || s[i] == '-') {
			if (++label > 63)
				return (0);
		} else {
			return (0);
		}
	}
	return (label > 0);
}

int
port_optout_add(struct port_optout *o, const char *line, char *err, size_t errlen)
{
	char text[OPTOUT_LINE_MAX];
	size_t len, i;

	while (*line == ' ' || *line == '\t')
		line++;
	len = strcspn(line, "\r\n");
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (len == 0 || line[0] == '#')
		return (0);
	if (len >= sizeof(text)) {
		snprintf(err, errlen, "longer than %d bytes", OPTOUT_LINE_MAX - 1);
		return (-1);
	}
	memcpy(text, line, len);
	text[len] = '\0';
	for (i = 0; i < len; i++)
		text[i] = (char)tolower((unsigned char)text[i]);
	if (strchr(text, ',') == NULL && (strchr(text, ':') != NULL ||
	    strspn(text, "0123456789./") == len)) {
		size_t n = 0;

		if (optout_grow((void **)&o->nets, &o->capnets, o->nnets, sizeof(*o->nets)) != 0)
			goto nomem;
		if (address_policy_parse_allow(text, &o->nets[o->nnets], 1, &n) != 0 || n != 1) {
			snprintf(err, errlen, "'%.60s' is not an address or CIDR network", text);
			return (-1);
		}
		o->nnets++;
		return (0);
	}
	if (len > 1 && text[len - 1] == '.')
		text[--len] = '\0';
	if (!optout_is_domain(text)) {
		snprintf(err, errlen, "'%.60s' is not an address, a CIDR network or a domain",
		    text);
		return (-1);
	}
	if (optout_grow((void **)&o->domains, &o->capdomains, o->ndomains,
	    sizeof(*o->domains)) != 0 || (o->domains[o->ndomains] = strdup(text)) == NULL)
		goto nomem;
	o->ndomains++;
	return (0);
nomem:
	snprintf(err, errlen, "out of memory");
	return (-1);
}

int
port_optout_load(struct port_optout *o, const char *path, char *err, size_t errlen)
{
	char line[OPTOUT_LINE_MAX + 2], why[160];
	long lineno = 0;
	FILE *f;
	int rc = 0;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errlen, "%s:%ld: longer than %d bytes", path, lineno,
			    OPTOUT_LINE_MAX - 1);
			rc = -1;
			break;
		}
		if (port_optout_add(o, line, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "%s:%ld: %s", path, lineno, why);
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		rc = -1;
	}
	fclose(f);
	return (rc);
}

int
port_optout_address(const struct port_optout *o, const struct sockaddr *sa)
{
	return (o != NULL && address_policy_in_nets(sa, o->nets, o->nnets));
}

int
port_optout_domain(const struct port_optout *o, const char *domain)
{
	size_t i, dl = strlen(domain), l;

	for (i = 0; o != NULL && i < o->ndomains; i++) {
		l = strlen(o->domains[i]);
		if (dl == l && strcmp(domain, o->domains[i]) == 0)
			return (1);
		if (dl > l && domain[dl - l - 1] == '.' &&
		    strcmp(domain + dl - l, o->domains[i]) == 0)
			return (1);
	}
	return (0);
}

size_t
port_optout_count(const struct port_optout *o)
{
	return (o == NULL ? 0 : o->nnets + o->ndomains);
}

void
port_optout_free(struct port_optout *o)
{
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->ndomains; i++)
		free(o->domains[i]);
	free(o->domains);
	free(o->nets);
	free(o);
}
