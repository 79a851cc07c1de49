#ifndef FAIRRATE_WEB_CHECKS_H
#define FAIRRATE_WEB_CHECKS_H

#include "collector/http_checks.h"

/*
 * The web_headers.* checks of a domain (and tls.no_https_redirect): the headers and
 * the body prefix of the final HTTPS response, and where http://HOST/ redirects.
 * Pure; called by http_checks_run, which decides what was observed. The rules and the
 * codes are listed in docs/collector.md.
 */

/* web_checks_headers: append the results judged on the final HTTPS response of o
 * (o->https_headers, o->https_body). 0, or -1 when out is full or memory is short. */
int web_checks_headers(const struct http_observation *o, struct scan_results *out);

/* web_checks_redirect: append the results of the plain HTTP request of o
 * (tls.no_https_redirect, web_headers.redirect_leaves_host); nothing when it
 * could not be observed. 0 or -1 as above. */
int web_checks_redirect(const struct http_observation *o, struct scan_results *out);

#endif
