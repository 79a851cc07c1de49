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

/* The attributes of a start tag the checks read (spans into the body; n 0 when
 * absent). */
struct html_attrs {
	const char *src, *http_equiv, *name, *content;
	size_t src_n, http_equiv_n, name_n, content_n;
	int src_set, integrity;
};

/* A value's span without blanks around it. */
static void
html_trim(const char **v, size_t *n)
{
	while (*n > 0 && html_ws(**v)) {
		(*v)++;
		(*n)--;
	}
	while (*n > 0 && html_ws((*v)[*n - 1]))
		(*n)--;
}

/* Keep one attribute (the first of each name counts, as in HTML). */
static void
html_attr(struct html_attrs *a, const char *name, size_t nn, const char *val, size_t vn)
{
	html_trim(&val, &vn);
	if (nn == 3 && strncasecmp(name, "src", 3) == 0 && !a->src_set) {
		a->src_set = 1;
		a->src = val;
		a->src_n = vn;
	} else if (nn == 9 && strncasecmp(name, "integrity", 9) == 0) {
		a->integrity = vn > 0;
	} else if (nn == 10 && strncasecmp(name, "http-equiv", 10) == 0 && !a->http_equiv) {
		a->http_equiv = val;
		a->http_equiv_n = vn;
	} else if (nn == 4 && strncasecmp(name, "name", 4) == 0 && !a->name) {
		a->name = val;
		a->name_n = vn;
	} else if (nn == 7 && strncasecmp(name, "content", 7) == 0 && !a->content) {
		a->content = val;
		a->content_n = vn;
	}
}

/* Read a start tag's attributes (the cursor is past its name), up to and past its
 * '>'. */
static void
html_tag(struct html_cursor *c, struct html_attrs *a)
{
	const char *name, *val;
	size_t nn, vn;
	char q;

	memset(a, 0, sizeof(*a));
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
		val = c->p;             /* an attribute without a value: empty, in the text */
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
		html_attr(a, name, nn, val, vn);
	}
	if (c->p < c->end)
		c->p++;
}

/* A <meta> tag: a policy given as http-equiv Content-Security-Policy, or a referrer
 * policy given as name=referrer. */
static void
html_meta(struct html_scripts *s, const struct html_attrs *a)
{
	if (a->content == NULL)
		return;
	if (a->http_equiv_n == 23 && strncasecmp(a->http_equiv, "content-security-policy",
	    23) == 0 && s->meta_csp < HTML_META_MAX) {
		s->meta_csp_value[s->meta_csp] = a->content;
		s->meta_csp_len[s->meta_csp++] = a->content_n;
	} else if (a->name_n == 8 && strncasecmp(a->name, "referrer", 8) == 0) {
		s->meta_referrer = a->content;
		s->meta_referrer_len = a->content_n;
	}
}

/* Whether the cursor is at "<" name followed by the end of the name. */
static int
html_at_tag(const struct html_cursor *c, const char *name)
{
	size_t n = strlen(name);

	return (html_at(c, name) && (c->p + n == c->end || html_ws(c->p[n]) ||
	    c->p[n] == '>' || c->p[n] == '/'));
}

void
html_scripts_read(const char *body, size_t len, const char *page_host,
    struct html_scripts *s)
{
	struct html_cursor c = {body, body + len};
	struct html_attrs a;

	memset(s, 0, sizeof(*s));
	while (c.p < c.end) {
		const char *lt = memchr(c.p, '<', (size_t)(c.end - c.p));

		if (lt == NULL)
			break;
		c.p = lt;
		if (html_at(&c, "<!--")) {
			c.p += 4;
			html_skip_past(&c, "-->");
		} else if (html_at_tag(&c, "<script")) {
			c.p += 7;
			html_tag(&c, &a);
			if (a.src_set && a.src_n > 0)
				html_script(s, a.src, a.src_n, a.integrity, page_host);
			html_skip_past(&c, "</script");
		} else if (html_at_tag(&c, "<meta")) {
			c.p += 5;
			html_tag(&c, &a);
			html_meta(s, &a);
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
