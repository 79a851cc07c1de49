/* fairrate discover: asset discovery from each company's seed domains
 * (collector/discovery, collector/discovery_store, docs/collector.md). */
#include <arpa/nameser.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cli/commands.h"
#include "collector/ct_log.h"
#include "collector/discovery.h"
#include "collector/discovery_store.h"
#include "collector/dns_mail.h"
#include "collector/mail_auth.h"
#include "common/buf.h"
#include "common/db.h"
#include "common/log.h"
#include "common/paths.h"
#include "common/progress.h"
#include "common/timefmt.h"

#define DISCOVER_MAX_CT 8
#define DISCOVER_MAX_WORDS 1000
#define DISCOVER_MAX_CT_BYTES (64L << 20)
#define DISCOVER_REFS 16                      /* names read from one CNAME/MX/NS set */
#define DISCOVER_LOG_BATCH 256                /* entries asked of a log at once */
#define DISCOVER_LOG_MAX 100000               /* entries read from a log in one run */

struct discover_run {
	struct dns_mail *dns;
	char (*words)[64];
	size_t nwords;
	const char *ct_label[DISCOVER_MAX_CT];
	size_t nct;
	struct discovery_certs ct[DISCOVER_MAX_CT]; /* a file's or fixed URL's certificates,
	                                         read once for every company */
	struct buf page;                      /* one CT answer as read */
	size_t max_names;
	long wildcard_zones;
	struct discovery_certs log_certs;
	long log_entries;
};

static void
discover_usage(FILE *out)
{
	fprintf(out, "usage: fairrate discover [--company SLUG]... [--ct-json FILE|URL]...\n"
	    "       [--ct-log URL --ct-log-entries START-END] [--wordlist FILE]\n"
	    "       [--nameserver IP[:PORT]] [--max-names N]\n\n"
	    "Finds host names from each company's seed domains (its attributed domains of\n"
	    "confidence 0.9 or more) and records each with its sources and attribution rule\n"
	    "(docs/collector.md \"Asset discovery\"): DNS (CNAME, MX, NS and the SPF\n"
	    "includes of each seed, the CNAME of each name found), certificate transparency\n"
	    "(the JSON crt.sh serves, from files or URLs; certificates naming none of the\n"
	    "company's domains are ignored) and a wordlist of common host names that\n"
	    "resolve under each registered domain (skipped for a zone with a wildcard\n"
	    "record). Names under a seed's registered domain that resolve become attributed\n"
	    "assets; the others wait for the company to confirm them. A name the company\n"
	    "rejected is never attributed again.\n\n"
	    "  --company SLUG    only this company (repeatable; default: every company with\n"
	    "                    a seed)\n"
	    "  --ct-json SRC     a crt.sh JSON file, or a URL (http, https, file) whose\n"
	    "                    \"{domain}\" is replaced by each registered domain\n"
	    "                    (repeatable, at most %d)\n"
	    "  --ct-log URL      a CT log (RFC 6962) whose get-entries (URL/ct/v1/get-entries)\n"
	    "                    are read, with --ct-log-entries START-END (at most %d)\n"
	    "  --wordlist FILE   host labels, one a line (default: data/discovery-words.txt;\n"
	    "                    at most %d)\n"
	    "  --nameserver NS   ask this DNS server (default: /etc/resolv.conf)\n"
	    "  --max-names N     names kept per company (default 10000)\n\n"
	    "Exit status: 0 done, 1 failure, 2 bad usage.\n", DISCOVER_MAX_CT,
	    DISCOVER_LOG_MAX, DISCOVER_MAX_WORDS);
}

static int
discover_wordlist(struct discover_run *r, const char *path)
{
	char line[512], word[64];
	long lineno = 0;
	FILE *f = fopen(path, "r");
	int k;

	if (f == NULL) {
		fprintf(stderr, "fairrate discover: cannot open %s\n", path);
		return (-1);
	}
	if ((r->words = calloc(DISCOVER_MAX_WORDS, sizeof(*r->words))) == NULL) {
		fclose(f);
		return (-1);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if ((k = discovery_wordlist_line(line, word)) < 0) {
			fprintf(stderr, "%s:%ld: not a host label (letters, digits, '-', '_';"
			    " at most 63)\n", path, lineno);
			fclose(f);
			return (-1);
		}
		if (k == 0)
			continue;
		if (r->nwords == DISCOVER_MAX_WORDS) {
			fprintf(stderr, "%s:%ld: more than %d words\n", path, lineno,
			    DISCOVER_MAX_WORDS);
			fclose(f);
			return (-1);
		}
		strcpy(r->words[r->nwords++], word);
	}
	fclose(f);
	return (0);
}

static size_t
discover_ct_write(char *data, size_t size, size_t n, void *userp)
{
	return (buf_append(userp, data, size * n) == 0 ? size * n : 0);
}

/* Read a CT source into b: a file, or a URL with {domain} replaced by domain. */
static int
discover_ct_read(const char *src, const char *domain, struct buf *b)
{
	char url[1024], *at;
	CURL *e;
	CURLcode rc;
	long status = 0;

	buf_reset(b);
	if (strstr(src, "://") == NULL) {
		FILE *f = fopen(src, "r");
		char chunk[65536];
		size_t got;

		if (f == NULL)
			return (-1);
		while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
			if (buf_append(b, chunk, got) != 0) {
				fclose(f);
				return (-1);
			}
		fclose(f);
		return (0);
	}
	if ((at = strstr(src, "{domain}")) != NULL)
		snprintf(url, sizeof(url), "%.*s%s%s", (int)(at - src), src, domain, at + 8);
	else
		snprintf(url, sizeof(url), "%s", src);
	if ((e = curl_easy_init()) == NULL)
		return (-1);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https,file");
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discover_ct_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "fairrate-discover/1.0");
	rc = curl_easy_perform(e);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(e);
	if (rc != CURLE_OK || (strncmp(url, "file:", 5) != 0 && status != 200)) {
		fprintf(stderr, "fairrate discover: %s: %s\n", url, rc != CURLE_OK ?
		    curl_easy_strerror(rc) : "not 200 OK");
		return (-1);
	}
	return (0);
}

/* Whether a CT source is asked for each domain (a URL with {domain}); the others
 * (files, fixed URLs) hold every domain's certificates and are read once. */
static int
discover_ct_per_domain(const char *src)
{
	return (strstr(src, "://") != NULL && strstr(src, "{domain}") != NULL);
}

/* Read the CT source src (for domain) and hand its certificates to cert. 0, or -1. */
static int
discover_ct_source(struct discover_run *r, const char *src, const char *domain,
    discovery_cert_fn *cert, void *arg)
{
	char err[200];

	if (discover_ct_read(src, domain, &r->page) != 0) {
		fprintf(stderr, "fairrate discover: cannot read %s (at most %ld MB)\n", src,
		    DISCOVER_MAX_CT_BYTES >> 20);
		return (-1);
	}
	if (discovery_ct_json(r->page.data, r->page.len, cert, arg, err, sizeof(err)) < 0) {
		fprintf(stderr, "fairrate discover: %s: %s\n", src, err);
		return (-1);
	}
	return (0);
}

/* The names name points to (CNAME, MX, NS) and its SPF includes, added as DNS finds. */
static int
discover_refs(struct discover_run *r, struct discovery_set *s, const char *name, int all)
{
	static const int types[] = {ns_t_cname, ns_t_mx, ns_t_ns};
	char names[DISCOVER_REFS][254];
	struct mail_auth_txt *txt;
	struct mail_auth_spf spf;
	size_t i, k;
	int n;

	for (i = 0; i < (all ? 3u : 1u); i++) {
		if ((n = dns_mail_names(r->dns, name, types[i], names, DISCOVER_REFS)) < 0)
			return (-1);
		for (k = 0; k < (size_t)n; k++)
			if (discovery_add(s, names[k], DISCOVERY_SRC_DNS, 0) < 0)
				return (-1);
	}
	if (!all || (txt = calloc(1, sizeof(*txt))) == NULL)
		return (0);
	if (dns_mail_lookup(r->dns, name, txt) == 0)
		for (i = 0; i < txt->n; i++)
			if (mail_auth_is_spf(txt->rec[i]) &&
			    mail_auth_spf_parse(txt->rec[i], &spf) == 0) {
				for (k = 0; k < spf.nincludes; k++)
					discovery_add(s, spf.includes[k], DISCOVERY_SRC_DNS, 0);
				if (spf.redirect[0] != '\0')
					discovery_add(s, spf.redirect, DISCOVERY_SRC_DNS, 0);
			}
	free(txt);
	return (0);
}

/* Read the entries [first, last] of the log at url, batch by batch (a log may answer
 * fewer than asked: the next batch starts after what came). 0, or -1. */
static int
discover_read_log(struct discover_run *r, const char *url, long first, long last)
{
	char src[1200], err[200];
	long at = first, got;
	size_t base = strlen(url);

	while (base > 0 && url[base - 1] == '/')
		base--;
	while (at <= last) {
		snprintf(src, sizeof(src), "%.*s/ct/v1/get-entries?start=%ld&end=%ld", (int)base,
		    url, at, at + DISCOVER_LOG_BATCH - 1 < last ? at + DISCOVER_LOG_BATCH - 1 :
		    last);
		if (discover_ct_read(src, "", &r->page) != 0 ||
		    (got = ct_log_entries(r->page.data, r->page.len, discovery_certs_keep,
		    &r->log_certs, err, sizeof(err))) < 0) {
			if (r->page.len > 0)
				fprintf(stderr, "fairrate discover: %s: %s\n", src, err);
			return (-1);
		}
		r->log_entries += got;
		if (got == 0)
			break;
		at += got;
	}
	return (0);
}

/* Discover for one company into s. 0, or -1 on a DNS failure or memory. */
static int
discover_company(struct discover_run *r, const struct discovery_company *c,
    struct discovery_set *s)
{
	char name[600], probe[300];
	size_t i, k, before;
	int res;

	for (i = 0; i < c->nseeds; i++)
		if (discover_refs(r, s, c->seeds[i], 1) != 0)
			return (-1);
	for (k = 0; k < r->nct; k++) {
		if (!discover_ct_per_domain(r->ct_label[k])) {
			if (discovery_certs_offer(&r->ct[k], s) != 0)
				return (-1);
			continue;
		}
		for (i = 0; i < s->nseeds; i++)
			if (discover_ct_source(r, r->ct_label[k], s->seeds[i],
			    discovery_certificate, s) != 0)
				return (-1);
	}
	if (discovery_certs_offer(&r->log_certs, s) != 0)
		return (-1);
	for (i = 0; i < s->nseeds; i++) {
		/* A zone answering every name (a wildcard record) would make every word a
		 * host: its wordlist finds would be noise. */
		snprintf(probe, sizeof(probe), "fairrate-wildcard-probe-%08x.%s",
		    (unsigned)rand(), s->seeds[i]);
		if ((res = dns_mail_resolves(r->dns, probe)) < 0)
			return (-1);
		if (res > 0) {
			r->wildcard_zones++;
			continue;
		}
		for (k = 0; k < r->nwords; k++) {
			snprintf(name, sizeof(name), "%s.%s", r->words[k], s->seeds[i]);
			if ((res = dns_mail_resolves(r->dns, name)) < 0)
				return (-1);
			if (res > 0 && discovery_add(s, name, DISCOVERY_SRC_WORDLIST, 0) < 0)
				return (-1);
		}
	}
	/* CT names live only if they resolve; owned names' CNAMEs (a CDN) are found. */
	before = s->n;
	for (i = 0; i < before; i++) {
		if (s->items[i].rule != DISCOVERY_REGISTERED_DOMAIN)
			continue;
		if (!s->items[i].live) {
			if ((res = dns_mail_resolves(r->dns, s->items[i].name)) < 0)
				return (-1);
			s->items[i].live = res > 0;
		}
		if (s->items[i].live && discover_refs(r, s, s->items[i].name, 0) != 0)
			return (-1);
	}
	return (0);
}

int
cmd_discover(int argc, char **argv)
{
	static const struct option opts[] = {{"company", required_argument, NULL, 'c'},
	    {"ct-json", required_argument, NULL, 't'}, {"wordlist", required_argument, NULL,
	    'w'}, {"nameserver", required_argument, NULL, 'n'}, {"max-names",
	    required_argument, NULL, 'm'}, {"help", no_argument, NULL, 'h'},
	    {"ct-log", required_argument, NULL, 'L'}, {"ct-log-entries", required_argument,
	    NULL, 'E'}, {NULL, 0, NULL, 0}};
	const char *slugs[64], *wordlist = NULL, *nameserver = NULL, *log = NULL;
	long log_first = -1, log_last = -1;
	struct discover_run r;
	struct discovery_company *cs = NULL;
	struct discovery_counts counts;
	struct discovery_set set;
	struct progress *meter = NULL;
	char path[1024], *end;
	const char **seeds = NULL;
	size_t nslugs = 0, ncs = 0, i, k;
	PGconn *conn = NULL;
	int ch, rc = 1;
	int64_t now = timefmt_now();

	memset(&r, 0, sizeof(r));
	memset(&counts, 0, sizeof(counts));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			if (nslugs == 64) {
				fprintf(stderr, "fairrate discover: at most 64 --company\n");
				return (2);
			}
			slugs[nslugs++] = optarg;
			break;
		case 't':
			if (r.nct == DISCOVER_MAX_CT) {
				fprintf(stderr, "fairrate discover: at most %d --ct-json\n",
				    DISCOVER_MAX_CT);
				return (2);
			}
			r.ct_label[r.nct++] = optarg;
			break;
		case 'w': wordlist = optarg; break;
		case 'L': log = optarg; break;
		case 'E':
			if (sscanf(optarg, "%ld-%ld", &log_first, &log_last) != 2 ||
			    log_first < 0 || log_last < log_first ||
			    log_last - log_first >= DISCOVER_LOG_MAX) {
				fprintf(stderr, "fairrate discover: bad --ct-log-entries '%s'"
				    " (START-END, at most %d entries)\n", optarg, DISCOVER_LOG_MAX);
				return (2);
			}
			break;
		case 'n': nameserver = optarg; break;
		case 'm':
			r.max_names = strtoul(optarg, &end, 10);
			if (*end != '\0' || r.max_names == 0 || r.max_names > 1000000) {
				fprintf(stderr, "fairrate discover: bad --max-names '%s'\n", optarg);
				return (2);
			}
			break;
		case 'h': discover_usage(stdout); return (0);
		default: discover_usage(stderr); return (2);
		}
	}
	if (optind != argc || (log != NULL) != (log_first >= 0)) {
		discover_usage(stderr);
		return (2);
	}
	buf_init(&r.page, (size_t)DISCOVER_MAX_CT_BYTES);
	if (wordlist == NULL) {
		if (paths_join(path, sizeof(path), "data/discovery-words.txt") != 0)
			return (1);
		wordlist = path;
	}
	if (discover_wordlist(&r, wordlist) != 0)
		goto done;
	for (i = 0; i < r.nct; i++)
		if (!discover_ct_per_domain(r.ct_label[i]) &&
		    discover_ct_source(&r, r.ct_label[i], "", discovery_certs_keep,
		    &r.ct[i]) != 0)
			goto done;
	if (log != NULL && discover_read_log(&r, log, log_first, log_last) != 0) {
		fprintf(stderr, "fairrate discover: cannot read the log %s\n", log);
		goto done;
	}
	if ((r.dns = dns_mail_new(nameserver, 2, 2)) == NULL ||
	    (conn = db_connect(NULL)) == NULL ||
	    discovery_store_companies(conn, slugs, nslugs, &cs, &ncs) != 0)
		goto done;
	meter = progress_new("discover", ncs, "companies");
	for (i = 0; i < ncs; i++) {
		if ((seeds = realloc(seeds, (cs[i].nseeds + 1) * sizeof(*seeds))) == NULL) {
			log_error("discover: out of memory");
			goto done;
		}
		for (k = 0; k < cs[i].nseeds; k++)
			seeds[k] = cs[i].seeds[k];
		if (discovery_set_init(&set, seeds, cs[i].nseeds, r.max_names) != 0) {
			log_error("discover: out of memory");
			goto done;
		}
		if (discover_company(&r, &cs[i], &set) != 0) {
			log_error("discover: %s: a DNS lookup failed; nothing written for it",
			    cs[i].slug);
			discovery_set_free(&set);
			goto done;
		}
		if (discovery_store_write(conn, &cs[i], &set, now, &counts) != 0) {
			discovery_set_free(&set);
			goto done;
		}
		discovery_set_free(&set);
		progress_update(meter, i + 1);
	}
	rc = 0;
done:
	progress_finish(meter);
	if (rc == 0)
		printf("discovered %zu compan%s: %ld names found, %ld newly attributed, %ld"
		    " kept rejected by the company, %ld wildcard zones skipped for the"
		    " wordlist%s", ncs, ncs == 1 ? "y" : "ies", counts.found, counts.attributed,
		    counts.kept_rejected, r.wildcard_zones, log != NULL ? "" : "\n");
	if (rc == 0 && log != NULL)
		printf("; %ld log entries read\n", r.log_entries);
	discovery_store_free(cs, ncs);
	free(seeds);
	buf_free(&r.page);
	discovery_certs_free(&r.log_certs);
	for (i = 0; i < r.nct; i++)
		discovery_certs_free(&r.ct[i]);
	free(r.words);
	dns_mail_free(r.dns);
	if (conn != NULL)
		PQfinish(conn);
	return (rc);
}
