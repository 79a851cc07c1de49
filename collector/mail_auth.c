#include "collector/mail_auth.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "common/regdomain.h"

int
mail_auth_is_spf(const char *txt)
{
	return (strncasecmp(txt, "v=spf1", 6) == 0 && (txt[6] == '\0' || txt[6] == ' '));
}

int
mail_auth_is_dmarc(const char *txt)
{
	while (*txt == ' ')
		txt++;
	/* RFC 7489 6.6.3: records that do not begin with exactly "v=DMARC1" are
	 * discarded ("v=dmarc1" is not one). */
	return (strncmp(txt, "v=DMARC1", 8) == 0 && (txt[8] == '\0' || txt[8] == ';' ||
	    txt[8] == ' ' || txt[8] == '\t'));
}

/* A domain-spec: non-empty, no blanks, at most 253 bytes (macros allowed). */
static int
spf_domain_ok(const char *d, size_t n)
{
	size_t i;

	if (n == 0 || n > 253)
		return (0);
	for (i = 0; i < n; i++)
		if (!isgraph((unsigned char)d[i]))
			return (0);
	return (1);
}

/* An address with an optional /prefix, of family af. */
static int
spf_ip_ok(const char *v, size_t n, int af)
{
	char addr[64], *slash, *end;
	unsigned char buf[16];
	long prefix;

	if (n == 0 || n >= sizeof(addr))
		return (0);
	memcpy(addr, v, n);
	addr[n] = '\0';
	if ((slash = strchr(addr, '/')) != NULL) {
		*slash = '\0';
		prefix = strtol(slash + 1, &end, 10);
		if (slash[1] == '\0' || *end != '\0' || prefix < 0 ||
		    prefix > (af == AF_INET ? 32 : 128))
			return (0);
	}
	return (inet_pton(af, addr, buf) == 1);
}

/* An optional ":domain" then optional "/cidr" (or "//cidr6") after a or mx. */
static int
spf_a_args_ok(const char *v, size_t n)
{
	const char *slash = memchr(v, '/', n);
	size_t dlen = slash ? (size_t)(slash - v) : n;
	size_t i;

	if (dlen > 0 && (v[0] != ':' || !spf_domain_ok(v + 1, dlen - 1)))
		return (0);
	if (slash == NULL)
		return (1);
	for (i = (size_t)(slash - v) + 1; i < n; i++)
		if (!isdigit((unsigned char)v[i]) && v[i] != '/')
			return (0);
	return (n > (size_t)(slash - v) + 1);
}

static int
spf_fail(struct mail_auth_spf *out, const char *term, size_t n, const char *why)
{
	snprintf(out->error, sizeof(out->error), "%s '%.*s'", why, (int)(n > 60 ? 60 : n),
	    term);
	out->ok = 0;
	return (-1);
}

static void
spf_copy(char *dst, size_t cap, const char *v, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

int
mail_auth_spf_parse(const char *record, struct mail_auth_spf *out)
{
	const char *p = record, *t, *arg;
	size_t n, name_len;
	int seen_exp = 0;
	char q;

	memset(out, 0, sizeof(*out));
	if (!mail_auth_is_spf(record))
		return (spf_fail(out, record, strlen(record), "not an SPF record:"));
	p += 6;
	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		t = p;
		while (*p != '\0' && *p != ' ')
			p++;
		n = (size_t)(p - t);
		name_len = strcspn(t, "=:/ ");
		if (name_len < n && t[name_len] == '=') {
			/* A modifier. */
			arg = t + name_len + 1;
			if (name_len == 0 || !isalpha((unsigned char)t[0]))
				return (spf_fail(out, t, n, "bad modifier"));
			if (name_len == 8 && strncasecmp(t, "redirect", 8) == 0) {
				if (out->redirect[0] != '\0')
					return (spf_fail(out, t, n, "second redirect"));
				if (!spf_domain_ok(arg, n - 9))
					return (spf_fail(out, t, n, "bad redirect domain"));
				spf_copy(out->redirect, sizeof(out->redirect), arg, n - 9);
				out->lookups++;
			} else if (name_len == 3 && strncasecmp(t, "exp", 3) == 0) {
				if (seen_exp++)
					return (spf_fail(out, t, n, "second exp"));
			}
			continue;
		}
		q = '+';
		if (*t == '+' || *t == '-' || *t == '~' || *t == '?') {
			q = *t++;
			n--;
		}
		name_len = strcspn(t, ":/ ");
		if (name_len > n)
			name_len = n;
		arg = t + name_len;
		if (name_len == 3 && strncasecmp(t, "all", 3) == 0 && n == 3) {
			out->all = q;
		} else if (name_len == 7 && strncasecmp(t, "include", 7) == 0) {
			if (n < 9 || *arg != ':' || !spf_domain_ok(arg + 1, n - 8))
				return (spf_fail(out, t, n, "include needs a domain:"));
			if (out->nincludes < sizeof(out->includes) / sizeof(out->includes[0]))
				spf_copy(out->includes[out->nincludes++], sizeof(out->includes[0]),
				    arg + 1, n - 8);
			out->lookups++;
		} else if ((name_len == 1 && (*t == 'a' || *t == 'A')) ||
		    (name_len == 2 && strncasecmp(t, "mx", 2) == 0)) {
			if (!spf_a_args_ok(arg, n - name_len))
				return (spf_fail(out, t, n, "bad arguments in"));
			out->lookups++;
		} else if (name_len == 3 && strncasecmp(t, "ptr", 3) == 0) {
			if (n > 3 && (*arg != ':' || !spf_domain_ok(arg + 1, n - 4)))
				return (spf_fail(out, t, n, "bad arguments in"));
			out->lookups++;
		} else if (name_len == 6 && strncasecmp(t, "exists", 6) == 0) {
			if (n < 8 || *arg != ':' || !spf_domain_ok(arg + 1, n - 7))
				return (spf_fail(out, t, n, "exists needs a domain:"));
			out->lookups++;
		} else if (name_len == 3 && strncasecmp(t, "ip4", 3) == 0) {
			if (*arg != ':' || !spf_ip_ok(arg + 1, n - 4, AF_INET))
				return (spf_fail(out, t, n, "bad IPv4 network in"));
		} else if (name_len == 3 && strncasecmp(t, "ip6", 3) == 0) {
			if (*arg != ':' || !spf_ip_ok(arg + 1, n - 4, AF_INET6))
				return (spf_fail(out, t, n, "bad IPv6 network in"));
		} else {
			return (spf_fail(out, t, n, "unknown mechanism"));
		}
	}
	out->ok = 1;
	return (0);
}

/* The single SPF record among txt into rec (*too_long: it is longer than a record
 * holds); 1 found, 0 none, -1 several. */
static int
spf_pick(const struct mail_auth_txt *txt, const char **rec, int *too_long)
{
	size_t i;
	int found = 0;

	for (i = 0; i < txt->n; i++)
		if (mail_auth_is_spf(txt->rec[i])) {
			*rec = txt->rec[i];
			*too_long = txt->too_long[i];
			found++;
		}
	return (found > 1 ? -1 : found);
}

/* Expand the macros of an SPF domain-spec (RFC 7208 section 7) that a check without a
 * message can know: %{d} and %{o} (both the domain being checked: the sender's domain
 * is the one whose policy is read), %% %_ %-. Any other (%{i} the sender's address,
 * %{s}, %{l}, %{h}, %{p}, %{v}, %{c}, %{r}, %{t}) cannot be known here: the term is
 * then left unevaluated, never looked up as written. Transformers (digits, r,
 * delimiters) make it unevaluable too. 1 with out filled, 0 unevaluable. */
static int
spf_expand(const char *spec, const char *domain, char *out, size_t cap)
{
	size_t o = 0, k;
	const char *p;

	for (p = spec; *p != '\0'; p++) {
		const char *piece = NULL;
		char one[2] = {0, 0};

		if (*p != '%') {
			one[0] = *p;
			piece = one;
		} else if (p[1] == '%' || p[1] == '_' || p[1] == '-') {
			one[0] = p[1] == '%' ? '%' : p[1] == '_' ? ' ' : '-';
			piece = p[1] == '-' ? "%20" : one;
			p++;
		} else if (p[1] == '{' && (p[2] == 'd' || p[2] == 'D' || p[2] == 'o' ||
		    p[2] == 'O') && p[3] == '}') {
			piece = domain;
			p += 3;
		} else
			return (0);
		k = strlen(piece);
		if (o + k + 1 > cap)
			return (0);
		memcpy(out + o, piece, k);
		o += k;
	}
	out[o] = '\0';
	return (1);
}

struct spf_walk {
	mail_auth_lookup_fn *lookup;
	void *arg;
	int fetches;
	struct mail_auth_spf_result *out;
};

/* Count the lookups of domain's record, included or redirected to (depth > 0).
 * 0, or -1 when a lookup failed. Problems go to w->out. */
static int
spf_walk(struct spf_walk *w, const char *domain, int depth, char *all)
{
	struct mail_auth_txt *txt = NULL;
	struct mail_auth_spf *spf = NULL;
	const char *rec = NULL;
	char target[256];
	size_t i;
	int rc = -1, found, too_long = 0;

	if (w->out->lookups > MAIL_AUTH_MAX_LOOKUPS || !w->out->syntax_ok)
		return (0);
	if (++w->fetches > MAIL_AUTH_MAX_FETCHES) {
		w->out->lookups = MAIL_AUTH_MAX_LOOKUPS + 1;
		return (0);
	}
	if ((txt = calloc(1, sizeof(*txt))) == NULL || (spf = calloc(1, sizeof(*spf))) == NULL)
		goto done;
	if (w->lookup(w->arg, domain, txt) != 0)
		goto done;
	found = spf_pick(txt, &rec, &too_long);
	if (found <= 0) {
		w->out->syntax_ok = 0;
		snprintf(w->out->error, sizeof(w->out->error), found < 0 ?
		    "%.100s has more than one SPF record" : "%.100s has no SPF record", domain);
		rc = 0;
		goto done;
	}
	if (depth == 0)
		snprintf(w->out->record, sizeof(w->out->record), "%s", rec);
	if (too_long) {
		w->out->syntax_ok = 0;
		w->out->too_long = 1;
		snprintf(w->out->error, sizeof(w->out->error), "%s%.100s%sthe SPF record is"
		    " longer than %d bytes: not evaluated", depth ? "in the record of " : "",
		    depth ? domain : "", depth ? ": " : "", MAIL_AUTH_MAX_TXT - 1);
		rc = 0;
		goto done;
	}
	if (mail_auth_spf_parse(rec, spf) != 0) {
		w->out->syntax_ok = 0;
		snprintf(w->out->error, sizeof(w->out->error), "%s%.100s: %s",
		    depth ? "in the record of " : "", depth ? domain : "", spf->error);
		rc = 0;
		goto done;
	}
	w->out->lookups += spf->lookups;
	if (all != NULL)
		*all = spf->all;
	for (i = 0; i < spf->nincludes; i++) {
		/* A macro that needs the message is counted, not looked up. */
		if (!spf_expand(spf->includes[i], domain, target, sizeof(target))) {
			w->out->unevaluated++;
			continue;
		}
		if (spf_walk(w, target, depth + 1, NULL) != 0)
			goto done;
	}
	/* A redirect applies only when the record has no "all". */
	if (spf->redirect[0] != '\0' && spf->all == 0) {
		if (!spf_expand(spf->redirect, domain, target, sizeof(target))) {
			w->out->unevaluated++;
			w->out->all_unknown |= all != NULL;
		}
		else if (spf_walk(w, target, depth + 1, all) != 0)
			goto done;
	}
	rc = 0;
done:
	free(txt);
	free(spf);
	return (rc);
}

int
mail_auth_spf_check(const char *domain, mail_auth_lookup_fn *lookup, void *arg,
    struct mail_auth_spf_result *out)
{
	struct spf_walk w = {lookup, arg, 0, out};
	struct mail_auth_txt *txt;
	const char *rec = NULL;
	int found, rc = -1, too_long = 0;

	memset(out, 0, sizeof(*out));
	if ((txt = calloc(1, sizeof(*txt))) == NULL)
		return (-1);
	if (lookup(arg, domain, txt) != 0)
		goto done;
	found = spf_pick(txt, &rec, &too_long);
	rc = 0;
	if (found == 0)
		goto done;
	out->present = 1;
	if (found < 0) {
		snprintf(out->error, sizeof(out->error), "more than one SPF record");
		goto done;
	}
	out->syntax_ok = 1;
	w.fetches = 0;
	if (spf_walk(&w, domain, 0, &out->all) != 0) {
		rc = -1;
		goto done;
	}
	out->weak = !out->all_unknown && (out->all == 0 || out->all == '+' || out->all == '?');
done:
	free(txt);
	return (rc);
}

static int
dmarc_fail(struct mail_auth_dmarc *out, const char *why, const char *tag, size_t n)
{
	snprintf(out->error, sizeof(out->error), "%s '%.*s'", why, (int)(n > 60 ? 60 : n),
	    tag);
	out->ok = 0;
	return (-1);
}

/* Whether v (n bytes) names a policy, in any case (RFC 7489's ABNF strings); if so,
 * its lowercase name into out, so that "REJECT" and "reject" are one fact. */
static int
dmarc_policy(const char *v, size_t n, char out[12])
{
	static const char *const names[] = {"none", "quarantine", "reject"};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (n == strlen(names[i]) && strncasecmp(v, names[i], n) == 0) {
			snprintf(out, 12, "%s", names[i]);
			return (1);
		}
	return (0);
}

/* Whether the n bytes at v are a comma-separated list of URIs (RFC 7489 6.2,
 * dmarc-uri: a URI, optionally "!" and a size), at least one of them. */
static int
dmarc_uris_ok(const char *v, size_t n)
{
	size_t i = 0, start, k;
	int any = 0;

	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t'))
			i++;
		start = i;
		while (i < n && v[i] != ',')
			i++;
		k = start;
		if (k >= i || !isalpha((unsigned char)v[k]))
			return (0);
		while (k < i && (isalnum((unsigned char)v[k]) || v[k] == '+' || v[k] == '-' ||
		    v[k] == '.'))
			k++;
		if (k >= i || v[k] != ':' || k + 1 >= i)
			return (0);
		for (k++; k < i; k++)
			if (!isgraph((unsigned char)v[k]))
				return (0);
		any = 1;
		if (i < n)
			i++;                   /* the comma */
	}
	return (any);
}

int
mail_auth_dmarc_parse(const char *record, struct mail_auth_dmarc *out)
{
	const char *p = record, *t, *eq, *v;
	size_t n, name_len, vlen;
	int index = 0, seen_p = 0, bad_p = 0, bad_sp = 0, i;

	memset(out, 0, sizeof(*out));
	out->pct = 100;
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		if (*p == '\0')
			break;
		t = p;
		while (*p != '\0' && *p != ';')
			p++;
		n = (size_t)(p - t);
		while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t'))
			n--;
		if ((eq = memchr(t, '=', n)) == NULL)
			return (dmarc_fail(out, "not a tag=value pair:", t, n));
		name_len = (size_t)(eq - t);
		while (name_len > 0 && t[name_len - 1] == ' ')
			name_len--;
		v = eq + 1;
		while (v < t + n && *v == ' ')
			v++;
		vlen = (size_t)(t + n - v);
		if (index++ == 0) {
			if (name_len != 1 || t[0] != 'v' || vlen != 6 || strncmp(v, "DMARC1", 6) != 0)
				return (dmarc_fail(out, "the record must start with v=DMARC1, not", t, n));
			continue;
		}
		if (name_len == 1 && t[0] == 'p') {
			if (seen_p++ || !dmarc_policy(v, vlen, out->policy))
				bad_p = 1;
		} else if (name_len == 2 && strncmp(t, "sp", 2) == 0) {
			if (out->subdomain_policy[0] != '\0' ||
			    !dmarc_policy(v, vlen, out->subdomain_policy))
				bad_sp = 1;
		} else if (name_len == 3 && strncmp(t, "pct", 3) == 0) {
			/* An invalid pct is ignored: 100 applies. */
			for (i = 0; (size_t)i < vlen && isdigit((unsigned char)v[i]); i++)
				;
			if (vlen > 0 && vlen <= 3 && (size_t)i == vlen && atoi(v) <= 100)
				out->pct = atoi(v);
		} else if (name_len == 3 && strncmp(t, "rua", 3) == 0) {
			out->has_rua |= dmarc_uris_ok(v, vlen);
		}
		/* ruf and unknown tags: ignored (RFC 7489 6.3). */
	}
	if (index == 0)
		return (dmarc_fail(out, "empty record", record, 0));
	if (!seen_p || bad_p || bad_sp) {
		if (!out->has_rua)
			return (dmarc_fail(out, !seen_p ? "no policy (p=) and no report address"
			    " in" : "an invalid policy and no report address in", record,
			    strlen(record)));
		snprintf(out->policy, sizeof(out->policy), "none");
		out->subdomain_policy[0] = '\0';
		out->policy_defaulted = 1;
	}
	out->ok = 1;
	return (0);
}

/* A record or message as evidence details show it (scan_results_excerpt). */
#define MAIL_AUTH_QUOTE_MAX SCAN_RESULTS_EXCERPT

static const char *
mail_auth_quote(const char *text, char out[MAIL_AUTH_QUOTE_MAX + 4])
{
	return (scan_results_excerpt(text, strlen(text), MAIL_AUTH_QUOTE_MAX, out));
}

/* Add a result whose outcome is fail (1), pass (0) or info (-1: observed, no cost). */
static int
run_add(struct scan_results *out, const char *code, int fail, json_t *d)
{
	char *text = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	int rc = scan_results_add(out, code, fail < 0 ? "info" : fail ? "fail" : "pass",
	    NULL, text);

	free(text);
	json_decref(d);
	return (rc);
}

/* The DMARC records at _dmarc.<domain> (RFC 7489 6.6.3 steps 1-2: those not
 * beginning with v=DMARC1 are discarded): their number, the one if there is one.
 * 0, or -1 when the lookup failed. */
static int
dmarc_at(const char *domain, mail_auth_lookup_fn *lookup, void *arg,
    struct mail_auth_txt *txt, char *name, size_t namelen, const char **rec,
    int *too_long, size_t *found)
{
	size_t i;

	memset(txt, 0, sizeof(*txt));
	snprintf(name, namelen, "_dmarc.%s", domain);
	*rec = NULL;
	*found = 0;
	if (lookup(arg, name, txt) != 0)
		return (-1);
	for (i = 0; i < txt->n; i++)
		if (mail_auth_is_dmarc(txt->rec[i])) {
			*rec = txt->rec[i];
			*too_long = txt->too_long[i];
			(*found)++;
		}
	return (0);
}

/*
 * DMARC as a receiver discovers it (RFC 7489 6.6.3): the record at _dmarc.<domain>;
 * when there is none, the one at the organisational domain's _dmarc (the Public
 * Suffix List, common/regdomain.h), whose sp= (else p=) then applies. Two records at
 * one name, or a record that cannot be used (6.6.3 step 6: no valid p= and no valid
 * rua), mean no DMARC at all: dmarc_missing fails, and the reason is recorded as
 * dmarc_syntax_error with outcome info (no cost beyond the missing policy).
 */
static int
run_dmarc(const char *domain, mail_auth_lookup_fn *lookup, void *arg,
    struct scan_results *out)
{
	struct mail_auth_dmarc d;
	struct mail_auth_txt *txt;
	char name[300], org[REGDOMAIN_MAX], why[420];
	char q1[MAIL_AUTH_QUOTE_MAX + 4], q2[MAIL_AUTH_QUOTE_MAX + 4];
	const char *rec = NULL, *policy;
	size_t found = 0;
	int rc = -1, too_long = 0, inherited = 0;

	if ((txt = calloc(1, sizeof(*txt))) == NULL)
		return (-1);
	if (dmarc_at(domain, lookup, arg, txt, name, sizeof(name), &rec, &too_long,
	    &found) != 0)
		goto done;
	if (regdomain_of(domain, org, sizeof(org)) != 0)
		snprintf(org, sizeof(org), "%s", domain);
	if (found == 0 && strcasecmp(org, domain) != 0) {
		if (dmarc_at(org, lookup, arg, txt, name, sizeof(name), &rec, &too_long,
		    &found) != 0)
			goto done;
		inherited = found > 0;
	}
	rc = 0;
	why[0] = '\0';
	if (found == 0)
		snprintf(why, sizeof(why), "no DMARC record at _dmarc.%.100s%s%.100s", domain,
		    inherited || strcasecmp(org, domain) == 0 ? "" : " nor at _dmarc.",
		    inherited || strcasecmp(org, domain) == 0 ? "" : org);
	else if (found > 1)
		snprintf(why, sizeof(why), "more than one DMARC record at %.100s: RFC 7489"
		    " applies none", name);
	else if (too_long)
		snprintf(why, sizeof(why), "the DMARC record is longer than %d bytes: not"
		    " evaluated", MAIL_AUTH_MAX_TXT - 1);
	else if (mail_auth_dmarc_parse(rec, &d) != 0)
		snprintf(why, sizeof(why), "the DMARC record cannot be used: %.150s", d.error);
	if (why[0] != '\0') {
		rc |= run_add(out, "email_auth.dmarc_missing", 1, rec != NULL ?
		    json_pack("{ssssss}", "name", name, "why", mail_auth_quote(why, q1), "record",
		    mail_auth_quote(rec, q2)) : json_pack("{ssss}", "name", name, "why",
		    mail_auth_quote(why, q1)));
		if (found > 0)
			rc |= run_add(out, "email_auth.dmarc_syntax_error", -1, json_pack("{ss}",
			    "error", mail_auth_quote(why, q1)));
		goto done;
	}
	policy = inherited && d.subdomain_policy[0] != '\0' ? d.subdomain_policy : d.policy;
	rc |= run_add(out, "email_auth.dmarc_missing", 0, json_pack("{sssssb}", "record",
	    mail_auth_quote(rec, q1), "found_at", name, "inherited", inherited));
	rc |= run_add(out, "email_auth.dmarc_syntax_error", 0, json_object());
	rc |= run_add(out, "email_auth.dmarc_policy_none", strcasecmp(policy, "none") == 0,
	    json_pack("{sssisbsb}", "policy", policy, "pct", d.pct, "reports", d.has_rua,
	    "policy_defaulted", d.policy_defaulted));
done:
	free(txt);
	return (rc);
}

int
mail_auth_run(const char *domain, mail_auth_lookup_fn *lookup, void *arg,
    struct scan_results *out)
{
	struct mail_auth_spf_result *spf;
	char q1[MAIL_AUTH_QUOTE_MAX + 4], q2[MAIL_AUTH_QUOTE_MAX + 4];
	int rc = -1;

	if ((spf = calloc(1, sizeof(*spf))) == NULL)
		return (-1);
	if (mail_auth_spf_check(domain, lookup, arg, spf) != 0)
		goto done;
	rc = 0;
	if (!spf->present) {
		rc |= run_add(out, "email_auth.spf_missing", 1, json_pack("{ss}", "name", domain));
	} else if (spf->too_long) {
		/* Not judged on a part of it: the reason is kept, nothing is charged. */
		rc |= run_add(out, "email_auth.spf_syntax_error", -1, json_pack("{ss}", "error",
		    mail_auth_quote(spf->error, q2)));
	} else if (!spf->syntax_ok || spf->lookups > MAIL_AUTH_MAX_LOOKUPS) {
		/* A permanent error (RFC 7208 4.5, 4.6, 4.6.4: several records, a record
		 * that does not parse, an include without one, more than 10 lookups): no
		 * receiver can use the policy, so it costs what no SPF costs; the reason is
		 * kept, as info. */
		rc |= run_add(out, "email_auth.spf_missing", 1, json_pack("{ssss}", "record",
		    mail_auth_quote(spf->record, q1), "permerror", !spf->syntax_ok ?
		    mail_auth_quote(spf->error, q2) : "more than 10 DNS lookups"));
		if (!spf->syntax_ok)
			rc |= run_add(out, "email_auth.spf_syntax_error", -1, json_pack("{ss}",
			    "error", mail_auth_quote(spf->error, q2)));
		else
			rc |= run_add(out, "email_auth.spf_too_many_lookups", -1,
			    json_pack("{sisi}", "lookups", spf->lookups, "limit",
			    MAIL_AUTH_MAX_LOOKUPS));
	} else if (spf->weak) {
		char all[3] = {spf->all ? spf->all : '?', 0, 0};

		/* +all authorises every sender, ?all and no all say nothing: no
		 * protection, the cost of no SPF (the qualifier kept as info). */
		rc |= run_add(out, "email_auth.spf_missing", 1, json_pack("{ssss}", "record",
		    mail_auth_quote(spf->record, q1), "all", spf->all ? all : "none"));
		rc |= run_add(out, "email_auth.spf_weak", -1, json_pack("{ss}", "all",
		    spf->all ? all : "none"));
	} else {
		char all[3] = {spf->all ? spf->all : '?', 0, 0};

		rc |= run_add(out, "email_auth.spf_missing", 0, json_pack("{ss}", "record",
		    mail_auth_quote(spf->record, q1)));
		rc |= run_add(out, "email_auth.spf_syntax_error", 0, json_object());
		rc |= run_add(out, "email_auth.spf_weak", 0, json_pack("{ss}", "all",
		    spf->all_unknown ? "unknown (a redirect needs the message)" : all));
		rc |= run_add(out, "email_auth.spf_too_many_lookups", 0, json_pack("{sisi}",
		    "lookups", spf->lookups, "limit", MAIL_AUTH_MAX_LOOKUPS));
	}
	if (rc == 0 && run_dmarc(domain, lookup, arg, out) != 0)
		rc = -1;
done:
	free(spf);
	return (rc);
}
