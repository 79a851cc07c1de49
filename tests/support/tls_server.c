#include "tests/support/tls_server.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct tls_server {
	struct MHD_Daemon *d;
	char dir[64];
	char ca[128];
	char *cert, *key;
	unsigned port;
	pthread_mutex_t lock;
	char *file;
	char *redirect;
	int fail;
	size_t nposts;
	struct tls_server_post posts[TLS_SERVER_MAX_POSTS];
};

struct tls_upload {
	char *data;
	size_t len;
};

static char *
ts_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;

	cr_assert_not_null(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = calloc(1, (size_t)n + 1);
	cr_assert_not_null(b);
	cr_assert_eq(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return (b);
}

static void
ts_make_certs(struct tls_server *s, const char *names)
{
	char cmd[2048], san[512] = "", item[128];
	const char *p = names, *end;
	size_t len;

	while (*p != '\0') {
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		snprintf(item, sizeof(item), "DNS:%.*s,", (int)len, p);
		strncat(san, item, sizeof(san) - strlen(san) - 1);
		p += len + (end ? 1 : 0);
	}
	snprintf(cmd, sizeof(cmd), "cd %s && "
	    "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
	    " -keyout ca.key -out ca.pem -days 2 -subj /CN=fairrate-test-ca 2>/dev/null &&"
	    " openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
	    " -keyout server.key -out server.csr -subj /CN=fairrate-test 2>/dev/null &&"
	    " printf 'subjectAltName=%sIP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n' > ext &&"
	    " openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial"
	    " -out server.pem -days 2 -extfile ext 2>/dev/null", s->dir, san);
	cr_assert_eq(system(cmd), 0, "openssl failed: %s", cmd);
	snprintf(s->ca, sizeof(s->ca), "%s/ca.pem", s->dir);
	snprintf(cmd, sizeof(cmd), "%s/server.pem", s->dir);
	s->cert = ts_read(cmd);
	snprintf(cmd, sizeof(cmd), "%s/server.key", s->dir);
	s->key = ts_read(cmd);
}

static enum MHD_Result
ts_reply(struct MHD_Connection *conn, unsigned status, const char *body,
    const char *location)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body,
	    MHD_RESPMEM_MUST_COPY);
	enum MHD_Result rc;

	if (location != NULL)
		MHD_add_response_header(r, "Location", location);
	rc = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return (rc);
}

static void
ts_header(struct MHD_Connection *conn, const char *name, char *out, size_t n)
{
	const char *v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);

	snprintf(out, n, "%s", v ? v : "");
}

static enum MHD_Result
ts_handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **state)
{
	struct tls_server *s = cls;
	struct tls_upload *u = *state;
	struct tls_server_post *p;
	enum MHD_Result rc;
	char *file = NULL, *redirect = NULL;
	int fail;

	(void)version;
	if (strcmp(method, "POST") == 0) {
		if (u == NULL) {
			*state = calloc(1, sizeof(*u));
			return (*state ? MHD_YES : MHD_NO);
		}
		if (*upload_size > 0) {
			char *n = realloc(u->data, u->len + *upload_size + 1);

			if (n == NULL)
				return (MHD_NO);
			u->data = n;
			memcpy(u->data + u->len, upload, *upload_size);
			u->len += *upload_size;
			u->data[u->len] = '\0';
			*upload_size = 0;
			return (MHD_YES);
		}
		pthread_mutex_lock(&s->lock);
		fail = s->fail > 0;
		if (fail)
			s->fail--;
		if (s->nposts < TLS_SERVER_MAX_POSTS) {
			p = &s->posts[s->nposts++];
			snprintf(p->path, sizeof(p->path), "%s", url);
			p->body = u->data ? u->data : strdup("");
			p->len = u->len;
			u->data = NULL;
			ts_header(conn, "X-Fairrate-Signature", p->signature, sizeof(p->signature));
			ts_header(conn, "Idempotency-Key", p->idempotency_key,
			    sizeof(p->idempotency_key));
			ts_header(conn, "X-Fairrate-Event", p->event, sizeof(p->event));
			ts_header(conn, "X-Fairrate-Attempt", p->attempt, sizeof(p->attempt));
		}
		pthread_mutex_unlock(&s->lock);
		free(u->data);
		free(u);
		*state = NULL;
		return (ts_reply(conn, fail ? 500 : 204, "", NULL));
	}
	if (strcmp(url, "/loop") == 0)
		return (ts_reply(conn, 302, "", "/loop"));
	pthread_mutex_lock(&s->lock);
	if (s->file)
		file = strdup(s->file);
	if (s->redirect)
		redirect = strdup(s->redirect);
	pthread_mutex_unlock(&s->lock);
	if (strcmp(url, "/.well-known/fairrate-verification.txt") == 0 && redirect != NULL)
		rc = ts_reply(conn, 302, "", redirect);
	else if ((strcmp(url, "/.well-known/fairrate-verification.txt") == 0 ||
	    strcmp(url, "/moved.txt") == 0) && file != NULL)
		rc = ts_reply(conn, 200, file, NULL);
	else
		rc = ts_reply(conn, 404, "not here", NULL);
	free(file);
	free(redirect);
	return (rc);
}

struct tls_server *
tls_server_start(const char *names)
{
	struct tls_server *s = calloc(1, sizeof(*s));
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *info;

	cr_assert_not_null(s);
	snprintf(s->dir, sizeof(s->dir), "/tmp/fairrate-tls-XXXXXX");
	cr_assert_not_null(mkdtemp(s->dir));
	ts_make_certs(s, names);
	pthread_mutex_init(&s->lock, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS |
	    MHD_USE_ERROR_LOG, 0, NULL, NULL, ts_handle, s,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_HTTPS_MEM_KEY, s->key, MHD_OPTION_HTTPS_MEM_CERT, s->cert,
	    MHD_OPTION_END);
	cr_assert_not_null(s->d, "cannot start the HTTPS test server");
	info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	cr_assert_not_null(info);
	s->port = info->port;
	return (s);
}

unsigned
tls_server_port(const struct tls_server *s)
{
	return (s->port);
}

const char *
tls_server_ca(const struct tls_server *s)
{
	return (s->ca);
}

static void
ts_set(struct tls_server *s, char **field, const char *v)
{
	pthread_mutex_lock(&s->lock);
	free(*field);
	*field = v ? strdup(v) : NULL;
	pthread_mutex_unlock(&s->lock);
}

void
tls_server_set_file(struct tls_server *s, const char *content)
{
	ts_set(s, &s->file, content);
}

void
tls_server_set_redirect(struct tls_server *s, const char *location)
{
	ts_set(s, &s->redirect, location);
}

void
tls_server_fail_posts(struct tls_server *s, int n)
{
	pthread_mutex_lock(&s->lock);
	s->fail = n;
	pthread_mutex_unlock(&s->lock);
}

size_t
tls_server_posts(struct tls_server *s)
{
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = s->nposts;
	pthread_mutex_unlock(&s->lock);
	return (n);
}

void
tls_server_post(struct tls_server *s, size_t i, struct tls_server_post *out)
{
	pthread_mutex_lock(&s->lock);
	cr_assert_lt(i, s->nposts);
	*out = s->posts[i];
	out->body = malloc(out->len + 1);
	cr_assert_not_null(out->body);
	memcpy(out->body, s->posts[i].body, out->len + 1);
	pthread_mutex_unlock(&s->lock);
}

size_t
tls_server_wait_posts(struct tls_server *s, size_t n, int timeout_ms)
{
	int waited = 0;

	while (tls_server_posts(s) < n && waited < timeout_ms) {
		usleep(20000);
		waited += 20;
	}
	return (tls_server_posts(s));
}

void
tls_server_stop(struct tls_server *s)
{
	char cmd[128];
	size_t i;

	if (s == NULL)
		return;
	MHD_stop_daemon(s->d);
	for (i = 0; i < s->nposts; i++)
		free(s->posts[i].body);
	free(s->file);
	free(s->redirect);
	free(s->cert);
	free(s->key);
	pthread_mutex_destroy(&s->lock);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", s->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", s->dir);
	free(s);
}
