#include "collector/csp.h"

#include <string.h>
#include <strings.h>

#define CSP_MAX_DIRECTIVES 128                /* directives judged per policy; a policy
                                                 past this is judged on its first ones */

struct csp_span {
	const char *p;
	size_t n;
};

struct csp_directive {
	struct csp_span name, sources;
};

/* One policy's directives, first occurrences only. */
struct csp_policy {
	struct csp_directive d[CSP_MAX_DIRECTIVES];
	size_t n;
	int duplicates;
};

static int
csp_ws(char c)
{
	return (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f');
}

static int
csp_name_char(char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-');
}

/* Whether span s is word, ignoring case. */
static int
csp_is(struct csp_span s, const char *word)
{
	return (s.n == strlen(word) && strncasecmp(s.p, word, s.n) == 0);
}

static int
csp_starts(struct csp_span s, const char *prefix)
{
	size_t n = strlen(prefix);

	return (s.n >= n && strncasecmp(s.p, prefix, n) == 0);
}

/* The next whitespace-separated token of *rest into *tok; 0, or -1 at the end. */
static int
csp_token(struct csp_span *rest, struct csp_span *tok)
{
	while (rest->n > 0 && csp_ws(*rest->p)) {
		rest->p++;
		rest->n--;
	}
	if (rest->n == 0)
		return (-1);
	tok->p = rest->p;
	for (tok->n = 0; tok->n < rest->n && !csp_ws(tok->p[tok->n]); tok->n++)
		;
	rest->p += tok->n;
	rest->n -= tok->n;
	return (0);
}

/* Directives a <meta> policy may not carry (CSP3 3.3): ignored there. */
static int
csp_header_only(struct csp_span name)
{
	return ((name.n == 15 && strncasecmp(name.p, "frame-ancestors", 15) == 0) ||
	    (name.n == 10 && strncasecmp(name.p, "report-uri", 10) == 0) ||
	    (name.n == 7 && strncasecmp(name.p, "sandbox", 7) == 0));
}

/* Split the policy at p (n bytes) into its directives; meta: it came from a <meta>
 * tag. */
static void
csp_policy_parse(const char *p, size_t n, int meta, struct csp_policy *pol)
{
	const char *end = p + n, *semi;
	struct csp_span part, name;
	size_t i;

	pol->n = 0;
	pol->duplicates = 0;
	while (p < end) {
		semi = memchr(p, ';', (size_t)(end - p));
		part.p = p;
		part.n = (size_t)((semi ? semi : end) - p);
		p = semi ? semi + 1 : end;
		if (csp_token(&part, &name) != 0)
			continue;
		for (i = 0; i < name.n && csp_name_char(name.p[i]); i++)
			;
		if (i < name.n || (meta && csp_header_only(name)))
			continue;                     /* not a directive name: ignored */
		for (i = 0; i < pol->n; i++)
			if (pol->d[i].name.n == name.n &&
			    strncasecmp(pol->d[i].name.p, name.p, name.n) == 0)
				break;
		if (i < pol->n) {
			pol->duplicates++;
			continue;
		}
		if (pol->n == CSP_MAX_DIRECTIVES)
			continue;
		pol->d[pol->n].name = name;
		pol->d[pol->n].sources = part;
		pol->n++;
	}
}

static const struct csp_span *
csp_find(const struct csp_policy *pol, const char *name)
{
	size_t i;

	for (i = 0; i < pol->n; i++)
		if (csp_is(pol->d[i].name, name))
			return (&pol->d[i].sources);
	return (NULL);
}

int
csp_directive_sources(const char *policy, size_t len, const char *name,
    const char **src, size_t *n)
{
	struct csp_policy pol;
	const struct csp_span *s;

	csp_policy_parse(policy, len, 0, &pol);
	if ((s = csp_find(&pol, name)) == NULL)
		return (-1);
	*src = s->p;
	*n = s->n;
	return (0);
}

/* Whether a source lets anything in: "*", a bare scheme, or a host "*". */
static int
csp_source_broad(struct csp_span s)
{
	const char *sep;
	size_t host;

	if (csp_is(s, "http:") || csp_is(s, "https:") || csp_is(s, "ftp:"))
		return (1);
	if ((sep = memchr(s.p, '/', s.n)) != NULL && sep + 1 < s.p + s.n && sep[1] == '/') {
		s.n -= (size_t)(sep + 2 - s.p);
		s.p = sep + 2;
	}
	for (host = 0; host < s.n && s.p[host] != ':' && s.p[host] != '/'; host++)
		;
	s.n = host;
	return (csp_is(s, "*") || csp_is(s, "*.*"));
}

static int
csp_source_insecure(struct csp_span s)
{
	return (csp_starts(s, "http:") || csp_starts(s, "ftp:"));
}

static int
csp_source_nonce_or_hash(struct csp_span s)
{
	return (csp_starts(s, "'nonce-") || csp_starts(s, "'sha256-") ||
	    csp_starts(s, "'sha384-") || csp_starts(s, "'sha512-"));
}

/* What one source list holds. */
struct csp_list {
	int tokens, none, unsafe_inline, unsafe_eval, data, nonce_hash, strict_dynamic;
	int broad, insecure;
};

static void
csp_list_read(const struct csp_span *src, struct csp_list *l)
{
	struct csp_span rest = *src, tok;

	memset(l, 0, sizeof(*l));
	while (csp_token(&rest, &tok) == 0) {
		l->tokens++;
		l->none |= csp_is(tok, "'none'");
		l->unsafe_inline |= csp_is(tok, "'unsafe-inline'");
		l->unsafe_eval |= csp_is(tok, "'unsafe-eval'");
		l->data |= csp_is(tok, "data:");
		l->nonce_hash |= csp_source_nonce_or_hash(tok);
		l->strict_dynamic |= csp_is(tok, "'strict-dynamic'");
		l->broad |= csp_source_broad(tok);
		l->insecure |= csp_source_insecure(tok);
	}
}

/* Whether a list allows nothing: empty, or 'none' alone. */
static int
csp_list_nothing(const struct csp_list *l)
{
	return (l->tokens == 0 || (l->none && l->tokens == 1));
}

/* Judge one parsed policy into p (a verdict of one policy). */
static void
csp_policy_judge(const struct csp_policy *pol, struct csp_verdict *p)
{
	const struct csp_span *script = csp_find(pol, "script-src");
	const struct csp_span *deflt = csp_find(pol, "default-src");
	const struct csp_span *object = csp_find(pol, "object-src");
	const struct csp_span *frame = csp_find(pol, "frame-ancestors");
	struct csp_list l;
	size_t i;

	memset(p, 0, sizeof(*p));
	p->policies = 1;
	p->duplicates = pol->duplicates;
	if (script == NULL)
		script = deflt;
	if (script == NULL) {
		p->script_inline = p->script_eval = p->script_broad = 1;
	} else {
		csp_list_read(script, &l);
		/* CSP3: a nonce or hash makes 'unsafe-inline' ignored; 'strict-dynamic'
		 * makes it, 'self', host and scheme sources (data: too) ignored. */
		p->strict_dynamic = l.strict_dynamic && l.nonce_hash;
		p->script_inline = !l.strict_dynamic && ((l.unsafe_inline && !l.nonce_hash) ||
		    l.data);
		p->script_eval = l.unsafe_eval;
		p->script_broad = !l.strict_dynamic && l.broad;
	}
	p->default_broad = -1;
	if (deflt != NULL) {
		csp_list_read(deflt, &l);
		p->default_broad = l.broad;
	}
	if (object == NULL)
		object = deflt;
	if (object == NULL) {
		p->object_open = 1;
	} else {
		csp_list_read(object, &l);
		p->object_open = !csp_list_nothing(&l);
	}
	if (frame != NULL) {
		csp_list_read(frame, &l);
		p->frame_ancestors = l.broad ? CSP_FA_BROAD : CSP_FA_RESTRICTED;
	}
	for (i = 0; i < pol->n; i++) {
		const struct csp_directive *d = &pol->d[i];

		if (csp_is(d->name, "upgrade-insecure-requests"))
			p->upgrade_insecure = 1;
		if (csp_is(d->name, "img-src") || csp_is(d->name, "media-src") ||
		    csp_is(d->name, "report-uri") || csp_is(d->name, "report-to"))
			continue;
		csp_list_read(&d->sources, &l);
		if (csp_is(d->name, "script-src") && l.strict_dynamic)
			continue;                     /* its scheme sources are ignored */
		p->insecure_scheme |= l.insecure;
	}
}

void
csp_verdict_init(struct csp_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->default_broad = -1;
}

static void
csp_verdict_merge(struct csp_verdict *v, const struct csp_verdict *p)
{
	if (v->policies == 0) {
		*v = *p;
		return;
	}
	v->policies++;
	v->duplicates += p->duplicates;
	v->script_inline &= p->script_inline;
	v->script_eval &= p->script_eval;
	v->script_broad &= p->script_broad;
	if (p->default_broad >= 0)
		v->default_broad = v->default_broad < 0 ? p->default_broad :
		    v->default_broad & p->default_broad;
	v->insecure_scheme |= p->insecure_scheme;
	v->object_open &= p->object_open;
	if (p->frame_ancestors > v->frame_ancestors)
		v->frame_ancestors = p->frame_ancestors;
	v->strict_dynamic |= p->strict_dynamic;
	v->upgrade_insecure |= p->upgrade_insecure;
}

void
csp_verdict_add(struct csp_verdict *v, const char *value, size_t len)
{
	struct csp_policy pol;
	const char *end = value + len, *comma;
	struct csp_verdict one;

	while (value < end) {
		comma = memchr(value, ',', (size_t)(end - value));
		csp_policy_parse(value, (size_t)((comma ? comma : end) - value), 0, &pol);
		value = comma ? comma + 1 : end;
		if (pol.n == 0)
			continue;                     /* no directive: not a policy */
		csp_policy_judge(&pol, &one);
		csp_verdict_merge(v, &one);
	}
}

void
csp_verdict_add_meta(struct csp_verdict *v, const char *value, size_t len)
{
	struct csp_policy pol;
	struct csp_verdict one;

	csp_policy_parse(value, len, 1, &pol);
	if (pol.n == 0)
		return;
	csp_policy_judge(&pol, &one);
	csp_verdict_merge(v, &one);
}
