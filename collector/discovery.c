#include "collector/discovery.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/regdomain.h"

static const char *const rule_names[] = {"confirmed", "registered_domain",
    "certificate_san", "third_party"};
static const double rule_confidence[] = {1.0, 0.9, 0.5, 0.2};

const char *
discovery_rule_name(enum discovery_rule r)
{
	return (r <= DISCOVERY_THIRD_PARTY ? rule_names[r] : "unknown");
}

double
discovery_confidence(enum discovery_rule r)
{
	return (r <= DISCOVERY_THIRD_PARTY ? rule_confidence[r] : 0.0);
}

int
discovery_name(const char *host, char out[DISCOVERY_NAME_MAX])
{
	size_t len, i, label = 0, labels = 1;

	if (strncmp(host, "*.", 2) == 0)
		host += 2;
	len = strlen(host);
	if (len > 0 && host[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return (-1);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)host[i];

		if (c == '.') {
			if (label == 0)
				return (-1);
			label = 0;
			labels++;
			out[i] = '.';
			continue;
		}
		if (!isalnum(c) && c != '-' && c != '_')
			return (-1);
		if (++label > 63)
			return (-1);
		out[i] = (char)tolower(c);
	}
	out[len] = '\0';
	return (label > 0 && labels >= 2 ? 0 : -1);
}

int
discovery_set_init(struct discovery_set *s, const char *const *seeds, size_t n, size_t max)
{
	char reg[DISCOVERY_NAME_MAX];
	size_t i, k;

	memset(s, 0, sizeof(*s));
	s->max = max > 0 ? max : 10000;
	if (n > 0 && (s->seeds = calloc(n, sizeof(*s->seeds))) == NULL)
		return (-1);
	for (i = 0; i < n; i++) {
		if (regdomain_of(seeds[i], reg, sizeof(reg)) != 0)
			continue;
		for (k = 0; k < s->nseeds && strcmp(s->seeds[k], reg) != 0; k++)
			;
		if (k == s->nseeds)
			strcpy(s->seeds[s->nseeds++], reg);
	}
	return (0);
}

void
discovery_set_free(struct discovery_set *s)
{
	free(s->items);
	free(s->seeds);
	memset(s, 0, sizeof(*s));
}

int
discovery_owned(const struct discovery_set *s, const char *name)
{
	char reg[DISCOVERY_NAME_MAX];
	size_t i;

	if (regdomain_of(name, reg, sizeof(reg)) != 0)
		return (0);
	for (i = 0; i < s->nseeds; i++)
		if (strcmp(s->seeds[i], reg) == 0)
			return (1);
	return (0);
}

int
discovery_add(struct discovery_set *s, const char *host, enum discovery_source source,
    int with_seed)
{
	char name[DISCOVERY_NAME_MAX];
	enum discovery_rule rule;
	struct discovery_found *f;
	size_t i;

	if (discovery_name(host, name) != 0)
		return (0);
	if (discovery_owned(s, name))
		rule = DISCOVERY_REGISTERED_DOMAIN;
	else if (source == DISCOVERY_SRC_CT && with_seed)
		rule = DISCOVERY_CERTIFICATE_SAN;
	else if (source == DISCOVERY_SRC_DNS)
		rule = DISCOVERY_THIRD_PARTY;
	else
		return (0);
	for (i = 0; i < s->n; i++)
		if (strcmp(s->items[i].name, name) == 0) {
			s->items[i].sources |= (unsigned)source;
			s->items[i].live |= source != DISCOVERY_SRC_CT;
			if (rule < s->items[i].rule)
				s->items[i].rule = rule;
			return (1);
		}
	if (s->n >= s->max) {
		s->dropped++;
		return (0);
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;

		if ((f = realloc(s->items, cap * sizeof(*f))) == NULL)
			return (-1);
		s->items = f;
		s->cap = cap;
	}
	f = &s->items[s->n++];
	strcpy(f->name, name);
	f->rule = rule;
	f->sources = (unsigned)source;
	f->live = source != DISCOVERY_SRC_CT;
	return (1);
}

int
discovery_certificate(void *set, const char *const *names, size_t n)
{
	struct discovery_set *s = set;
	char canon[DISCOVERY_NAME_MAX];
	size_t i;
	int with_seed = 0;

	/* Whether the certificate names one of the company's domains decides what its
	 * other names are. */
	for (i = 0; i < n; i++)
		with_seed |= discovery_name(names[i], canon) == 0 && discovery_owned(s, canon);
	for (i = 0; i < n; i++)
		if (discovery_add(s, names[i], DISCOVERY_SRC_CT, with_seed) < 0)
			return (-1);
	return (0);
}

int
discovery_certs_keep(void *certs, const char *const *names, size_t n)
{
	struct discovery_certs *c = certs;
	size_t i, need = 0, cap;
	void *p;

	for (i = 0; i < n; i++)
		need += strlen(names[i]) + 1;
	if (c->len + need > c->cap) {
		for (cap = c->cap ? c->cap : 65536; cap < c->len + need; cap *= 2)
			;
		if ((p = realloc(c->names, cap)) == NULL)
			return (-1);
		c->names = p;
		c->cap = cap;
	}
	if (c->n == c->ncap) {
		cap = c->ncap ? 2 * c->ncap : 1024;
		if ((p = realloc(c->count, cap * sizeof(*c->count))) == NULL)
			return (-1);
		c->count = p;
		c->ncap = cap;
	}
	for (i = 0; i < n; i++) {
		memcpy(c->names + c->len, names[i], strlen(names[i]) + 1);
		c->len += strlen(names[i]) + 1;
	}
	c->count[c->n++] = n;
	return (0);
}

#define CT_MAX_NAMES 1000

int
discovery_certs_offer(const struct discovery_certs *c, struct discovery_set *s)
{
	const char *list[CT_MAX_NAMES], *p = c->names;
	size_t i, k;

	for (i = 0; i < c->n; i++) {
		for (k = 0; k < c->count[i]; k++, p += strlen(p) + 1)
			if (k < CT_MAX_NAMES)
				list[k] = p;
		if (discovery_certificate(s, list, c->count[i] < CT_MAX_NAMES ? c->count[i] :
		    CT_MAX_NAMES) != 0)
			return (-1);
	}
	return (0);
}

void
discovery_certs_free(struct discovery_certs *c)
{
	free(c->names);
	free(c->count);
	memset(c, 0, sizeof(*c));
}

/* One certificate of crt.sh's JSON: its name_value (names separated by newlines) and
 * common name, split in a copy, handed to cert. */
static int
ct_certificate(const char *names, const char *cn, discovery_cert_fn *cert, void *arg)
{
	const char *list[CT_MAX_NAMES + 1];
	char *copy = strdup(names != NULL ? names : ""), *p, *end;
	size_t n = 0;
	int rc;

	if (copy == NULL)
		return (-1);
	for (p = copy; *p != '\0' && n < CT_MAX_NAMES; p = end) {
		end = p + strcspn(p, "\n");
		if (*end != '\0')
			*end++ = '\0';
		if (*p != '\0')
			list[n++] = p;
	}
	if (cn != NULL)
		list[n++] = cn;
	rc = cert(arg, list, n);
	free(copy);
	return (rc);
}

long
discovery_ct_json(const char *text, size_t len, discovery_cert_fn *cert, void *arg,
    char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, 0, &je), *c;
	size_t i;
	long n = 0;

	if (root == NULL) {
		snprintf(err, errlen, "line %d: %s", je.line, je.text);
		return (-1);
	}
	if (!json_is_array(root)) {
		snprintf(err, errlen, "not a JSON array of certificates");
		json_decref(root);
		return (-1);
	}
	json_array_foreach(root, i, c) {
		const char *names = json_string_value(json_object_get(c, "name_value"));
		const char *cn = json_string_value(json_object_get(c, "common_name"));

		if (!json_is_object(c) || (names == NULL && cn == NULL)) {
			snprintf(err, errlen, "certificate %zu: no name_value or common_name", i);
			json_decref(root);
			return (-1);
		}
		if (ct_certificate(names, cn, cert, arg) != 0) {
			snprintf(err, errlen, "out of memory");
			json_decref(root);
			return (-1);
		}
		n++;
	}
	json_decref(root);
	return (n);
}

int
discovery_wordlist_line(const char *line, char out[64])
{
	size_t len = strcspn(line, "\r\n"), i, k = 0;

	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	if (len == 0 || line[0] == '#')
		return (0);
	if (len > 63)
		return (-1);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if (!isalnum(c) && c != '-' && c != '_')
			return (-1);
		out[k++] = (char)tolower(c);
	}
	out[k] = '\0';
	return (1);
}
