#include "collector/http_scan_internal.h"

#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "collector/html_scripts.h"
#include "collector/web_policy.h"
#include "common/log.h"

/*
 * One domain's transfers on libcurl: https://HOST/ with its redirects followed by hand
 * and each hop's certificate verified by collector/tls_cert, and http://HOST/. The
 * worker threads of collector/http_scan.c drive them.
 */

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

/* The server's certificates, taken during the handshake (OpenSSL calls this in place
 * of its own chain verification): tls_cert verifies them after the transfer, so that
 * a bad certificate is described as well as refused. The handshake goes on, as with
 * CURLOPT_SSL_VERIFYPEER off. Cheaper than CURLOPT_CERTINFO, which writes every
 * certificate out as text for tls_cert to read back. */
static int
xfer_cert_cb(X509_STORE_CTX *ctx, void *arg)
{
	struct scan_xfer *x = arg;
	SSL *ssl = X509_STORE_CTX_get_ex_data(ctx, SSL_get_ex_data_X509_STORE_CTX_idx());
	STACK_OF(X509) *sent = X509_STORE_CTX_get0_untrusted(ctx);
	X509 *leaf = X509_STORE_CTX_get0_cert(ctx);

	if (leaf != NULL && x->leaf == NULL && X509_up_ref(leaf) == 1) {
		x->leaf = leaf;
		x->chain = sent != NULL ? X509_chain_up_ref(sent) : NULL;
	}
	if (ssl != NULL)
		snprintf(x->version, sizeof(x->version), "%s", SSL_get_version(ssl));
	return (1);
}

static CURLcode
xfer_ssl_ctx(CURL *easy, void *sslctx, void *arg)
{
	(void)easy;
	SSL_CTX_set_cert_verify_callback(sslctx, xfer_cert_cb, arg);
	return (CURLE_OK);
}

/* ---- transfers ---- */

void
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
	X509_free(x->leaf);
	sk_X509_pop_free(x->chain, X509_free);
	free(x);
}

/* Start a request of url for h; 0 or -1 (logged). */
int
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
		curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, xfer_ssl_ctx);
		curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, x);
		curl_easy_setopt(e, CURLOPT_SSL_SESSIONID_CACHE, 0L);
		curl_easy_setopt(e, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_0);
		curl_easy_setopt(e, CURLOPT_SSL_CIPHER_LIST, "DEFAULT:@SECLEVEL=0");
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
	if (x->leaf == NULL)
		return (-1);
	snprintf(facts->version, sizeof(facts->version), "%s",
	    x->version[0] ? x->version : "unknown");
	return (tls_cert_check_x509(x->h->scan->certs, x->leaf, x->chain, x->hop_host,
	    x->h->scan->now, facts) == 1);
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
void
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

void
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
