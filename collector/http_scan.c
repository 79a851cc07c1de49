#include "collector/http_scan_internal.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collector/web_policy.h"
#include "common/log.h"
#include "common/timefmt.h"

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
