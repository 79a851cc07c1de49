#include "collector/http_scan.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "collector/address_policy.h"
#include "collector/html_scripts.h"
#include "collector/tls_cert.h"
#include "collector/tls_probe.h"
#include "collector/web_policy.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/timefmt.h"

#define SCAN_MAX_NETS 32
#define SCAN_MAX_CHAIN 8
#define SCAN_URL 1100
#define SCAN_MAX_WORKERS 4

/*
 * The transfers are driven by worker threads, each with its own multi handle and its
 * share of the connection limit (the shares add up to opt.concurrency), so that the
 * TLS handshakes and certificate checks of many domains use every core instead of
 * queueing behind one thread. A domain stays on one worker from start to finish; the
 * caller's thread only hands domains out and reports the finished ones.
 */
struct scan_worker {
	struct http_scan *scan;
	CURLM *multi;
	pthread_t thread;
	int started;
	struct scan_host *inbox, *inbox_tail; /* added, not yet started (under mu) */
	size_t load;                          /* given and not finished (under mu) */
	struct scan_xfer *xfers;              /* its transfers in flight (its thread) */
	struct scan_host *probing;            /* its TLS enumerations (its thread) */
	struct curl_waitfd *waitfds;          /* their descriptors, for curl_multi_poll */
	size_t nwaitfds;
};

struct http_scan {
	struct http_scan_options opt;
	struct address_policy_net nets[SCAN_MAX_NETS];
	size_t nnets;
	struct curl_slist *connect_to, *resolve;
	struct curl_slist *probe_origin;      /* the Origin sent over HTTPS (CORS check) */
	struct tls_cert_store *certs;         /* shared by the workers (X509_STORE locks) */
	size_t active;                        /* the caller's thread only */
	int64_t now;
	struct scan_worker workers[SCAN_MAX_WORKERS];
	int nworkers, sync_ready, curl_ready;
	pthread_mutex_t mu;
	pthread_cond_t cv;                    /* a domain finished, or a worker failed */
	struct scan_host *done, *done_tail;   /* finished, not yet reported (under mu) */
	int stopping, failed;                 /* under mu */
};

struct scan_host {
	struct http_scan *scan;
	struct scan_worker *w;
	void *tag;
	char host[254];
	struct http_observation obs;
	struct buf final_headers;             /* the last HTTPS response's headers */
	struct buf final_body;                /* and its HTML body's first max_body bytes */
	int body_read;
	char final_host[254];
	char location[SCAN_URL];
	int pending;                          /* transfers and enumeration in flight */
	struct tls_probe *probe;              /* the TLS enumeration, while it runs */
	struct scan_host *probe_next;
	struct scan_host *next;
};

struct scan_xfer {
	struct scan_host *h;
	int https;
	int hop;                              /* 0 for the first HTTPS request */
	CURL *easy;
	struct buf headers;                   /* the current response's header block */
	int headers_done;
	struct buf html;                      /* an HTML body's first max_body bytes */
	int html_checked, html_kept;
	long body;
	int oversized, headers_over, refused;
	char refused_address[64];
	char version[16];
	char hop_host[254];
	char url[SCAN_URL];
	char errbuf[CURL_ERROR_SIZE];
	struct scan_xfer *prev, *next;
};

/* ---- libcurl callbacks ---- */

static curl_socket_t
xfer_opensocket(void *clientp, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct scan_xfer *x = clientp;
	struct http_scan *s = x->h->scan;
	char text[INET6_ADDRSTRLEN] = "?";

	(void)purpose;
	if (!address_policy_allowed(&a->addr, s->nets, s->nnets)) {
		if (a->family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)&a->addr)->sin_addr,
			    text, sizeof(text));
		else if (a->family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)(void *)&a->addr)->sin6_addr,
			    text, sizeof(text));
		x->refused = 1;
		snprintf(x->refused_address, sizeof(x->refused_address), "%s", text);
		return (CURL_SOCKET_BAD);
	}
	return (socket(a->family, a->socktype, a->protocol));
}

static size_t
xfer_header(char *data, size_t size, size_t n, void *userp)
{
	struct scan_xfer *x = userp;
	size_t len = size * n;

	if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
		buf_reset(&x->headers);
		x->headers_done = 0;
	}
	if ((len == 2 && data[0] == '\r') || (len == 1 && data[0] == '\n')) {
		x->headers_done = 1;
		return (len);
	}
	if (buf_append(&x->headers, data, len) != 0) {
		x->headers_over = 1;
		return (0);
	}
	return (len);
}

static size_t
xfer_write(char *data, size_t size, size_t n, void *userp)
{
	struct scan_xfer *x = userp;

	x->body += (long)(size * n);
	if (x->https && !x->html_checked) {
		char type[128];

		x->html_checked = 1;
		x->html_kept = html_is_html(http_checks_header(x->headers.data, "content-type",
		    0, type, sizeof(type)));
	}
	if (x->html_kept && x->html.len < x->html.limit)
		buf_append(&x->html, data, size * n < x->html.limit - x->html.len ?
		    size * n : x->html.limit - x->html.len);
	if (!x->https || x->body > x->h->scan->opt.max_body) {
		/* Plain HTTP: the headers are all that is needed. */
		x->oversized = x->https;
		return (0);
	}
	return (size * n);
}

static int
xfer_debug(CURL *easy, curl_infotype type, char *data, size_t size, void *userp)
{
	static const char marker[] = "SSL connection using ";
	struct scan_xfer *x = userp;
	size_t i, m = sizeof(marker) - 1;

	(void)easy;
	if (type != CURLINFO_TEXT || size <= m || memcmp(data, marker, m) != 0)
		return (0);
	for (i = 0; m + i < size && i + 1 < sizeof(x->version) && data[m + i] != ' ' &&
	    data[m + i] != '\n'; i++)
		x->version[i] = data[m + i];
	x->version[i] = '\0';
	return (0);
}

/* ---- transfers ---- */

static void
xfer_free(struct scan_xfer *x)
{
	if (x == NULL)
		return;
	if (x->easy != NULL) {
		curl_multi_remove_handle(x->h->w->multi, x->easy);
		curl_easy_cleanup(x->easy);
	}
	if (x->prev != NULL)
		x->prev->next = x->next;
	else if (x->h->w->xfers == x)
		x->h->w->xfers = x->next;
	if (x->next != NULL)
		x->next->prev = x->prev;
	buf_free(&x->headers);
	buf_free(&x->html);
	free(x);
}

/* Start a request of url for h; 0 or -1 (logged). */
static int
xfer_start(struct scan_host *h, const char *url, const char *hop_host, int https, int hop)
{
	struct http_scan *s = h->scan;
	struct scan_xfer *x;
	CURL *e;

	if ((x = calloc(1, sizeof(*x))) == NULL || (x->easy = e = curl_easy_init()) == NULL) {
		free(x);
		log_error("scan: out of memory");
		return (-1);
	}
	x->h = h;
	x->https = https;
	x->hop = hop;
	snprintf(x->hop_host, sizeof(x->hop_host), "%s", hop_host);
	snprintf(x->url, sizeof(x->url), "%s", url);
	buf_init(&x->headers, (size_t)s->opt.max_headers);
	buf_init(&x->html, (size_t)s->opt.max_body);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, s->opt.connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, s->opt.timeout_ms);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "fairrate-collector/1.0");
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, xfer_opensocket);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, xfer_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, xfer_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
	if (s->connect_to != NULL)
		curl_easy_setopt(e, CURLOPT_CONNECT_TO, s->connect_to);
	if (s->resolve != NULL)
		curl_easy_setopt(e, CURLOPT_RESOLVE, s->resolve);
	if (https) {
		/* The chain is verified by tls_cert on every hop, so that a bad certificate
		 * is described as well as refused; legacy protocols are let through so that
		 * they can be seen. */
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
		curl_easy_setopt(e, CURLOPT_CERTINFO, 1L);
		curl_easy_setopt(e, CURLOPT_SSL_SESSIONID_CACHE, 0L);
		curl_easy_setopt(e, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_0);
		curl_easy_setopt(e, CURLOPT_SSL_CIPHER_LIST, "DEFAULT:@SECLEVEL=0");
		curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
		curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, xfer_debug);
		curl_easy_setopt(e, CURLOPT_DEBUGDATA, x);
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, s->probe_origin);
	}
	if (curl_multi_add_handle(h->w->multi, e) != CURLM_OK) {
		log_error("scan: cannot start a transfer");
		curl_easy_cleanup(e);
		buf_free(&x->headers);
		free(x);
		return (-1);
	}
	h->pending++;
	x->next = h->w->xfers;
	if (h->w->xfers != NULL)
		h->w->xfers->prev = x;
	h->w->xfers = x;
	return (0);
}

static enum http_reach
xfer_reach(const struct scan_xfer *x, CURLcode rc)
{
	if (x->refused)
		return (HTTP_REACH_REFUSED_ADDRESS);
	if (x->headers_over)
		return (HTTP_REACH_ERROR);
	if (x->headers_done && (rc == CURLE_OK || rc == CURLE_WRITE_ERROR ||
	    rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_FILESIZE_EXCEEDED ||
	    rc == CURLE_PARTIAL_FILE))
		return (HTTP_REACH_OK);
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		return (HTTP_REACH_TIMEOUT);
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return (HTTP_REACH_UNAVAILABLE);
	default:
		return (HTTP_REACH_ERROR);
	}
}

/* The absolute URL of the response's Location header into out (size n), and its
 * host into host (size hn). 0, or -1 when there is none or it does not parse. */
static int
xfer_location(const struct scan_xfer *x, char *out, size_t n, char *host, size_t hn)
{
	char loc[SCAN_URL];
	char *full = NULL, *h = NULL;
	CURLU *u;
	int rc = -1;

	if (x->headers.len == 0 || http_checks_header(x->headers.data, "location", 0, loc,
	    sizeof(loc)) == NULL || loc[0] == '\0' || (u = curl_url()) == NULL)
		return (-1);
	if (curl_url_set(u, CURLUPART_URL, x->url, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_URL, loc, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &full, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK &&
	    strlen(full) < n && strlen(h) < hn) {
		snprintf(out, n, "%s", full);
		snprintf(host, hn, "%s", h);
		rc = 0;
	}
	curl_free(full);
	curl_free(h);
	curl_url_cleanup(u);
	return (rc);
}

/* Verify the chain of an HTTPS hop. 1 trusted, 0 not, -1 no certificate seen. */
static int
xfer_verify(struct scan_xfer *x, struct http_tls_facts *facts)
{
	const char *pems[SCAN_MAX_CHAIN];
	struct curl_certinfo *ci = NULL;
	struct curl_slist *l;
	size_t n = 0;
	int i;

	if (curl_easy_getinfo(x->easy, CURLINFO_CERTINFO, &ci) != CURLE_OK || ci == NULL ||
	    ci->num_of_certs <= 0)
		return (-1);
	for (i = 0; i < ci->num_of_certs && n < SCAN_MAX_CHAIN; i++)
		for (l = ci->certinfo[i]; l != NULL; l = l->next)
			if (strncmp(l->data, "Cert:", 5) == 0) {
				pems[n++] = l->data + 5;
				break;
			}
	if (n == 0)
		return (-1);
	snprintf(facts->version, sizeof(facts->version), "%s",
	    x->version[0] ? x->version : "unknown");
	return (tls_cert_check(x->h->scan->certs, pems, n, x->hop_host, x->h->scan->now,
	    facts) == 1);
}

static void
host_error(struct scan_host *h, struct scan_xfer *x, CURLcode rc)
{
	snprintf(h->obs.https_error, sizeof(h->obs.https_error), "%.150s",
	    x->refused ? "address refused by policy" :
	    x->headers_over ? "response headers too large" :
	    x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
}

/* Start the TLS enumeration of the address the first HTTPS hop connected to (the
 * address policy allowed it then; it is checked again). Nothing when it is off. */
static void
probe_start(struct scan_xfer *x)
{
	struct scan_host *h = x->h;
	struct http_scan *s = h->scan;
	struct sockaddr_storage ss;
	struct sockaddr_in *v4 = (struct sockaddr_in *)(void *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)(void *)&ss;
	struct tls_probe_options po = {s->opt.tls_enum_timeout_ms, 0};
	socklen_t len;
	char *ip = NULL;
	long port = 0;

	if (s->opt.no_tls_enum || h->probe != NULL ||
	    curl_easy_getinfo(x->easy, CURLINFO_PRIMARY_IP, &ip) != CURLE_OK || ip == NULL ||
	    curl_easy_getinfo(x->easy, CURLINFO_PRIMARY_PORT, &port) != CURLE_OK ||
	    port <= 0 || port > 65535)
		return;
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((unsigned short)port);
		len = sizeof(*v4);
	} else if (inet_pton(AF_INET6, ip, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((unsigned short)port);
		len = sizeof(*v6);
	} else
		return;
	if (!address_policy_allowed((struct sockaddr *)&ss, s->nets, s->nnets) ||
	    (h->probe = tls_probe_new((struct sockaddr *)&ss, len, h->host, &po)) == NULL)
		return;
	h->pending++;
	h->probe_next = h->w->probing;
	h->w->probing = h;
}

/* A finished HTTPS hop: verify, follow a redirect, or settle the result. */
static void
xfer_https_done(struct scan_xfer *x, CURLcode rc)
{
	struct scan_host *h = x->h;
	struct http_tls_facts hop_facts, *facts = x->hop == 0 ? &h->obs.tls : &hop_facts;
	enum http_reach reach = xfer_reach(x, rc);
	char redirect[SCAN_URL], next_host[254];
	long status = 0;
	int trusted;

	memset(&hop_facts, 0, sizeof(hop_facts));
	if (x->refused)
		snprintf(h->obs.refused_address, sizeof(h->obs.refused_address), "%s",
		    x->refused_address);
	trusted = xfer_verify(x, facts);
	if (x->hop == 0 && trusted != -1)
		probe_start(x);
	/* Behind a first certificate that failed, the later hops' certificates are not
	 * judged either: the headers are still observed (the certificate is a finding of
	 * its own, not a reason to leave the site unrated). */
	if (x->hop > 0 && (reach != HTTP_REACH_OK ||
	    (trusted != 1 && h->obs.https != HTTP_REACH_UNTRUSTED))) {
		/* A redirect that went wrong: the previous response stands. */
		h->obs.https_status = h->obs.https_status ? h->obs.https_status : 0;
		if (reach != HTTP_REACH_OK || trusted == 0)
			host_error(h, x, rc);
		if (trusted == 0)
			snprintf(h->obs.https_error, sizeof(h->obs.https_error),
			    "redirect to %.60s: %.80s", x->hop_host, hop_facts.verify_message);
		return;
	}
	if (x->hop == 0) {
		if (trusted == 0) {
			h->obs.https = HTTP_REACH_UNTRUSTED;
			snprintf(h->obs.https_error, sizeof(h->obs.https_error), "%s",
			    facts->verify_error != 0 ? facts->verify_message :
			    !facts->hostname_match ? "certificate does not match the host name" :
			    "certificate has expired or is not yet valid");
			if (reach != HTTP_REACH_OK)
				return;
		} else
			h->obs.https = reach == HTTP_REACH_OK && trusted != 1 ?
			    HTTP_REACH_ERROR : reach;
		if (reach != HTTP_REACH_OK) {
			host_error(h, x, rc);
			return;
		}
	}
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	h->obs.https_status = status;
	buf_reset(&h->final_headers);
	if (x->headers.len > 0)
		buf_append(&h->final_headers, x->headers.data, x->headers.len);
	buf_reset(&h->final_body);
	if (x->html.len > 0)
		buf_append(&h->final_body, x->html.data, x->html.len);
	h->body_read = 1;
	snprintf(h->final_host, sizeof(h->final_host), "%s", x->hop_host);
	if (status < 300 || status >= 400 || x->hop >= h->scan->opt.max_redirects ||
	    xfer_location(x, redirect, sizeof(redirect), next_host, sizeof(next_host)) != 0 ||
	    strncasecmp(redirect, "https://", 8) != 0)
		return;
	if (xfer_start(h, redirect, next_host, 1, x->hop + 1) == 0)
		h->obs.redirects = x->hop + 1;
}

static void
xfer_http_done(struct scan_xfer *x, CURLcode rc)
{
	struct scan_host *h = x->h;
	char unused[254];
	const char *raw;
	size_t len;
	long status = 0;

	h->obs.http = xfer_reach(x, rc);
	if (h->obs.http != HTTP_REACH_OK)
		return;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	h->obs.http_status = status;
	if (xfer_location(x, h->location, sizeof(h->location), unused, sizeof(unused)) != 0)
		h->location[0] = '\0';
	/* A Location too long to resolve is kept as it came, cut to the buffer: the check
	 * judges only its scheme and quotes an excerpt. */
	if (h->location[0] == '\0' && x->headers.len > 0 &&
	    http_checks_header_span(x->headers.data, "location", 0, &raw, &len) == 0 &&
	    len >= sizeof(h->location))
		snprintf(h->location, sizeof(h->location), "%.*s",
		    (int)(sizeof(h->location) - 1), raw);
}

/* ---- the workers ---- */

static void
host_free(struct scan_host *h)
{
	buf_free(&h->final_headers);
	buf_free(&h->final_body);
	tls_probe_free(h->probe);
	free(h);
}

/* A domain's transfers are over: hand it to the caller's thread (worker thread). */
static void
host_finish(struct scan_host *h)
{
	struct http_scan *s = h->scan;

	pthread_mutex_lock(&s->mu);
	h->next = NULL;
	if (s->done_tail != NULL)
		s->done_tail->next = h;
	else
		s->done = h;
	s->done_tail = h;
	h->w->load--;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

/* Start a domain's HTTPS and HTTP requests at once (worker thread); a request that
 * cannot start is reported as an error. */
static void
host_start(struct scan_host *h)
{
	char url[SCAN_URL];

	snprintf(url, sizeof(url), "https://%s/", h->host);
	if (xfer_start(h, url, h->host, 1, 0) != 0)
		snprintf(h->obs.https_error, sizeof(h->obs.https_error),
		    "could not start the transfer");
	snprintf(url, sizeof(url), "http://%s/", h->host);
	if (xfer_start(h, url, h->host, 0, 0) != 0)
		h->obs.http = HTTP_REACH_ERROR;
	if (h->pending == 0)
		host_finish(h);
}

static void
worker_fail(struct scan_worker *w)
{
	log_error("scan: libcurl failed");
	pthread_mutex_lock(&w->scan->mu);
	w->scan->failed = 1;
	pthread_cond_signal(&w->scan->cv);
	pthread_mutex_unlock(&w->scan->mu);
}

/* Advance the worker's TLS enumerations, finish the domains whose enumeration is
 * over, and gather the descriptors of the others into w->waitfds. Returns how many. */
static size_t
probes_step(struct scan_worker *w)
{
	struct scan_host **hp = &w->probing, *h;
	struct pollfd fds[TLS_VER_N + TLS_CLASS_N];
	size_t n = 0, k, m, want = 0;

	for (h = w->probing; h != NULL; h = h->probe_next)
		want += TLS_VER_N + TLS_CLASS_N;
	if (want > w->nwaitfds) {
		struct curl_waitfd *grown = realloc(w->waitfds, want * sizeof(*grown));

		if (grown == NULL)
			want = w->nwaitfds;   /* wait on fewer: the timeout still drives them */
		else {
			w->waitfds = grown;
			w->nwaitfds = want;
		}
	}
	while ((h = *hp) != NULL) {
		if (tls_probe_step(h->probe)) {
			h->obs.tls.enumeration = *tls_probe_result(h->probe);
			tls_probe_free(h->probe);
			h->probe = NULL;
			*hp = h->probe_next;
			if (--h->pending == 0)
				host_finish(h);
			continue;
		}
		m = tls_probe_fds(h->probe, fds, sizeof(fds) / sizeof(fds[0]));
		for (k = 0; k < m && n < want; k++, n++) {
			w->waitfds[n].fd = fds[k].fd;
			w->waitfds[n].events = (short)((fds[k].events & POLLIN ? CURL_WAIT_POLLIN :
			    0) | (fds[k].events & POLLOUT ? CURL_WAIT_POLLOUT : 0));
			w->waitfds[n].revents = 0;
		}
		hp = &h->probe_next;
	}
	return (n);
}

/* How long the worker may wait: up to a second, less when an enumeration is due. */
static int
probes_wait_ms(const struct scan_worker *w)
{
	const struct scan_host *h;
	long wait = 1000, t;

	for (h = w->probing; h != NULL; h = h->probe_next)
		if ((t = tls_probe_wait_ms(h->probe)) < wait)
			wait = t;
	return ((int)wait);
}

static void *
worker_main(void *arg)
{
	struct scan_worker *w = arg;
	struct http_scan *s = w->scan;
	struct scan_host *h, *next;
	struct scan_xfer *x;
	CURLMsg *m;
	int running, left, stop;

	for (;;) {
		pthread_mutex_lock(&s->mu);
		stop = s->stopping;
		h = w->inbox;
		w->inbox = w->inbox_tail = NULL;
		pthread_mutex_unlock(&s->mu);
		if (stop) {
			/* Not started: http_scan_free releases them with the rest. */
			pthread_mutex_lock(&s->mu);
			w->inbox = h;
			pthread_mutex_unlock(&s->mu);
			return (NULL);
		}
		for (; h != NULL; h = next) {
			next = h->next;
			h->next = NULL;
			host_start(h);
		}
		if (curl_multi_perform(w->multi, &running) != CURLM_OK) {
			worker_fail(w);
			return (NULL);
		}
		while ((m = curl_multi_info_read(w->multi, &left)) != NULL) {
			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
			h = x->h;
			if (x->https)
				xfer_https_done(x, m->data.result);
			else
				xfer_http_done(x, m->data.result);
			xfer_free(x);
			if (--h->pending == 0)
				host_finish(h);
		}
		/* Woken at once by http_scan_add and http_scan_free (curl_multi_wakeup),
		 * and by the enumerations' sockets. */
		if (curl_multi_poll(w->multi, w->waitfds, (unsigned)probes_step(w),
		    probes_wait_ms(w), NULL) != CURLM_OK) {
			worker_fail(w);
			return (NULL);
		}
	}
}

/* ---- the scanner ---- */

static int
scan_worker_count(int concurrency)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int n = cpus > 0 ? (int)cpus : 1;

	if (n > SCAN_MAX_WORKERS)
		n = SCAN_MAX_WORKERS;
	if (n > concurrency)
		n = concurrency;
	return (n > 0 ? n : 1);
}

struct http_scan *
http_scan_new(const struct http_scan_options *opt)
{
	pthread_condattr_t ca;
	sigset_t block, old;
	struct http_scan *s;
	size_t i;
	int k;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		log_error("scan: out of memory");
		return (NULL);
	}
	s->opt = *opt;
	if (s->opt.concurrency <= 0)
		s->opt.concurrency = 64;
	if (s->opt.connect_timeout_ms <= 0)
		s->opt.connect_timeout_ms = 5000;
	if (s->opt.timeout_ms <= 0)
		s->opt.timeout_ms = 15000;
	if (s->opt.max_redirects == 0)
		s->opt.max_redirects = 3;
	if (s->opt.max_redirects < 0)
		s->opt.max_redirects = 0;
	if (s->opt.max_body <= 0)
		s->opt.max_body = 256 * 1024;
	if (s->opt.max_headers <= 0)
		s->opt.max_headers = 32 * 1024;
	s->now = s->opt.now ? s->opt.now : timefmt_now();
	if (pthread_condattr_init(&ca) != 0 ||
	    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&s->cv, &ca) != 0 || pthread_mutex_init(&s->mu, NULL) != 0) {
		log_error("scan: cannot set up the worker threads");
		free(s);
		return (NULL);
	}
	pthread_condattr_destroy(&ca);
	s->sync_ready = 1;
	if (address_policy_parse_allow(opt->allow, s->nets, SCAN_MAX_NETS, &s->nnets) != 0) {
		log_error("scan: bad allowed network list '%s'", opt->allow);
		goto err;
	}
	for (i = 0; opt->connect_to != NULL && opt->connect_to[i] != NULL; i++)
		s->connect_to = curl_slist_append(s->connect_to, opt->connect_to[i]);
	for (i = 0; opt->resolve != NULL && opt->resolve[i] != NULL; i++)
		s->resolve = curl_slist_append(s->resolve, opt->resolve[i]);
	s->probe_origin = curl_slist_append(NULL, "Origin: " WEB_POLICY_PROBE_ORIGIN);
	if (s->probe_origin == NULL) {
		log_error("scan: out of memory");
		goto err;
	}
	if ((s->certs = tls_cert_store_new(opt->ca_file)) == NULL)
		goto err;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_error("scan: cannot start libcurl");
		goto err;
	}
	s->curl_ready = 1;
	s->nworkers = scan_worker_count(s->opt.concurrency);
	for (k = 0; k < s->nworkers; k++) {
		struct scan_worker *w = &s->workers[k];
		/* The workers' shares of the limit add up to opt.concurrency. */
		long share = s->opt.concurrency / s->nworkers +
		    (k < s->opt.concurrency % s->nworkers);

		w->scan = s;
		if ((w->multi = curl_multi_init()) == NULL) {
			log_error("scan: cannot start libcurl");
			goto err;
		}
		curl_multi_setopt(w->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, share);
		curl_multi_setopt(w->multi, CURLMOPT_MAXCONNECTS, share);
	}
	/* Signals stay with the caller's thread. */
	sigfillset(&block);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (k = 0; k < s->nworkers; k++) {
		if (pthread_create(&s->workers[k].thread, NULL, worker_main,
		    &s->workers[k]) != 0)
			break;
		s->workers[k].started = 1;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (k < s->nworkers) {
		log_error("scan: cannot start a worker thread");
		goto err;
	}
	return (s);
err:
	http_scan_free(s);
	return (NULL);
}

int
http_scan_add(struct http_scan *s, const char *host, void *tag)
{
	struct scan_worker *w;
	struct scan_host *h;
	int k;

	if (strlen(host) >= sizeof(h->host) || strchr(host, '/') != NULL) {
		log_error("scan: bad host name '%s'", host);
		return (-1);
	}
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		log_error("scan: out of memory");
		return (-1);
	}
	h->scan = s;
	h->tag = tag;
	snprintf(h->host, sizeof(h->host), "%s", host);
	h->obs.host = h->host;
	h->obs.now = s->now;
	buf_init(&h->final_headers, (size_t)s->opt.max_headers);
	buf_init(&h->final_body, (size_t)s->opt.max_body);
	pthread_mutex_lock(&s->mu);
	w = &s->workers[0];
	for (k = 1; k < s->nworkers; k++)
		if (s->workers[k].load < w->load)
			w = &s->workers[k];
	h->w = w;
	if (w->inbox_tail != NULL)
		w->inbox_tail->next = h;
	else
		w->inbox = h;
	w->inbox_tail = h;
	w->load++;
	pthread_mutex_unlock(&s->mu);
	curl_multi_wakeup(w->multi);
	s->active++;
	return (0);
}

size_t
http_scan_active(const struct http_scan *s)
{
	return (s->active);
}

static void
host_report(struct http_scan *s, struct scan_host *h, http_scan_done_fn *done, void *arg)
{
	h->obs.https_headers = h->final_headers.len > 0 ? h->final_headers.data : NULL;
	h->obs.http_location = h->location[0] ? h->location : NULL;
	h->obs.https_body_read = h->body_read;
	h->obs.https_body = h->final_body.len > 0 ? h->final_body.data : NULL;
	h->obs.https_body_len = h->final_body.len;
	h->obs.https_host = h->final_host[0] ? h->final_host : NULL;
	if (h->obs.https == HTTP_REACH_NONE)
		h->obs.https = HTTP_REACH_ERROR;
	s->active--;
	done(arg, h->tag, &h->obs);
	host_free(h);
}

int
http_scan_run(struct http_scan *s, int timeout_ms, http_scan_done_fn *done, void *arg)
{
	struct scan_host *h, *next;
	struct timespec until;
	int reported = 0;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->mu);
	while (s->active > 0 && s->done == NULL && !s->failed &&
	    pthread_cond_timedwait(&s->cv, &s->mu, &until) != ETIMEDOUT)
		;
	if (s->failed) {
		pthread_mutex_unlock(&s->mu);
		return (-1);
	}
	h = s->done;
	s->done = s->done_tail = NULL;
	pthread_mutex_unlock(&s->mu);
	for (; h != NULL; h = next) {
		next = h->next;
		host_report(s, h, done, arg);
		reported++;
	}
	return (reported);
}

void
http_scan_free(struct http_scan *s)
{
	struct scan_worker *w;
	struct scan_host *h;
	int k;

	if (s == NULL)
		return;
	if (s->sync_ready) {
		pthread_mutex_lock(&s->mu);
		s->stopping = 1;
		pthread_mutex_unlock(&s->mu);
	}
	for (k = 0; k < s->nworkers; k++) {
		w = &s->workers[k];
		if (w->started) {
			curl_multi_wakeup(w->multi);
			pthread_join(w->thread, NULL);
		}
	}
	for (k = 0; k < s->nworkers; k++) {
		w = &s->workers[k];
		while (w->xfers != NULL) {
			h = w->xfers->h;
			xfer_free(w->xfers);
			if (--h->pending == 0)
				host_free(h);
		}
		while ((h = w->probing) != NULL) {
			w->probing = h->probe_next;
			tls_probe_free(h->probe);
			h->probe = NULL;
			if (--h->pending == 0)
				host_free(h);
		}
		free(w->waitfds);
		while ((h = w->inbox) != NULL) {
			w->inbox = h->next;
			host_free(h);
		}
		if (w->multi != NULL)
			curl_multi_cleanup(w->multi);
	}
	while ((h = s->done) != NULL) {
		s->done = h->next;
		host_free(h);
	}
	if (s->curl_ready)
		curl_global_cleanup();
	curl_slist_free_all(s->connect_to);
	curl_slist_free_all(s->resolve);
	curl_slist_free_all(s->probe_origin);
	tls_cert_store_free(s->certs);
	if (s->sync_ready) {
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->cv);
	}
	free(s);
}
