#include "collector/port_services.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "collector/scan_results.h"

/*
 * Classes follow docs/methodology.md: open_port_risky is a database, remote desktop,
 * file sharing or an unauthenticated control API; insecure_protocol a protocol that
 * sends passwords in clear; open_port_admin an administration interface that
 * authenticates (SSH, WinRM, the Kubernetes API); open_port_other anything else.
 */
static const struct port_service port_catalogue[] = {
	/* name            port  class                speaks probe           default */
	{"ftp",              21, PORT_CLASS_INSECURE, 1, "AUTH TLS\r\n", 1},
	{"ssh",              22, PORT_CLASS_ADMIN,    1, NULL,           1},
	{"telnet",           23, PORT_CLASS_INSECURE, 1, NULL,           1},
	{"smtp",             25, PORT_CLASS_OTHER,    1, NULL,           0},
	{"tftp",             69, PORT_CLASS_INSECURE, 0, NULL,           0}, /* UDP */
	{"pop3",            110, PORT_CLASS_INSECURE, 1, NULL,           0},
	{"msrpc",           135, PORT_CLASS_RISKY,    0, NULL,           1},
	{"netbios-ssn",     139, PORT_CLASS_RISKY,    0, NULL,           1},
	{"imap",            143, PORT_CLASS_INSECURE, 1, NULL,           0},
	{"snmp",            161, PORT_CLASS_INSECURE, 0, NULL,           0}, /* UDP */
	{"ldap",            389, PORT_CLASS_RISKY,    0, NULL,           1},
	{"smb",             445, PORT_CLASS_RISKY,    0, NULL,           1},
	{"rexec",           512, PORT_CLASS_INSECURE, 0, NULL,           0},
	{"rlogin",          513, PORT_CLASS_INSECURE, 0, NULL,           0},
	{"rsh",             514, PORT_CLASS_INSECURE, 0, NULL,           0},
	{"ipmi",            623, PORT_CLASS_ADMIN,    0, NULL,           0},
	{"mssql",          1433, PORT_CLASS_RISKY,    0, NULL,           1},
	{"oracle",         1521, PORT_CLASS_RISKY,    0, NULL,           1},
	{"cpanel",         2082, PORT_CLASS_ADMIN,    0, NULL,           0},
	{"cpanel-tls",     2083, PORT_CLASS_ADMIN,    0, NULL,           0},
	{"docker",         2375, PORT_CLASS_RISKY,    0, NULL,           1},
	{"docker-tls",     2376, PORT_CLASS_ADMIN,    0, NULL,           1},
	{"etcd",           2379, PORT_CLASS_RISKY,    0, NULL,           1},
	{"mysql",          3306, PORT_CLASS_RISKY,    1, NULL,           1},
	{"rdp",            3389, PORT_CLASS_RISKY,    0, NULL,           1},
	{"postgresql",     5432, PORT_CLASS_RISKY,    0, NULL,           1},
	{"amqp",           5672, PORT_CLASS_OTHER,    0, NULL,           1},
	{"vnc",            5900, PORT_CLASS_RISKY,    1, NULL,           1},
	{"couchdb",        5984, PORT_CLASS_RISKY,    0, NULL,           1},
	{"winrm",          5985, PORT_CLASS_ADMIN,    0, NULL,           1},
	{"winrm-tls",      5986, PORT_CLASS_ADMIN,    0, NULL,           1},
	{"redis",          6379, PORT_CLASS_RISKY,    0, "PING\r\n",     1},
	{"kubernetes",     6443, PORT_CLASS_ADMIN,    0, NULL,           1},
	{"http-alt",       8080, PORT_CLASS_ADMIN,    0, NULL,           0},
	{"https-alt",      8443, PORT_CLASS_ADMIN,    0, NULL,           0},
	{"http-alt2",      8888, PORT_CLASS_ADMIN,    0, NULL,           0},
	{"http-admin",     9000, PORT_CLASS_ADMIN,    0, NULL,           0},
	{"cassandra",      9042, PORT_CLASS_RISKY,    0, NULL,           1},
	{"http-admin2",    9090, PORT_CLASS_ADMIN,    0, NULL,           0},
	{"elasticsearch",  9200, PORT_CLASS_RISKY,    0, NULL,           1},
	{"webmin",        10000, PORT_CLASS_ADMIN,    0, NULL,           0},
	{"kubelet",       10250, PORT_CLASS_ADMIN,    0, NULL,           1},
	{"memcached",     11211, PORT_CLASS_RISKY,    0, NULL,           1},
	{"rabbitmq-admin", 15672, PORT_CLASS_ADMIN,   0, NULL,           1},
	{"mongodb",       27017, PORT_CLASS_RISKY,    0, NULL,           1},
};

#define PORT_CATALOGUE_N (sizeof(port_catalogue) / sizeof(port_catalogue[0]))

const struct port_service *
port_services_by_port(int port)
{
	size_t i;

	for (i = 0; i < PORT_CATALOGUE_N; i++)
		if (port_catalogue[i].port == port)
			return (&port_catalogue[i]);
	return (NULL);
}

const struct port_service *
port_services_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < PORT_CATALOGUE_N; i++)
		if (strcmp(port_catalogue[i].name, name) == 0)
			return (&port_catalogue[i]);
	return (NULL);
}

const char *
port_services_class_code(enum port_class c)
{
	switch (c) {
	case PORT_CLASS_RISKY:
		return ("exposed_services.open_port_risky");
	case PORT_CLASS_INSECURE:
		return ("exposed_services.insecure_protocol");
	case PORT_CLASS_ADMIN:
		return ("exposed_services.open_port_admin");
	default:
		return ("exposed_services.open_port_other");
	}
}

const char *
port_services_port_code(int port)
{
	const struct port_service *s = port_services_by_port(port);

	return (port_services_class_code(s != NULL ? s->cls : PORT_CLASS_OTHER));
}

static int
port_list_err(char *err, size_t errlen, const char *tok, size_t len, const char *why)
{
	snprintf(err, errlen, "'%.*s': %s", (int)(len > 40 ? 40 : len), tok, why);
	return (-1);
}

static int
port_list_push(struct port_spec *out, size_t max, size_t *n, int port,
    const struct port_service *svc)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (out[i].port == port)
			return (0);
	if (*n >= max)
		return (-1);
	out[*n].port = port;
	out[*n].service = svc;
	(*n)++;
	return (0);
}

/* A port number of text[0..len): 1..65535, digits only. */
static int
port_number(const char *text, size_t len)
{
	long v = 0;
	size_t i;

	if (len == 0 || len > 5)
		return (-1);
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)text[i]))
			return (-1);
		v = v * 10 + (text[i] - '0');
	}
	return (v >= 1 && v <= 65535 ? (int)v : -1);
}

int
port_services_parse_list(const char *text, struct port_spec *out, size_t max,
    size_t *n, char *err, size_t errlen)
{
	const char *p = text, *end, *dash, *slash;
	const struct port_service *svc;
	char name[32];
	size_t len, i;
	int first, last, v;

	*n = 0;
	if (text == NULL || *text == '\0')
		return (port_list_err(err, errlen, "", 0, "no ports"));
	for (;;) {
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		while (len > 0 && *p == ' ')
			p++, len--;
		while (len > 0 && p[len - 1] == ' ')
			len--;
		if (len == 0)
			return (port_list_err(err, errlen, "", 0, "an empty entry"));
		svc = NULL;
		slash = memchr(p, '/', len);
		dash = memchr(p, '-', slash ? (size_t)(slash - p) : len);
		if (len == 7 && memcmp(p, "default", 7) == 0) {
			for (i = 0; i < PORT_CATALOGUE_N; i++)
				if (port_catalogue[i].in_defaults &&
				    port_list_push(out, max, n, port_catalogue[i].port, NULL) != 0)
					goto toomany;
		} else if (slash != NULL) {
			len -= (size_t)(slash + 1 - p);
			if (len == 0 || len >= sizeof(name))
				return (port_list_err(err, errlen, p, len, "not PORT/SERVICE"));
			memcpy(name, slash + 1, len);
			name[len] = '\0';
			if ((svc = port_services_by_name(name)) == NULL)
				return (port_list_err(err, errlen, name, len,
				    "not a service of the catalogue (docs/collector.md)"));
			if ((v = port_number(p, (size_t)(slash - p))) < 0)
				return (port_list_err(err, errlen, p, (size_t)(slash - p),
				    "not a port number (1 to 65535)"));
			if (port_list_push(out, max, n, v, svc) != 0)
				goto toomany;
		} else if (dash != NULL) {
			first = port_number(p, (size_t)(dash - p));
			last = port_number(dash + 1, len - (size_t)(dash + 1 - p));
			if (first < 0 || last < 0 || last < first)
				return (port_list_err(err, errlen, p, len,
				    "not a range FIRST-LAST of ports"));
			for (v = first; v <= last; v++)
				if (port_list_push(out, max, n, v, NULL) != 0)
					goto toomany;
		} else {
			if ((v = port_number(p, len)) < 0)
				return (port_list_err(err, errlen, p, len,
				    "not a port number (1 to 65535)"));
			if (port_list_push(out, max, n, v, NULL) != 0)
				goto toomany;
		}
		if (end == NULL)
			return (0);
		p = end + 1;
	}
toomany:
	snprintf(err, errlen, "more than %zu ports", max);
	return (-1);
}

static int
has_word(const char *text, size_t len, const char *word)
{
	size_t w = strlen(word), i;

	for (i = 0; i + w <= len; i++)
		if (strncasecmp(text + i, word, w) == 0)
			return (1);
	return (0);
}

/* Whether b is a MySQL server's first packet: a 3-byte length, sequence 0, then
 * protocol version 10 (a handshake) or 0xff (an error, "host not allowed"). */
static int
is_mysql(const unsigned char *b, size_t len)
{
	size_t plen;

	if (len < 6)
		return (0);
	plen = (size_t)b[0] | (size_t)b[1] << 8 | (size_t)b[2] << 16;
	return (b[3] == 0 && (b[4] == 0x0a || b[4] == 0xff) && plen >= 2 && plen <= 1024);
}

const struct port_service *
port_services_guess(const char *banner, size_t len)
{
	const unsigned char *b = (const unsigned char *)banner;

	if (len == 0)
		return (NULL);
	if (len >= 4 && memcmp(banner, "SSH-", 4) == 0)
		return (port_services_by_name("ssh"));
	if (len >= 4 && memcmp(banner, "RFB ", 4) == 0)
		return (port_services_by_name("vnc"));
	if (b[0] == 0xff && len >= 2 && b[1] >= 0xfb)        /* IAC WILL/WONT/DO/DONT */
		return (port_services_by_name("telnet"));
	if (is_mysql(b, len))
		return (port_services_by_name("mysql"));
	if (len >= 4 && memcmp(banner, "220", 3) == 0 && (banner[3] == ' ' ||
	    banner[3] == '-')) {
		if (has_word(banner, len, "smtp"))
			return (port_services_by_name("smtp"));
		if (has_word(banner, len, "ftp"))
			return (port_services_by_name("ftp"));
		return (NULL);
	}
	if (len >= 5 && memcmp(banner, "+PONG", 5) == 0)
		return (port_services_by_name("redis"));
	if ((len >= 7 && memcmp(banner, "-NOAUTH", 7) == 0) ||
	    (len >= 7 && memcmp(banner, "-DENIED", 7) == 0))
		return (port_services_by_name("redis"));
	if (len >= 4 && memcmp(banner, "* OK", 4) == 0)
		return (port_services_by_name("imap"));
	if (len >= 3 && memcmp(banner, "+OK", 3) == 0)
		return (port_services_by_name("pop3"));
	return (NULL);
}

void
port_services_key(const char *address, int port, char *key)
{
	if (strchr(address, ':') != NULL)
		snprintf(key, PORT_KEY_MAX, "[%.45s]:%d", address, port);
	else
		snprintf(key, PORT_KEY_MAX, "%.45s:%d", address, port);
}

/* The part of a banner that names the software and stays the same between
 * connections: MySQL's version string, else the first line. */
static void
banner_excerpt(const struct port_service *svc, const char *banner, size_t len, char *out)
{
	size_t n = 0;

	if (svc != NULL && strcmp(svc->name, "mysql") == 0 && is_mysql(
	    (const unsigned char *)banner, len) && (unsigned char)banner[4] == 0x0a) {
		banner += 5;
		len -= 5;
		while (n < len && banner[n] != '\0')
			n++;
	} else {
		while (n < len && banner[n] != '\r' && banner[n] != '\n')
			n++;
	}
	scan_results_excerpt(banner, n, SCAN_RESULTS_EXCERPT, out);
}

int
port_services_judge(const struct port_seen *s, char *code, char *key, char *details,
    size_t dlen)
{
	const struct port_service *svc;
	enum port_class cls;
	char excerpt[SCAN_RESULTS_EXCERPT + 4];
	json_t *d;
	char *text;
	int rc = -1;

	svc = port_services_guess(s->banner, s->banner_len);
	if (svc == NULL)
		svc = port_services_guess(s->reply, s->reply_len);
	if (svc == NULL)
		svc = s->expected != NULL ? s->expected : port_services_by_port(s->port);
	cls = svc != NULL ? svc->cls : PORT_CLASS_OTHER;
	port_services_key(s->address, s->port, key);
	d = json_pack("{sssiss ss}", "address", s->address, "port", s->port,
	    "protocol", "tcp", "service", svc != NULL ? svc->name : "unknown");
	if (d == NULL)
		return (-1);
	if (s->banner_len > 0) {
		banner_excerpt(svc, s->banner, s->banner_len, excerpt);
		json_object_set_new(d, "banner", json_string(excerpt));
	}
	if (svc != NULL && strcmp(svc->name, "ftp") == 0 && s->banner_len > 0) {
		/* 234: the server takes AUTH TLS (RFC 4217); passwords need not go in clear. */
		int tls = s->reply_len >= 3 && memcmp(s->reply, "234", 3) == 0;

		json_object_set_new(d, "auth_tls", json_boolean(tls));
		if (tls)
			cls = PORT_CLASS_OTHER;
	}
	if (svc != NULL && strcmp(svc->name, "redis") == 0 && s->reply_len > 0)
		json_object_set_new(d, "auth_required", json_boolean(s->reply[0] == '-'));
	snprintf(code, 64, "%s", port_services_class_code(cls));
	if ((text = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS)) != NULL &&
	    strlen(text) < dlen) {
		memcpy(details, text, strlen(text) + 1);
		rc = 0;
	}
	free(text);
	json_decref(d);
	return (rc);
}
