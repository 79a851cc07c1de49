#include "collector/dns_policy.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "common/regdomain.h"

/* Skip blanks (RFC 8461 and 8460 allow WSP around the separators). */
static const char *
skip_wsp(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return (p);
}

/* The next "key=value" field of a ';'-separated record: key and value into their
 * buffers (value without surrounding blanks). Returns the rest after ';', or NULL at
 * the end. A field without '=' gives an empty key. */
static const char *
next_field(const char *p, char *key, size_t kn, char *value, size_t vn)
{
	const char *end, *eq, *v;
	size_t kl, vl;

	p = skip_wsp(p);
	if (*p == '\0')
		return (NULL);
	end = strchr(p, ';');
	if (end == NULL)
		end = p + strlen(p);
	eq = memchr(p, '=', (size_t)(end - p));
	key[0] = value[0] = '\0';
	if (eq != NULL) {
		kl = (size_t)(eq - p);
		while (kl > 0 && (p[kl - 1] == ' ' || p[kl - 1] == '\t'))
			kl--;
		if (kl < kn) {
			memcpy(key, p, kl);
			key[kl] = '\0';
		}
		v = skip_wsp(eq + 1);
		vl = (size_t)(end - v);
		while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
			vl--;
		if (vl < vn) {
			memcpy(value, v, vl);
			value[vl] = '\0';
		}
	}
	return (*end == ';' ? end + 1 : end);
}

int
dns_policy_mta_sts(const char *rec, char *err, size_t n)
{
	char key[32], value[256];
	const char *p = rec;
	int first = 1, id = 0;
	size_t i;

	while ((p = next_field(p, key, sizeof(key), value, sizeof(value))) != NULL) {
		if (first) {
			if (strcmp(key, "v") != 0 || strcmp(value, "STSv1") != 0) {
				snprintf(err, n, "does not begin with v=STSv1");
				return (-1);
			}
			first = 0;
			continue;
		}
		if (strcmp(key, "id") != 0)
			continue;             /* other fields are ignored (RFC 8461 3.1) */
		for (i = 0; value[i] != '\0' && isalnum((unsigned char)value[i]); i++)
			;
		if (i == 0 || i > 32 || value[i] != '\0') {
			snprintf(err, n, "id is not 1 to 32 letters and digits");
			return (-1);
		}
		id = 1;
	}
	if (first || !id) {
		snprintf(err, n, first ? "empty record" : "no id");
		return (-1);
	}
	return (0);
}

int
dns_policy_tlsrpt(const char *rec, char *err, size_t n)
{
	char key[32], value[1024], *uri, *save = NULL;
	const char *p = rec;
	int first = 1, rua = 0;

	while ((p = next_field(p, key, sizeof(key), value, sizeof(value))) != NULL) {
		if (first) {
			if (strcmp(key, "v") != 0 || strcmp(value, "TLSRPTv1") != 0) {
				snprintf(err, n, "does not begin with v=TLSRPTv1");
				return (-1);
			}
			first = 0;
			continue;
		}
		if (strcmp(key, "rua") != 0)
			continue;
		for (uri = strtok_r(value, ",", &save); uri != NULL;
		    uri = strtok_r(NULL, ",", &save)) {
			uri = (char *)skip_wsp(uri);
			if (strncasecmp(uri, "mailto:", 7) != 0 &&
			    strncasecmp(uri, "https:", 6) != 0) {
				snprintf(err, n, "rua names a URI that is not mailto: or https:");
				return (-1);
			}
			rua = 1;
		}
	}
	if (first || !rua) {
		snprintf(err, n, first ? "empty record" : "no rua");
		return (-1);
	}
	return (0);
}

int
dns_policy_caa_rdata(const unsigned char *rd, size_t len, struct dns_caa *out)
{
	size_t tl, vl, i;

	memset(out, 0, sizeof(*out));
	if (len < 2 || (tl = rd[1]) == 0 || tl >= sizeof(out->tag) || 2 + tl > len)
		return (-1);
	out->flags = rd[0];
	for (i = 0; i < tl; i++) {
		if (!isalnum(rd[2 + i]))
			return (-1);
		out->tag[i] = (char)tolower(rd[2 + i]);
	}
	vl = len - 2 - tl;
	if (vl >= sizeof(out->value))
		vl = sizeof(out->value) - 1;
	memcpy(out->value, rd + 2 + tl, vl);
	out->value[vl] = '\0';
	if (strlen(out->value) != vl)
		return (-1);                  /* a NUL inside is not a value */
	return (0);
}

/* Of the TXT records of name, those starting with prefix (case-sensitive, as both
 * RFCs write it): exactly one must be valid. why gets the reason there is no valid
 * one ("" when there is), *recs the records found. 0, or -1 when the lookup failed. */
static int
txt_record(const struct dns_policy_lookup *l, const char *name, const char *prefix,
    int (*valid)(const char *, char *, size_t), char *why, size_t whylen, json_t **recs)
{
	struct mail_auth_txt *txt = calloc(1, sizeof(*txt));
	size_t i, found = 0;
	const char *one = NULL;

	*recs = json_array();
	if (txt == NULL || *recs == NULL || l->txt(l->arg, name, txt) != 0) {
		free(txt);
		json_decref(*recs);
		*recs = NULL;
		return (-1);
	}
	for (i = 0; i < txt->n; i++)
		if (strncmp(txt->rec[i], prefix, strlen(prefix)) == 0) {
			found++;
			one = txt->rec[i];
			json_array_append_new(*recs, json_string(txt->rec[i]));
		}
	why[0] = '\0';
	if (found == 0)
		snprintf(why, whylen, "no record");
	else if (found > 1)
		snprintf(why, whylen, "%zu records (exactly one is required)", found);
	else if (valid(one, why, whylen) == 0)
		why[0] = '\0';
	free(txt);
	return (0);
}

static int
txt_policy(const struct dns_policy_lookup *l, const char *name, const char *prefix,
    int (*valid)(const char *, char *, size_t), struct scan_results *out,
    const char *code)
{
	char why[96];
	json_t *recs;

	if (txt_record(l, name, prefix, valid, why, sizeof(why), &recs) != 0)
		return (-1);
	return (scan_results_add_json(out, code, why[0] != '\0', json_pack("{sssoss}", "name",
	    name, "records", recs, "reason", why[0] ? why : "ok")));
}

int
dns_policy_sts_media_type(const char *content_type)
{
	static const char want[] = "text/plain";
	const char *p = content_type, *end;

	if (p == NULL)
		return (0);
	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strcspn(p, ";");
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return ((size_t)(end - p) == sizeof(want) - 1 &&
	    strncasecmp(p, want, sizeof(want) - 1) == 0);
}

int
dns_policy_sts_file(const char *body, char *mode, size_t n, char *err, size_t errlen)
{
	const char *p = body, *eol, *colon, *v;
	char key[32], val[256];
	size_t kl, vl;
	int version = 0, max_age = 0, mx = 0;

	mode[0] = '\0';
	for (; *p != '\0'; p = *eol ? eol + 1 : eol) {
		eol = p + strcspn(p, "\n");
		if ((colon = memchr(p, ':', (size_t)(eol - p))) == NULL)
			continue;
		kl = (size_t)(colon - p);
		v = skip_wsp(colon + 1);
		vl = (size_t)(eol - v);
		while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == ' ' || v[vl - 1] == '\t'))
			vl--;
		if (kl == 0 || kl >= sizeof(key) || vl >= sizeof(val))
			continue;
		memcpy(key, p, kl);
		key[kl] = '\0';
		memcpy(val, v, vl);
		val[vl] = '\0';
		if (strcmp(key, "version") == 0)
			version |= strcmp(val, "STSv1") == 0 ? 1 : 2;
		else if (strcmp(key, "mode") == 0 && mode[0] == '\0')
			snprintf(mode, n, "%s", val);
		else if (strcmp(key, "max_age") == 0) {
			char *end;
			long a = strtol(val, &end, 10);

			max_age = vl > 0 && *end == '\0' && a >= 0 && a <= 31557600;
		} else if (strcmp(key, "mx") == 0 && vl > 0)
			mx++;
	}
	if (version != 1)
		snprintf(err, errlen, "policy file: no version STSv1");
	else if (strcmp(mode, "enforce") != 0 && strcmp(mode, "testing") != 0 &&
	    strcmp(mode, "none") != 0)
		snprintf(err, errlen, "policy file: mode is not enforce, testing or none");
	else if (!max_age)
		snprintf(err, errlen, "policy file: no max_age of 0 to 31557600 seconds");
	else if (mx == 0 && strcmp(mode, "none") != 0)
		snprintf(err, errlen, "policy file: no mx");
	else
		return (0);
	return (-1);
}

#define STS_BODY_MAX 65536

/* MTA-STS: the record, then (with a fetcher) the policy file it announces. 0, or -1
 * when a lookup failed (nothing concluded). */
static int
mta_sts(const char *domain, const struct dns_policy_lookup *l, struct scan_results *out)
{
	char name[300], why[160], mode[16] = "", *body = NULL;
	json_t *recs;
	int got = 1, rc;

	snprintf(name, sizeof(name), "_mta-sts.%s", domain);
	if (txt_record(l, name, "v=STSv1", dns_policy_mta_sts, why, sizeof(why), &recs) != 0)
		return (-1);
	if (why[0] == '\0' && l->policy != NULL) {
		if ((body = malloc(STS_BODY_MAX)) == NULL ||
		    (got = l->policy(l->policy_arg, domain, body, STS_BODY_MAX, why,
		    sizeof(why))) < 0) {
			free(body);
			json_decref(recs);
			return (-1);
		}
		if (got == 1)
			(void)dns_policy_sts_file(body, mode, sizeof(mode), why, sizeof(why));
		else if (why[0] == '\0')
			snprintf(why, sizeof(why), "policy file: not served");
		free(body);
	}
	rc = scan_results_add_json(out, "email_auth.mta_sts_missing", why[0] != '\0',
	    json_pack("{sssoss}", "name", name, "records", recs, "reason", why[0] ? why :
	    "ok"));
	if (why[0] == '\0' && mode[0] != '\0')
		rc |= scan_results_add_json(out, "email_auth.mta_sts_not_enforced",
		    strcmp(mode, "enforce") != 0, json_pack("{ss}", "mode", mode));
	return (rc);
}

/* The CAA set that applies to domain: the first non-empty one from domain up to its
 * registered domain. */
static int
caa_check(const char *domain, const struct dns_policy_lookup *l, struct scan_results *out)
{
	struct dns_caa_set set;
	char reg[254];
	const char *name = domain;
	json_t *props;
	size_t i;
	int restricts = 0;

	if (regdomain_of(domain, reg, sizeof(reg)) != 0)
		snprintf(reg, sizeof(reg), "%s", domain);
	for (;;) {
		memset(&set, 0, sizeof(set));
		if (l->caa(l->arg, name, &set) != 0)
			return (-1);
		if (set.n > 0 || strcasecmp(name, reg) == 0 || strchr(name, '.') == NULL)
			break;
		name = strchr(name, '.') + 1;
	}
	props = json_array();
	for (i = 0; i < set.n; i++) {
		restricts |= strcmp(set.rr[i].tag, "issue") == 0 ||
		    strcmp(set.rr[i].tag, "issuewild") == 0;
		json_array_append_new(props, json_pack("{sissss}", "flags", (int)set.rr[i].flags,
		    "tag", set.rr[i].tag, "value", set.rr[i].value));
	}
	return (scan_results_add_json(out, "tls.caa_missing", !restricts,
	    json_pack("{sssosb}", "name", set.n > 0 ? name : reg, "records", props,
	    "restricts_issuance", restricts)));
}

int
dns_policy_run(const char *domain, const struct dns_policy_lookup *l,
    struct scan_results *out)
{
	char name[300];
	int mx = 0, ad = 0, rc = 0, failed = 0;

	if (l->mx(l->arg, domain, &mx) != 0)
		failed = 1;
	else if (mx > 0) {
		if (mta_sts(domain, l, out) != 0)
			failed = 1;
		snprintf(name, sizeof(name), "_smtp._tls.%s", domain);
		if (txt_policy(l, name, "v=TLSRPTv1", dns_policy_tlsrpt, out,
		    "email_auth.tls_rpt_missing") != 0)
			failed = 1;
	}
	if (caa_check(domain, l, out) != 0)
		failed = 1;
	if (l->secure != NULL) {
		if (l->secure(l->secure_arg, domain, &ad) != 0)
			failed = 1;
		else
			rc |= scan_results_add_json(out, "email_auth.dnssec_unsigned", !ad,
			    json_pack("{sssb}", "name", domain, "authenticated", ad));
	}
	return (failed || rc || out->truncated ? -1 : 0);
}
