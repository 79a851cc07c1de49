#include "collector/html_scripts.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "collector/scan_results.h"
#include "collector/web_policy.h"
#include "common/regdomain.h"

struct html_cursor {
	const char *p, *end;
};

static int
html_ws(char c)
{
	return (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f');
}

/* Whether the cursor starts with s, ignoring case. */
static int
html_at(const struct html_cursor *c, const char *s)
{
	size_t n = strlen(s);

	return ((size_t)(c->end - c->p) >= n && strncasecmp(c->p, s, n) == 0);
}

/* Move past the next occurrence of s (ignoring case), or to the end. */
static void
html_skip_past(struct html_cursor *c, const char *s)
{
	size_t n = strlen(s);

	while (c->p < c->end && !html_at(c, s))
		c->p++;
	c->p = c->p + n <= c->end ? c->p + n : c->end;
}

static void
html_skip_ws(struct html_cursor *c)
{
	while (c->p < c->end && html_ws(*c->p))
		c->p++;
}

/* Whether host belongs to the page's site: the same registered domain, or the same
 * host when either has none (an address, a bare name). */
static int
html_same_site(const char *host, const char *page_host)
{
	char a[REGDOMAIN_MAX], b[REGDOMAIN_MAX];

	if (regdomain_of(host, a, sizeof(a)) == 0 && regdomain_of(page_host, b,
	    sizeof(b)) == 0)
		return (strcmp(a, b) == 0);
	return (strcasecmp(host, page_host) == 0);
}

static void
html_keep(char urls[][HTML_SCRIPTS_URL_MAX + 4], int count, const char *u, size_t n)
{
	if (count <= HTML_SCRIPTS_EXAMPLES)
		scan_results_excerpt(u, n, HTML_SCRIPTS_URL_MAX, urls[count - 1]);
}

/* Judge one script's src (n bytes at u, blanks trimmed by the caller). */
static void
html_script(struct html_scripts *s, const char *u, size_t n, int integrity,
    const char *page_host)
{
	char host[256];

	s->scripts++;
	if (n >= 7 && strncasecmp(u, "http://", 7) == 0) {
		s->insecure++;
		html_keep(s->insecure_urls, s->insecure, u, n);
	}
	if (web_policy_url_host(u, n, host, sizeof(host)) != 0 || html_same_site(host, page_host))
		return;                           /* relative, or the page's own site */
	s->cross_origin++;
	if (!integrity) {
		s->cross_origin_no_sri++;
		html_keep(s->no_sri_urls, s->cross_origin_no_sri, u, n);
	}
}

/* Read a <script ...> start tag's attributes (the cursor is past "<script"), up to
 * and past its '>'. */
static void
html_script_tag(struct html_cursor *c, struct html_scripts *s, const char *page_host)
{
	const char *name, *val, *src = NULL;
	size_t nn, vn, srcn = 0;
	int integrity = 0;
	char q;

	for (;;) {
		while (c->p < c->end && (html_ws(*c->p) || *c->p == '/'))
			c->p++;
		if (c->p >= c->end || *c->p == '>')
			break;
		name = c->p;
		while (c->p < c->end && !html_ws(*c->p) && *c->p != '=' && *c->p != '>' &&
		    *c->p != '/')
			c->p++;
		nn = (size_t)(c->p - name);
		html_skip_ws(c);
		val = "";
		vn = 0;
		if (c->p < c->end && *c->p == '=') {
			c->p++;
			html_skip_ws(c);
			if (c->p < c->end && (*c->p == '"' || *c->p == '\'')) {
				q = *c->p++;
				val = c->p;
				while (c->p < c->end && *c->p != q)
					c->p++;
				vn = (size_t)(c->p - val);
				if (c->p < c->end)
					c->p++;
			} else {
				val = c->p;
				while (c->p < c->end && !html_ws(*c->p) && *c->p != '>')
					c->p++;
				vn = (size_t)(c->p - val);
			}
		}
		if (nn == 3 && strncasecmp(name, "src", 3) == 0 && src == NULL) {
			while (vn > 0 && html_ws(*val)) {
				val++;
				vn--;
			}
			while (vn > 0 && html_ws(val[vn - 1]))
				vn--;
			src = val;
			srcn = vn;
		} else if (nn == 9 && strncasecmp(name, "integrity", 9) == 0) {
			integrity = vn > 0;
		}
	}
	if (c->p < c->end)
		c->p++;
	if (src != NULL && srcn > 0)
		html_script(s, src, srcn, integrity, page_host);
}

void
html_scripts_read(const char *body, size_t len, const char *page_host,
    struct html_scripts *s)
{
	struct html_cursor c = {body, body + len};

	memset(s, 0, sizeof(*s));
	while (c.p < c.end) {
		const char *lt = memchr(c.p, '<', (size_t)(c.end - c.p));

		if (lt == NULL)
			break;
		c.p = lt;
		if (html_at(&c, "<!--")) {
			c.p += 4;
			html_skip_past(&c, "-->");
		} else if (html_at(&c, "<script") && (c.p + 7 == c.end || html_ws(c.p[7]) ||
		    c.p[7] == '>' || c.p[7] == '/')) {
			c.p += 7;
			html_script_tag(&c, s, page_host);
			html_skip_past(&c, "</script");
		} else {
			c.p++;
		}
	}
}

int
html_is_html(const char *content_type)
{
	size_t n;

	if (content_type == NULL)
		return (1);
	while (*content_type == ' ')
		content_type++;
	n = strcspn(content_type, "; \t");
	return ((n == 9 && strncasecmp(content_type, "text/html", 9) == 0) ||
	    (n == 21 && strncasecmp(content_type, "application/xhtml+xml", 21) == 0));
}
