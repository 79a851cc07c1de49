#include "collector/outbound.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/log.h"

struct outbound_xfer {
	const struct outbound_config *cfg;
	struct outbound_response *out;
	int refused;
	int oversized;
	int cancelled;
};

void
outbound_config_defaults(struct outbound_config *c)
{
	memset(c, 0, sizeof(*c));
	c->connect_timeout_ms = 5000;
	c->timeout_ms = 10000;
}

static int
outbound_copy_env(const char *name, char *dst, size_t n)
{
	const char *v = getenv(name);

	if (v == NULL)
		return (0);
	if (strlen(v) >= n) {
		log_error("%s is longer than %zu bytes", name, n - 1);
		return (-1);
	}
	memcpy(dst, v, strlen(v) + 1);
	return (0);
}

int
outbound_config_from_env(struct outbound_config *c)
{
	const char *allow = getenv("FAIRRATE_OUTBOUND_ALLOW");
	const char *timeout = getenv("FAIRRATE_OUTBOUND_TIMEOUT_MS");
	char *end;

	outbound_config_defaults(c);
	if (address_policy_parse_allow(allow, c->nets, OUTBOUND_MAX_NETS, &c->nnets) != 0) {
		log_error("FAIRRATE_OUTBOUND_ALLOW: not a list of CIDR networks: %s", allow);
		return (-1);
	}
	if (timeout != NULL && timeout[0] != '\0') {
		errno = 0;
		c->timeout_ms = strtol(timeout, &end, 10);
		if (*end != '\0' || errno != 0 || c->timeout_ms < 100 ||
		    c->timeout_ms > 600000) {
			log_error("FAIRRATE_OUTBOUND_TIMEOUT_MS must be a whole number from 100"
			    " to 600000");
			return (-1);
		}
	}
	if (outbound_copy_env("FAIRRATE_OUTBOUND_CA_FILE", c->ca_file,
	    sizeof(c->ca_file)) != 0 ||
	    outbound_copy_env("FAIRRATE_OUTBOUND_CONNECT_TO", c->connect_to,
	    sizeof(c->connect_to)) != 0)
		return (-1);
	return (0);
}

static curl_socket_t
outbound_opensocket(void *clientp, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct outbound_xfer *x = clientp;
	char text[INET6_ADDRSTRLEN] = "?";

	(void)purpose;
	if (address_policy_allowed(&a->addr, x->cfg->nets, x->cfg->nnets))
		return (socket(a->family, a->socktype, a->protocol));
	if (a->family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)&a->addr)->sin_addr, text,
		    sizeof(text));
	else if (a->family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)(void *)&a->addr)->sin6_addr, text,
		    sizeof(text));
	x->refused = 1;
	snprintf(x->out->refused_address, sizeof(x->out->refused_address), "%s", text);
	return (CURL_SOCKET_BAD);
}

static size_t
outbound_write(char *data, size_t size, size_t n, void *userp)
{
	struct outbound_xfer *x = userp;

	if (buf_append(&x->out->body, data, size * n) != 0) {
		x->oversized = 1;
		return (0);
	}
	return (size * n);
}

/* A comma-separated list as a libcurl string list; NULL for "" (or no memory: *err). */
static struct curl_slist *
outbound_list(const char *s, int *err)
{
	struct curl_slist *l = NULL, *t;
	char item[256];
	const char *end;
	size_t len;

	while (*s != '\0') {
		end = strchr(s, ',');
		len = end ? (size_t)(end - s) : strlen(s);
		if (len > 0 && len < sizeof(item)) {
			memcpy(item, s, len);
			item[len] = '\0';
			if ((t = curl_slist_append(l, item)) == NULL) {
				*err = 1;
				break;
			}
			l = t;
		}
		s += len + (end ? 1 : 0);
	}
	return (l);
}

/* libcurl calls this about once a second, also while nothing arrives. */
static int
outbound_progress(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
    curl_off_t ulnow)
{
	struct outbound_xfer *x = clientp;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	if (x->cfg->cancel != NULL && atomic_load(x->cfg->cancel) != 0) {
		x->cancelled = 1;
		return (1);
	}
	return (0);
}

static enum outbound_result
outbound_classify(CURLcode rc, const struct outbound_xfer *x)
{
	if (x->cancelled)
		return (OUTBOUND_CANCELLED);
	if (x->refused)
		return (OUTBOUND_REFUSED_ADDRESS);
	if (x->oversized)
		return (OUTBOUND_TOO_LARGE);
	switch (rc) {
	case CURLE_OK:
		return (OUTBOUND_OK);
	case CURLE_OPERATION_TIMEDOUT:
		return (OUTBOUND_TIMEOUT);
	case CURLE_TOO_MANY_REDIRECTS:
		return (OUTBOUND_TOO_MANY_REDIRECTS);
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return (OUTBOUND_BAD_URL);
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CIPHER:
		return (OUTBOUND_TLS);
	case CURLE_OUT_OF_MEMORY:
		return (OUTBOUND_ERROR);
	default:
		return (OUTBOUND_NETWORK);
	}
}

enum outbound_result
outbound_request(const struct outbound_config *cfg, const char *url, const char *post_body,
    size_t post_len, struct curl_slist *headers, int follow, size_t body_cap,
    struct outbound_response *out)
{
	struct outbound_xfer x;
	struct curl_slist *connect_to = NULL;
	enum outbound_result res = OUTBOUND_ERROR;
	CURL *e = NULL;
	CURLcode rc;
	char *ctype = NULL;
	int err = 0;

	memset(out, 0, sizeof(*out));
	buf_init(&out->body, body_cap);
	memset(&x, 0, sizeof(x));
	x.cfg = cfg;
	x.out = out;
	if (strncasecmp(url, "https://", 8) != 0)
		return (OUTBOUND_BAD_URL);
	connect_to = outbound_list(cfg->connect_to, &err);
	if (err || (e = curl_easy_init()) == NULL) {
		log_error("outbound: out of memory");
		goto cleanup;
	}
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, follow ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)OUTBOUND_MAX_REDIRECTS);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, cfg->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, cfg->timeout_ms);
	curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "fairrate");
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, out->error);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, outbound_opensocket);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, &x);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, outbound_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &x);
	if (cfg->cancel != NULL) {
		curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, outbound_progress);
		curl_easy_setopt(e, CURLOPT_XFERINFODATA, &x);
	}
	if (cfg->ca_file[0] != '\0')
		curl_easy_setopt(e, CURLOPT_CAINFO, cfg->ca_file);
	if (connect_to != NULL)
		curl_easy_setopt(e, CURLOPT_CONNECT_TO, connect_to);
	if (headers != NULL)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
	if (post_body != NULL) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, post_body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)post_len);
	}
	rc = curl_easy_perform(e);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &out->status);
	if (curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ctype) == CURLE_OK && ctype != NULL)
		snprintf(out->content_type, sizeof(out->content_type), "%s", ctype);
	res = outbound_classify(rc, &x);
cleanup:
	curl_easy_cleanup(e);
	curl_slist_free_all(connect_to);
	return (res);
}

void
outbound_response_free(struct outbound_response *r)
{
	buf_free(&r->body);
}

const char *
outbound_result_name(enum outbound_result r)
{
	static const char *const names[] = {"ok", "address_refused", "tls_failed",
	    "too_large", "timeout", "too_many_redirects", "bad_url", "network", "error",
	    "cancelled"};

	if ((unsigned)r >= sizeof(names) / sizeof(names[0]))
		return ("?");
	return (names[r]);
}
