#include "tests/support/api_client.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/support/testdb.h"

#define API_CLIENT_CAP (16 * 1024 * 1024)

struct api_client {
	pid_t pid;
	unsigned port;
	int exited;
	int status;
	char log[64];
};

static const char *
api_client_bin(void)
{
	const char *bin = getenv("FAIRRATE_BIN");

	cr_assert(bin != NULL && bin[0] != '\0', "FAIRRATE_BIN is not set");
	return (bin);
}

unsigned
api_client_free_port(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned port;

	cr_assert_geq(fd, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return (port);
}

static void
api_client_sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static int
api_client_try_start(struct api_client *c, const char *url, const char *const *env)
{
	char listen[64];
	struct api_response r;
	int i;

	c->port = api_client_free_port();
	snprintf(listen, sizeof(listen), "127.0.0.1:%u", c->port);
	c->pid = fork();
	cr_assert_geq(c->pid, 0);
	if (c->pid == 0) {
		int fd = open(c->log, O_WRONLY | O_CREAT | O_APPEND, 0600);

		/* A test that fails an assertion exits at once: take the server with it. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);

		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			close(fd);
		}
		setenv("DATABASE_URL", url, 1);
		for (i = 0; env != NULL && env[i] != NULL; i++)
			putenv((char *)env[i]);
		execl(api_client_bin(), api_client_bin(), "serve", "--listen", listen, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 200; i++) {
		if (waitpid(c->pid, &c->status, WNOHANG) == c->pid) {
			c->exited = 1;
			return (-1);
		}
		if (api_client_get(c, "/healthz", NULL, &r) == 0 && r.status == 200) {
			api_response_free(&r);
			return (0);
		}
		api_response_free(&r);
		api_client_sleep_ms(50);
	}
	return (-1);
}

struct api_client *
api_client_start_url(const char *url, const char *const *env)
{
	struct api_client *c;
	int attempt, fd;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	c = calloc(1, sizeof(*c));
	cr_assert_not_null(c);
	snprintf(c->log, sizeof(c->log), "/tmp/fairrate-access-XXXXXX");
	fd = mkstemp(c->log);
	cr_assert_geq(fd, 0);
	close(fd);
	/* The free port may be taken between the probe and the bind: try again. */
	for (attempt = 0; attempt < 3; attempt++) {
		c->exited = 0;
		if (api_client_try_start(c, url, env) == 0)
			return (c);
		if (!c->exited) {
			kill(c->pid, SIGKILL);
			waitpid(c->pid, NULL, 0);
		}
	}
	cr_assert_fail("fairrate serve did not start (see the log above)");
	return (NULL);
}

struct api_client *
api_client_start(const char *const *env)
{
	return (api_client_start_url(testdb_url(), env));
}

static size_t
api_client_sink(char *data, size_t size, size_t n, void *userdata)
{
	struct buf *b = userdata;

	return (buf_append(b, data, size * n) == 0 ? size * n : 0);
}

/* A header callback that keeps only the final response's headers (not 100 Continue). */
static size_t
api_client_header(char *data, size_t size, size_t n, void *userdata)
{
	struct buf *b = userdata;

	if (size * n >= 5 && strncmp(data, "HTTP/", 5) == 0)
		buf_reset(b);
	return (buf_append(b, data, size * n) == 0 ? size * n : 0);
}

struct api_client_body {
	const char *data;
	size_t len, off;
};

static size_t
api_client_read(char *out, size_t size, size_t n, void *userdata)
{
	struct api_client_body *b = userdata;
	size_t want = size * n, left = b->len - b->off;

	/* Small pieces, so that a chunked body really arrives in several chunks. */
	if (want > 4096)
		want = 4096;
	if (want > left)
		want = left;
	memcpy(out, b->data + b->off, want);
	b->off += want;
	return (want);
}

/*
 * The contract log (api_client.h): with FAIRRATE_CONTRACT_LOG set (scripts/run-tests.sh does), every
 * answer an integration test gets is appended to that file as one JSON line
 * {method, path, status, content_type, body} (body: the text, at most 1 MiB, when
 * the answer is JSON), under an exclusive lock so that parallel tests do not mix
 * lines. tests/contract/check.mjs then judges each against docs/openapi.yaml.
 */
void
api_client_contract_log(const char *method, const char *path, long status,
    const char *ctype, const char *body, size_t len)
{
	const char *file = getenv("FAIRRATE_CONTRACT_LOG");
	json_t *line;
	char *text;
	int fd;

	if (file == NULL || file[0] == '\0')
		return;
	line = json_pack("{s:s, s:s, s:i, s:s, s:o}", "method", method, "path", path,
	    "status", (int)status, "content_type", ctype, "body",
	    strncmp(ctype, "application/json", 16) == 0 && len <= (1 << 20) ?
	    json_stringn(body ? body : "", len) : json_null());
	if (line == NULL || (text = json_dumps(line, JSON_COMPACT)) == NULL) {
		json_decref(line);
		return;
	}
	json_decref(line);
	if ((fd = open(file, O_WRONLY | O_CREAT | O_APPEND, 0644)) >= 0) {
		if (flock(fd, LOCK_EX) == 0) {
			(void)!write(fd, text, strlen(text));
			(void)!write(fd, "\n", 1);
			flock(fd, LOCK_UN);
		}
		close(fd);
	}
	free(text);
}

static void
api_client_record(const char *method, const char *path, const struct api_response *out)
{
	char ctype[128];

	if (api_response_header(out, "Content-Type", ctype, sizeof(ctype)) == NULL)
		ctype[0] = '\0';
	api_client_contract_log(method, path, out->status, ctype, out->body.data,
	    out->body.len);
}

int
api_client_request(struct api_client *c, const char *method, const char *path,
    const char *key, const char *content_type, const void *body, size_t len, int chunked,
    struct api_response *out)
{
	struct api_client_body src = {body, len, 0};
	struct curl_slist *h = NULL;
	char url[2048], line[512];
	CURL *curl;
	CURLcode rc;

	memset(out, 0, sizeof(*out));
	buf_init(&out->headers, API_CLIENT_CAP);
	buf_init(&out->body, API_CLIENT_CAP);
	if ((curl = curl_easy_init()) == NULL)
		return (-1);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", c->port, path);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	/* Send the path exactly as the test wrote it: curl would otherwise fold "/a/.."
	 * into "/" and a traversal test would test nothing. */
	curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, api_client_sink);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out->body);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, api_client_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &out->headers);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	h = curl_slist_append(h, "Expect:");
	if (key != NULL) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s", key);
		h = curl_slist_append(h, line);
	}
	if (content_type != NULL) {
		snprintf(line, sizeof(line), "Content-Type: %s", content_type);
		h = curl_slist_append(h, line);
	}
	if (body != NULL) {
		curl_easy_setopt(curl, CURLOPT_POST, 1L);
		curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
		curl_easy_setopt(curl, CURLOPT_READFUNCTION, api_client_read);
		curl_easy_setopt(curl, CURLOPT_READDATA, &src);
		if (chunked)
			h = curl_slist_append(h, "Transfer-Encoding: chunked");
		else
			curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	rc = curl_easy_perform(curl);
	if (rc == CURLE_OK || out->headers.len > 0)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
	curl_slist_free_all(h);
	curl_easy_cleanup(curl);
	if (out->status > 0)
		api_client_record(method, path, out);
	return (out->status > 0 ? 0 : -1);
}

int
api_client_get(struct api_client *c, const char *path, const char *key,
    struct api_response *out)
{
	return (api_client_request(c, "GET", path, key, NULL, NULL, 0, 0, out));
}

const char *
api_response_header(const struct api_response *r, const char *name, char *out, size_t n)
{
	const char *p = r->headers.data;
	size_t nl = strlen(name);

	while (p != NULL && *p != '\0') {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;
			size_t vl;

			while (*v == ' ')
				v++;
			vl = len - (size_t)(v - p);
			while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == ' '))
				vl--;
			snprintf(out, n, "%.*s", (int)vl, v);
			return (out);
		}
		p = eol ? eol + 1 : NULL;
	}
	return (NULL);
}

const char *
api_response_error_code(const struct api_response *r, char *out, size_t n)
{
	json_t *v = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, NULL);
	json_t *err = json_object_get(v, "error");
	const char *code = json_string_value(json_object_get(err, "code"));
	const char *result = NULL;

	if (code != NULL && json_is_string(json_object_get(err, "message")) &&
	    json_object_size(v) == 1 && json_object_size(err) == 2) {
		snprintf(out, n, "%s", code);
		result = out;
	}
	json_decref(v);
	return (result);
}

void
api_response_free(struct api_response *r)
{
	buf_free(&r->headers);
	buf_free(&r->body);
}

pid_t
api_client_pid(const struct api_client *c)
{
	return (c->pid);
}

unsigned
api_client_port(const struct api_client *c)
{
	return (c->port);
}

const char *
api_client_access_log(const struct api_client *c)
{
	return (c->log);
}

int
api_client_wait(struct api_client *c, int timeout_ms)
{
	int waited;

	for (waited = 0; !c->exited && waited <= timeout_ms; waited += 20) {
		if (waitpid(c->pid, &c->status, WNOHANG) == c->pid) {
			c->exited = 1;
			break;
		}
		api_client_sleep_ms(20);
	}
	if (!c->exited || !WIFEXITED(c->status))
		return (-1);
	return (WEXITSTATUS(c->status));
}

int
api_client_stop(struct api_client *c)
{
	int rc;

	if (!c->exited)
		kill(c->pid, SIGTERM);
	rc = api_client_wait(c, 30000);
	if (!c->exited) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
	}
	unlink(c->log);
	free(c);
	return (rc);
}

int
api_client_run(const char *const *args, struct buf *out)
{
	int fds[2], status;
	char chunk[4096];
	ssize_t n;
	pid_t pid;
	size_t i;

	buf_init(out, 1024 * 1024);
	if (pipe(fds) != 0)
		return (-1);
	if ((pid = fork()) < 0)
		return (-1);
	if (pid == 0) {
		const char *argv[32];

		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		argv[0] = api_client_bin();
		for (i = 0; args[i] != NULL && i < 30; i++)
			argv[i + 1] = args[i];
		argv[i + 1] = NULL;
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], chunk, sizeof(chunk))) > 0)
		buf_append(out, chunk, (size_t)n);
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return (-1);
	return (WEXITSTATUS(status));
}

char *
api_client_create_key(const char *role, const char *company_slug)
{
	const char *args[8] = {"keys", "create", "--role", role, NULL, NULL, NULL, NULL};
	struct buf out;
	char *last, *key;
	size_t len;

	if (company_slug != NULL) {
		args[4] = "--company";
		args[5] = company_slug;
	}
	cr_assert_eq(api_client_run(args, &out), 0, "fairrate keys create --role %s failed",
	    role);
	cr_assert_not_null(out.data);
	len = out.len;
	while (len > 0 && out.data[len - 1] == '\n')
		out.data[--len] = '\0';
	last = strrchr(out.data, '\n');
	last = last ? last + 1 : out.data;
	key = strdup(last);
	buf_free(&out);
	cr_assert_not_null(key);
	return (key);
}
