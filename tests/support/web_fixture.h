#ifndef FAIRRATE_WEB_FIXTURE_H
#define FAIRRATE_WEB_FIXTURE_H

#include <stdio.h>

/*
 * The scan fixture's sites for the web header, cookie, CSP, CORS, redirect and HTML
 * script checks (tests/support/scan_fixture.h runs them in its nginx):
 * - lax.test fails every one of them;
 * - careful.test passes every one of them;
 * - offhost.test redirects http:// to https://good.test/ (another host).
 */

/* The host names served (certificates are made for each). */
extern const char *const web_fixture_hosts[];

/* Shell lines that make their certificates, run after scan_fixture's own (its leaf
 * function and CA are defined). */
extern const char web_fixture_certs_sh[];

/* web_fixture_servers: write their nginx server blocks into c: HTTPS on https_port and
 * the plain HTTP answers that differ from the default redirect on http_port; dir
 * holds the certificates. */
void web_fixture_servers(FILE *c, const char *dir, int https_port, int http_port);

#endif
