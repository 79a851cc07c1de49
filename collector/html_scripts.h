#ifndef FAIRRATE_HTML_SCRIPTS_H
#define FAIRRATE_HTML_SCRIPTS_H

#include <stddef.h>

/*
 * What the checks read in an HTML page, from a bounded prefix of its body: every
 * <script> start tag with a src attribute, and the policies <meta> tags give
 * (http-equiv Content-Security-Policy, name=referrer). Tag and attribute names are
 * case-insensitive, values quoted with " or ' or bare, comments skipped, a script's
 * content skipped up to its </script>; the first of an attribute counts. Pure: the
 * caller passes the bytes read and the page's host.
 */

#define HTML_SCRIPTS_EXAMPLES 3               /* script URLs kept per finding */
#define HTML_SCRIPTS_URL_MAX 120              /* bytes of one URL kept (an excerpt) */
#define HTML_META_MAX 4                       /* meta policies kept */

struct html_scripts {
	int scripts;                          /* <script src> tags seen */
	int insecure;                         /* loaded over http:// */
	int cross_origin;                     /* from another registered domain (or
	                                         another host when it has none) */
	int cross_origin_no_sri;              /* of those, without an integrity attribute */
	char insecure_urls[HTML_SCRIPTS_EXAMPLES][HTML_SCRIPTS_URL_MAX + 4];
	char no_sri_urls[HTML_SCRIPTS_EXAMPLES][HTML_SCRIPTS_URL_MAX + 4];
	/* <meta> policies, pointing into the body read (valid while it is): the first
	 * HTML_META_MAX Content-Security-Policy values, and the last referrer. */
	int meta_csp;
	const char *meta_csp_value[HTML_META_MAX];
	size_t meta_csp_len[HTML_META_MAX];
	const char *meta_referrer;            /* NULL when none */
	size_t meta_referrer_len;
};

/* html_scripts_read: the external scripts and meta policies of the len bytes of HTML
 * at body, served from https://page_host/, into s. */
void html_scripts_read(const char *body, size_t len, const char *page_host,
    struct html_scripts *s);

/* html_is_html: whether a Content-Type value (may be NULL) names an HTML document
 * (text/html or application/xhtml+xml; a missing type counts as HTML, as browsers
 * sniff it). */
int html_is_html(const char *content_type);

#endif
