#ifndef FAIRRATE_PORT_SERVICES_H
#define FAIRRATE_PORT_SERVICES_H

#include <stddef.h>

/*
 * The catalogue of TCP services the port scan looks for, how each is classed in the
 * methodology (exposed_services.*), whether it speaks first (a banner to read) or
 * takes one harmless probe, and the judgement of what a connection saw. Pure: no I/O.
 * docs/collector.md lists the catalogue and the default ports.
 */

enum port_class {
	PORT_CLASS_OTHER = 0,                 /* exposed_services.open_port_other */
	PORT_CLASS_RISKY,                     /* exposed_services.open_port_risky */
	PORT_CLASS_INSECURE,                  /* exposed_services.insecure_protocol */
	PORT_CLASS_ADMIN                      /* exposed_services.open_port_admin */
};

struct port_service {
	const char *name;                     /* "ssh", "redis", ... */
	int port;                             /* its usual TCP port */
	enum port_class cls;
	int speaks_first;                     /* the server sends a banner on connect */
	const char *probe;                    /* NULL, or one harmless line to send:
	                                         after the banner when speaks_first, else
	                                         at once */
	int in_defaults;                      /* scanned when no list is given */
};

/* port_services_by_port: the catalogue entry of a port number, or NULL. */
const struct port_service *port_services_by_port(int port);

/* port_services_by_name: the catalogue entry named name, or NULL. */
const struct port_service *port_services_by_name(const char *name);

/* port_services_class_code: the check code of a class. */
const char *port_services_class_code(enum port_class c);

/* port_services_port_code: the check code of an open port known only by its number
 * (the open-ports feed): its catalogue class, else open_port_other. */
const char *port_services_port_code(int port);

/* One port to scan, with the service expected there (NULL: by its number). */
struct port_spec {
	int port;
	const struct port_service *service;
};

#define PORT_LIST_MAX 512

/* port_services_parse_list: a comma-separated list of ports "22,8000-8010,16379/redis"
 * (PORT, FIRST-LAST, PORT/SERVICE naming a catalogue service; "default" stands for the
 * default ports) into out (room for max), without repeats, in the order given. 0, or
 * -1 with the reason in err. */
int port_services_parse_list(const char *text, struct port_spec *out, size_t max,
    size_t *n, char *err, size_t errlen);

/* port_services_guess: the service a banner (len bytes, may be 0) shows, or NULL
 * when it shows none that the catalogue knows. */
const struct port_service *port_services_guess(const char *banner, size_t len);

/* What one open port looked like: the service expected there (may be NULL), the
 * banner it sent first and the reply to the probe (lengths may be 0). */
struct port_seen {
	const char *address;                  /* text form */
	int port;
	const struct port_service *expected;
	const char *banner;
	size_t banner_len;
	const char *reply;
	size_t reply_len;
};

#define PORT_KEY_MAX 64

/* port_services_judge: the check code, observation key ("ADDR:PORT", "[V6]:PORT") and
 * details (a JSON object: address, port, protocol, service, banner excerpt, and
 * auth_tls for FTP or auth_required for Redis) of an open port. code holds 64 bytes,
 * key PORT_KEY_MAX, details dlen. 0, or -1 when details do not fit. */
int port_services_judge(const struct port_seen *s, char *code, char *key, char *details,
    size_t dlen);

/* port_services_key: the observation key of address:port into key (PORT_KEY_MAX). */
void port_services_key(const char *address, int port, char *key);

#endif
