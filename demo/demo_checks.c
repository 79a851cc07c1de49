/*
 * Outside-in observations of one demo company's hosts. Each check fails with a base
 * chance scaled by the company's posture (x->fail_scale); checks that cannot be seen
 * past an earlier failure (no HTTPS, no SPF record, no DMARC record, no HSTS or CSP
 * header) are not observed at all, as a real scanner would not see them.
 */
#include "demo/demo_checks.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/timefmt.h"

#define DAY 86400
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* RFC 5737 documentation networks: the only addresses the demo uses. */
static const char *const demo_networks[] = {"192.0.2.", "198.51.100.", "203.0.113."};

static double
demo_clamp(double v, double lo, double hi)
{
	return (v < lo ? lo : v > hi ? hi : v);
}

static const char *const demo_check_codes[] = {
	"tls.https_unavailable", "tls.no_https_redirect", "tls.legacy_protocol",
	"tls.certificate_expired", "tls.certificate_expiring", "tls.hostname_mismatch",
	"tls.self_signed", "tls.weak_key", "tls.weak_signature",
	"web_headers.hsts_missing", "web_headers.hsts_short_max_age",
	"web_headers.csp_missing", "web_headers.csp_unsafe",
	"web_headers.frame_options_missing", "web_headers.content_type_options_missing",
	"web_headers.referrer_policy_missing", "web_headers.cookie_insecure",
	"web_headers.version_disclosure",
	"email_auth.spf_missing", "email_auth.spf_weak", "email_auth.spf_syntax_error",
	"email_auth.spf_too_many_lookups", "email_auth.dmarc_missing",
	"email_auth.dmarc_policy_none", "email_auth.dmarc_syntax_error",
	"exposed_services.open_port_risky", "exposed_services.insecure_protocol",
	"exposed_services.open_port_admin", "exposed_services.open_port_other",
	"patching.outdated_software", "patching.end_of_life_software",
	"patching.known_vulnerability",
	"compromised_systems.botnet_infection", "compromised_systems.malware_host",
	"compromised_systems.spam_source",
	"incidents.breach_disclosed", "incidents.ransomware", "incidents.data_exposure",
	"governance.basic_policy", "governance.management_structure",
	"governance.education_training", "governance.information_sharing",
	"governance.third_party_certification",
};

/* Indexes into demo_check_codes. */
enum {
	C_HTTPS_UNAVAILABLE, C_NO_REDIRECT, C_LEGACY_PROTOCOL, C_CERT_EXPIRED,
	C_CERT_EXPIRING, C_HOSTNAME_MISMATCH, C_SELF_SIGNED, C_WEAK_KEY, C_WEAK_SIGNATURE,
	C_HSTS_MISSING, C_HSTS_SHORT, C_CSP_MISSING, C_CSP_UNSAFE, C_FRAME_OPTIONS,
	C_CONTENT_TYPE, C_REFERRER, C_COOKIE, C_VERSION_DISCLOSURE,
	C_SPF_MISSING, C_SPF_WEAK, C_SPF_SYNTAX, C_SPF_LOOKUPS, C_DMARC_MISSING,
	C_DMARC_NONE, C_DMARC_SYNTAX,
	C_PORT_RISKY, C_INSECURE_PROTOCOL, C_PORT_ADMIN, C_PORT_OTHER,
	C_OUTDATED, C_END_OF_LIFE, C_KNOWN_VULN,
	C_BOTNET, C_MALWARE, C_SPAM,
	C_BREACH, C_RANSOMWARE, C_DATA_EXPOSURE,
	C_GOV_POLICY, C_GOV_MANAGEMENT, C_GOV_TRAINING, C_GOV_SHARING, C_GOV_CERT,
	C_COUNT
};

/* The chance that a check fails for a company of middling posture. */
static const double demo_base_fail[C_COUNT] = {
	[C_HTTPS_UNAVAILABLE] = 0.04, [C_NO_REDIRECT] = 0.20, [C_LEGACY_PROTOCOL] = 0.22,
	[C_CERT_EXPIRED] = 0.04, [C_CERT_EXPIRING] = 0.08, [C_HOSTNAME_MISMATCH] = 0.04,
	[C_SELF_SIGNED] = 0.03, [C_WEAK_KEY] = 0.05, [C_WEAK_SIGNATURE] = 0.03,
	[C_HSTS_MISSING] = 0.45, [C_HSTS_SHORT] = 0.20, [C_CSP_MISSING] = 0.55,
	[C_CSP_UNSAFE] = 0.35, [C_FRAME_OPTIONS] = 0.35, [C_CONTENT_TYPE] = 0.30,
	[C_REFERRER] = 0.45, [C_COOKIE] = 0.20, [C_VERSION_DISCLOSURE] = 0.30,
	[C_SPF_MISSING] = 0.12, [C_SPF_WEAK] = 0.25, [C_SPF_SYNTAX] = 0.05,
	[C_SPF_LOOKUPS] = 0.07, [C_DMARC_MISSING] = 0.30, [C_DMARC_NONE] = 0.35,
	[C_DMARC_SYNTAX] = 0.04,
	/* Expected open ports per scanned host. */
	[C_PORT_RISKY] = 0.35, [C_INSECURE_PROTOCOL] = 0.25, [C_PORT_ADMIN] = 0.50,
	[C_PORT_OTHER] = 0.90,
	/* Per observed product; end of life and vulnerabilities given outdated. */
	[C_OUTDATED] = 0.30, [C_END_OF_LIFE] = 0.30, [C_KNOWN_VULN] = 0.45,
};

struct demo_port {
	int port;
	const char *service;
};

static const struct demo_port demo_ports_risky[] = {{3389, "rdp"}, {445, "smb"},
    {5900, "vnc"}, {1433, "mssql"}, {3306, "mysql"}, {5432, "postgresql"},
    {6379, "redis"}, {9200, "elasticsearch"}, {27017, "mongodb"}, {11211, "memcached"},
    {2375, "docker"}};
static const struct demo_port demo_ports_insecure[] = {{21, "ftp"}, {23, "telnet"},
    {110, "pop3"}, {143, "imap"}, {161, "snmp"}, {69, "tftp"}, {513, "rlogin"}};
static const struct demo_port demo_ports_admin[] = {{22, "ssh"}, {8443, "admin-https"},
    {10000, "webmin"}, {2082, "cpanel"}, {8080, "tomcat-manager"}, {9090, "cockpit"},
    {5985, "winrm"}, {623, "ipmi"}};
static const struct demo_port demo_ports_other[] = {{25, "smtp"}, {53, "dns"},
    {8000, "http-alt"}, {8888, "http-alt"}, {1723, "pptp"}, {5060, "sip"},
    {500, "ike"}, {179, "bgp"}};

struct demo_software {
	const char *name;
	const char *current, *outdated, *end_of_life;
};

/* The first four are web servers (a Server header names one of them). */
static const struct demo_software demo_web_software[] = {
	{"nginx", "1.25.4", "1.18.0", "1.14.2"},
	{"apache-httpd", "2.4.58", "2.4.41", "2.2.34"},
	{"microsoft-iis", "10.0", "8.5", "7.5"},
	{"tomcat", "10.1.18", "9.0.30", "7.0.109"},
	{"openssl", "3.0.13", "1.1.1k", "1.0.2u"},
	{"php", "8.3.2", "7.4.33", "5.6.40"},
	{"wordpress", "6.4.3", "5.8.1", "4.9.8"},
};
#define DEMO_WEB_SERVERS 4
static const struct demo_software demo_host_software[] = {
	{"openssh", "9.6", "8.2", "6.6"},
	{"exchange-server", "2019-cu14", "2016-cu22", "2010-sp3"},
	{"fortios", "7.4.3", "7.0.12", "5.6.14"},
	{"citrix-adc", "14.1", "13.0", "12.1"},
	{"bind", "9.18.24", "9.16.1", "9.11.37"},
	{"postfix", "3.8.5", "3.4.13", "2.11.11"},
};

void
demo_checks_fmt(struct demo_checks_ctx *x, char *out, size_t n, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(out, n, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= n)
		x->failed = 1;
}

int
demo_checks_emit(struct demo_checks_ctx *x, const struct demo_evidence *e)
{
	if (x->failed)
		return (-1);
	if (x->sink->evidence != NULL && x->sink->evidence(x->sink->ctx, e) != 0)
		x->failed = 1;
	return (x->failed ? -1 : 0);
}

void
demo_checks_evidence_init(struct demo_checks_ctx *x, struct demo_evidence *e,
    int64_t asset, const char *check_code, const char *source)
{
	memset(e, 0, sizeof(*e));
	e->company = x->company;
	e->asset = asset;
	e->check_code = check_code;
	e->source = source;
	e->outcome = "pass";
	snprintf(e->details, sizeof(e->details), "{}");
}

void
demo_checks_times_current(struct demo_checks_ctx *x, struct demo_evidence *e,
    int64_t first)
{
	int64_t as_of = x->as_of, last = as_of - demo_rng_between(&x->rng, 0, 5) * DAY -
	    demo_rng_between(&x->rng, 0, DAY - 1);

	if (first > as_of - DAY)
		first = as_of - DAY;
	e->first_seen = first;
	e->last_seen = last < first ? first : last;
}

/* A failing observation: current, or (sometimes) fixed months ago so it aged out. */
static void
demo_times_finding(struct demo_checks_ctx *x, struct demo_evidence *e, int64_t first)
{
	int64_t as_of = x->as_of;

	demo_checks_times_current(x, e, first);
	if (e->first_seen < as_of - 150 * DAY && demo_rng_chance(&x->rng, 0.25)) {
		int64_t span = (as_of - 90 * DAY - e->first_seen) / DAY;

		e->last_seen = e->first_seen + demo_rng_between(&x->rng, 14,
		    span < 14 ? 14 : (span > 300 ? 300 : span)) * DAY;
		if (e->last_seen > as_of - 90 * DAY)
			e->last_seen = as_of - 90 * DAY;
	}
}

static double
demo_fail_chance(const struct demo_checks_ctx *x, int check)
{
	return (demo_clamp(demo_base_fail[check] * x->fail_scale, 0.0, 0.97));
}

/* Emit one observation of check on h, first seen at first (findings may have aged out). */
static int
demo_observe(struct demo_checks_ctx *x, const struct demo_checks_host *h, int check,
    const char *outcome, int64_t first, const char *key, const char *source,
    const char *details)
{
	struct demo_evidence e;

	demo_checks_evidence_init(x, &e, (int64_t)h->index, demo_check_codes[check],
	    source);
	e.outcome = outcome;
	if (key != NULL)
		demo_checks_fmt(x, e.observation_key, sizeof(e.observation_key), "%s", key);
	demo_checks_fmt(x, e.details, sizeof(e.details), "%s", details);
	if (strcmp(outcome, "fail") == 0)
		demo_times_finding(x, &e, first);
	else
		demo_checks_times_current(x, &e, first);
	return (demo_checks_emit(x, &e));
}

static int
demo_fails(struct demo_checks_ctx *x, int check)
{
	return (demo_rng_chance(&x->rng, demo_fail_chance(x, check)));
}

static const char *
demo_outcome(int fail)
{
	return (fail ? "fail" : "pass");
}

/* When a scan of h first ran: some days after the asset was attributed. */
static int64_t
demo_first_scan(struct demo_checks_ctx *x, const struct demo_checks_host *h)
{
	return (h->attributed_at + demo_rng_between(&x->rng, 0, 20) * DAY +
	    demo_rng_between(&x->rng, 0, DAY - 1));
}

static int
demo_tls_checks(struct demo_checks_ctx *x, const struct demo_checks_host *h,
    int64_t scan)
{
	const char *H = h->value, *src = "demo-scanner";
	char d[512], date[21];
	int f, expired, expiring;
	int64_t not_after;

	f = demo_fails(x, C_HTTPS_UNAVAILABLE);
	demo_checks_fmt(x, d, sizeof(d), "{\"host\": \"%s\", \"port\": 443, \"result\": \"%s\"}", H,
	    f ? "connection refused" : "handshake completed");
	if (demo_observe(x, h, C_HTTPS_UNAVAILABLE, demo_outcome(f), scan, "", src, d))
		return (-1);
	if (f)
		return (1);     /* nothing more to see over HTTPS */
	f = demo_fails(x, C_NO_REDIRECT);
	demo_checks_fmt(x, d, sizeof(d), "{\"url\": \"http://%s/\", \"status\": %d%s%s%s}", H,
	    f ? 200 : 301, f ? "" : ", \"location\": \"https://", f ? "" : H, f ? "" : "/\"");
	if (demo_observe(x, h, C_NO_REDIRECT, demo_outcome(f), scan, "", src, d))
		return (-1);
	f = demo_fails(x, C_LEGACY_PROTOCOL);
	demo_checks_fmt(x, d, sizeof(d), "{\"host\": \"%s\", \"protocols\": [%s]}", H,
	    f ? "\"TLSv1.0\", \"TLSv1.1\", \"TLSv1.2\"" : "\"TLSv1.2\", \"TLSv1.3\"");
	if (demo_observe(x, h, C_LEGACY_PROTOCOL, demo_outcome(f), scan, "", src, d))
		return (-1);
	expired = demo_fails(x, C_CERT_EXPIRED);
	expiring = !expired && demo_fails(x, C_CERT_EXPIRING);
	not_after = x->as_of + (expired ? -demo_rng_between(&x->rng, 1, 200) :
	    expiring ? demo_rng_between(&x->rng, 2, 25) : demo_rng_between(&x->rng, 40, 390)) * DAY;
	timefmt_format(not_after, date);
	demo_checks_fmt(x, d, sizeof(d), "{\"host\": \"%s\", \"not_after\": \"%s\"}", H, date);
	if (demo_observe(x, h, C_CERT_EXPIRED, demo_outcome(expired), scan, "", src, d) ||
	    demo_observe(x, h, C_CERT_EXPIRING, demo_outcome(expiring), scan, "", src, d))
		return (-1);
	f = demo_fails(x, C_HOSTNAME_MISMATCH);
	demo_checks_fmt(x, d, sizeof(d), "{\"host\": \"%s\", \"subject_cn\": \"%s%s\"}", H,
	    f ? "default.hosting-provider" : H, f ? ".test" : "");
	if (demo_observe(x, h, C_HOSTNAME_MISMATCH, demo_outcome(f), scan, "", src, d))
		return (-1);
	f = demo_fails(x, C_SELF_SIGNED);
	demo_checks_fmt(x, d, sizeof(d), "{\"host\": \"%s\", \"issuer\": \"%s%s\"}", H,
	    f ? "CN=" : "CN=Demo Issuing CA R3, O=Demo Trust Services", f ? H : "");
	if (demo_observe(x, h, C_SELF_SIGNED, demo_outcome(f), scan, "", src, d))
		return (-1);
	f = demo_fails(x, C_WEAK_KEY);
	demo_checks_fmt(x, d, sizeof(d), "{\"host\": \"%s\", \"key\": \"%s\"}", H,
	    f ? "RSA-1024" : demo_rng_chance(&x->rng, 0.5) ? "RSA-2048" : "EC-P256");
	if (demo_observe(x, h, C_WEAK_KEY, demo_outcome(f), scan, "", src, d))
		return (-1);
	f = demo_fails(x, C_WEAK_SIGNATURE);
	demo_checks_fmt(x, d, sizeof(d), "{\"host\": \"%s\", \"signature\": \"%s\"}", H,
	    f ? "sha1WithRSAEncryption" : "sha256WithRSAEncryption");
	if (demo_observe(x, h, C_WEAK_SIGNATURE, demo_outcome(f), scan, "", src, d))
		return (-1);
	return (0);
}

static int
demo_header_checks(struct demo_checks_ctx *x, const struct demo_checks_host *h,
    int64_t scan, const struct demo_software *server)
{
	static const struct {
		int check;
		const char *header, *good;
	} simple[] = {
		{C_FRAME_OPTIONS, "X-Frame-Options", "SAMEORIGIN"},
		{C_CONTENT_TYPE, "X-Content-Type-Options", "nosniff"},
		{C_REFERRER, "Referrer-Policy", "strict-origin-when-cross-origin"},
	};
	const char *H = h->value, *src = "demo-scanner";
	char d[512];
	size_t i;
	int f;

	f = demo_fails(x, C_HSTS_MISSING);
	demo_checks_fmt(x, d, sizeof(d), "{\"url\": \"https://%s/\", \"header\": \"%s\"}", H,
	    f ? "" : "Strict-Transport-Security");
	if (demo_observe(x, h, C_HSTS_MISSING, demo_outcome(f), scan, "", src, d))
		return (-1);
	if (!f) {
		f = demo_fails(x, C_HSTS_SHORT);
		demo_checks_fmt(x, d, sizeof(d), "{\"url\": \"https://%s/\", "
		    "\"value\": \"max-age=%s\"}", H, f ? "86400" : "31536000; includeSubDomains");
		if (demo_observe(x, h, C_HSTS_SHORT, demo_outcome(f), scan, "", src, d))
			return (-1);
	}
	f = demo_fails(x, C_CSP_MISSING);
	demo_checks_fmt(x, d, sizeof(d), "{\"url\": \"https://%s/\", \"header\": \"%s\"}", H,
	    f ? "" : "Content-Security-Policy");
	if (demo_observe(x, h, C_CSP_MISSING, demo_outcome(f), scan, "", src, d))
		return (-1);
	if (!f) {
		f = demo_fails(x, C_CSP_UNSAFE);
		demo_checks_fmt(x, d, sizeof(d), "{\"url\": \"https://%s/\", \"value\": "
		    "\"default-src 'self'%s\"}", H, f ? " 'unsafe-inline' 'unsafe-eval'" : "");
		if (demo_observe(x, h, C_CSP_UNSAFE, demo_outcome(f), scan, "", src, d))
			return (-1);
	}
	for (i = 0; i < NELEM(simple); i++) {
		f = demo_fails(x, simple[i].check);
		demo_checks_fmt(x, d, sizeof(d), "{\"url\": \"https://%s/\", \"header\": \"%s\", "
		    "\"value\": \"%s\"}", H, simple[i].header, f ? "" : simple[i].good);
		if (demo_observe(x, h, simple[i].check, demo_outcome(f), scan, "", src, d))
			return (-1);
	}
	f = demo_fails(x, C_COOKIE);
	demo_checks_fmt(x, d, sizeof(d), "{\"url\": \"https://%s/\", \"cookie\": \"SESSIONID\", "
	    "\"flags\": [%s]}", H, f ? "\"HttpOnly\"" : "\"Secure\", \"HttpOnly\", \"SameSite=Lax\"");
	if (demo_observe(x, h, C_COOKIE, demo_outcome(f), scan, "", src, d))
		return (-1);
	f = demo_fails(x, C_VERSION_DISCLOSURE);
	demo_checks_fmt(x, d, sizeof(d), "{\"url\": \"https://%s/\", \"header\": \"Server: %s%s%s\"}",
	    H, server->name, f ? "/" : "", f ? server->outdated : "");
	if (demo_observe(x, h, C_VERSION_DISCLOSURE, demo_outcome(f), scan, "", src, d))
		return (-1);
	return (0);
}

static int
demo_email_checks(struct demo_checks_ctx *x, const struct demo_checks_host *h)
{
	const char *D = h->value, *src = "demo-scanner";
	int64_t scan = demo_first_scan(x, h);
	char d[512];
	int f;

	f = demo_fails(x, C_SPF_MISSING);
	demo_checks_fmt(x, d, sizeof(d), "{\"domain\": \"%s\", \"record\": %s}", D,
	    f ? "null" : "\"v=spf1 ...\"");
	if (demo_observe(x, h, C_SPF_MISSING, demo_outcome(f), scan, "", src, d))
		return (-1);
	if (!f) {
		f = demo_fails(x, C_SPF_WEAK);
		demo_checks_fmt(x, d, sizeof(d), "{\"domain\": \"%s\", \"record\": "
		    "\"v=spf1 mx include:_spf.%s %s\"}", D, D, f ? "?all" : "-all");
		if (demo_observe(x, h, C_SPF_WEAK, demo_outcome(f), scan, "", src, d))
			return (-1);
		f = demo_fails(x, C_SPF_SYNTAX);
		demo_checks_fmt(x, d, sizeof(d), "{\"domain\": \"%s\", \"error\": %s}", D,
		    f ? "\"include mechanism without a domain\"" : "null");
		if (demo_observe(x, h, C_SPF_SYNTAX, demo_outcome(f), scan, "", src, d))
			return (-1);
		f = demo_fails(x, C_SPF_LOOKUPS);
		demo_checks_fmt(x, d, sizeof(d), "{\"domain\": \"%s\", \"dns_lookups\": %d}", D,
		    f ? (int)demo_rng_between(&x->rng, 11, 17) : (int)demo_rng_between(&x->rng, 1, 8));
		if (demo_observe(x, h, C_SPF_LOOKUPS, demo_outcome(f), scan, "", src, d))
			return (-1);
	}
	f = demo_fails(x, C_DMARC_MISSING);
	demo_checks_fmt(x, d, sizeof(d), "{\"name\": \"_dmarc.%s\", \"record\": %s}", D,
	    f ? "null" : "\"v=DMARC1; ...\"");
	if (demo_observe(x, h, C_DMARC_MISSING, demo_outcome(f), scan, "", src, d))
		return (-1);
	if (!f) {
		f = demo_fails(x, C_DMARC_NONE);
		demo_checks_fmt(x, d, sizeof(d), "{\"name\": \"_dmarc.%s\", \"policy\": \"%s\"}", D,
		    f ? "none" : demo_rng_chance(&x->rng, 0.5) ? "reject" : "quarantine");
		if (demo_observe(x, h, C_DMARC_NONE, demo_outcome(f), scan, "", src, d))
			return (-1);
		f = demo_fails(x, C_DMARC_SYNTAX);
		demo_checks_fmt(x, d, sizeof(d), "{\"name\": \"_dmarc.%s\", \"error\": %s}", D,
		    f ? "\"unknown tag value p=rejcet\"" : "null");
		if (demo_observe(x, h, C_DMARC_SYNTAX, demo_outcome(f), scan, "", src, d))
			return (-1);
	}
	return (0);
}

/* Open ports on host h: each found port is a finding keyed by its number; a group
 * with no open port is one clean observation with an empty key. */
static int
demo_port_checks(struct demo_checks_ctx *x, const struct demo_checks_host *h)
{
	static const struct {
		int check;
		const struct demo_port *ports;
		size_t nports;
	} groups[] = {
		{C_PORT_RISKY, demo_ports_risky, NELEM(demo_ports_risky)},
		{C_INSECURE_PROTOCOL, demo_ports_insecure, NELEM(demo_ports_insecure)},
		{C_PORT_ADMIN, demo_ports_admin, NELEM(demo_ports_admin)},
		{C_PORT_OTHER, demo_ports_other, NELEM(demo_ports_other)},
	};
	char d[512], key[16], ip[20];
	size_t i, k, start;
	int n, base = 0, host = (int)demo_rng_between(&x->rng, 1, 254);

	/* The address behind a domain, or the range's first address. */
	if (h->is_ip) {
		demo_checks_fmt(x, ip, sizeof(ip), "%s", h->value);
		*strchr(ip, '/') = '\0';
		base = atoi(strrchr(ip, '.') + 1);
	} else {
		demo_checks_fmt(x, ip, sizeof(ip), "%s%d",
		    demo_networks[demo_rng_between(&x->rng, 0, 2)], host);
	}
	for (i = 0; i < NELEM(groups); i++) {
		n = demo_rng_poisson(&x->rng, demo_base_fail[groups[i].check] * x->fail_scale);
		if ((size_t)n > groups[i].nports)
			n = (int)groups[i].nports;
		if (n == 0) {   /* scanned, none of this group open: a clean result */
			demo_checks_fmt(x, d, sizeof(d), "{\"ip\": \"%s\", \"open_ports\": []}", ip);
			if (demo_observe(x, h, groups[i].check, "pass", demo_first_scan(x, h), "",
			    "demo-scanner", d))
				return (-1);
			continue;
		}
		/* n distinct ports: consecutive entries from a random start. */
		start = (size_t)demo_rng_between(&x->rng, 0, (int64_t)groups[i].nports - 1);
		for (k = 0; k < (size_t)n; k++) {
			const struct demo_port *pt = &groups[i].ports[(start + k) % groups[i].nports];

			if (h->is_ip) {   /* some host of the /28 */
				char *dot = strrchr(ip, '.');

				demo_checks_fmt(x, dot + 1, sizeof(ip) - (size_t)(dot + 1 - ip), "%d",
				    base + 1 + (int)demo_rng_between(&x->rng, 0, 13));
			}
			demo_checks_fmt(x, key, sizeof(key), "%d", pt->port);
			demo_checks_fmt(x, d, sizeof(d), "{\"ip\": \"%s\", \"port\": %d, \"protocol\": "
			    "\"tcp\", \"service\": \"%s\"%s%s%s}", ip, pt->port, pt->service,
			    h->is_ip ? "" : ", \"hostname\": \"", h->is_ip ? "" : h->value,
			    h->is_ip ? "" : "\"");
			if (demo_observe(x, h, groups[i].check, "fail", demo_first_scan(x, h),
			    key, "demo-scanner", d))
				return (-1);
		}
	}
	return (0);
}

/* Software seen on host h: one outdated_software observation per product (pass when
 * current), with end_of_life and known_vulnerability findings where they apply. */
static int
demo_patch_checks(struct demo_checks_ctx *x, const struct demo_checks_host *h,
    const struct demo_software *list, size_t nlist, const struct demo_software *first)
{
	const struct demo_software *sw;
	size_t nsw = (size_t)demo_rng_between(&x->rng, 1, 2), k, start;
	int64_t scan = demo_first_scan(x, h);
	char d[512], where[128];
	int outdated, eol;

	/* A domain's software is named by host; a range's by one of its addresses. */
	if (h->is_ip) {
		char net[20];

		demo_checks_fmt(x, net, sizeof(net), "%s", h->value);
		*strchr(net, '/') = '\0';
		*strrchr(net, '.') = '\0';
		demo_checks_fmt(x, where, sizeof(where), "\"ip\": \"%s.%d\"", net,
		    atoi(strrchr(h->value, '.') + 1) + 1 + (int)demo_rng_between(&x->rng, 0, 13));
	} else {
		demo_checks_fmt(x, where, sizeof(where), "\"host\": \"%s\"", h->value);
	}
	start = (size_t)demo_rng_between(&x->rng, 0, (int64_t)nlist - 1);
	for (k = 0; k < nsw; k++) {
		sw = k == 0 && first != NULL ? first : &list[(start + k) % nlist];
		if (k == 1 && sw == first)
			break;
		outdated = demo_fails(x, C_OUTDATED);
		eol = outdated && demo_fails(x, C_END_OF_LIFE);
		demo_checks_fmt(x, d, sizeof(d), "{%s, \"software\": \"%s\", "
		    "\"version\": \"%s\", \"latest\": \"%s\"}", where, sw->name,
		    eol ? sw->end_of_life : outdated ? sw->outdated : sw->current, sw->current);
		if (demo_observe(x, h, C_OUTDATED, demo_outcome(outdated), scan, sw->name,
		    "demo-scanner", d))
			return (-1);
		if (eol && demo_observe(x, h, C_END_OF_LIFE, "fail", scan, sw->name,
		    "demo-scanner", d))
			return (-1);
		if (demo_rng_chance(&x->rng, outdated ? demo_fail_chance(x, C_KNOWN_VULN) : 0.02)) {
			demo_checks_fmt(x, d, sizeof(d), "{%s, \"software\": \"%s\", "
			    "\"version\": \"%s\", \"advisory\": \"DEMO-ADV-%04d\", \"cvss\": %.1f}",
			    where, sw->name, eol ? sw->end_of_life : outdated ? sw->outdated :
			    sw->current, (int)demo_rng_between(&x->rng, 1, 9999),
			    5.0 + (double)demo_rng_between(&x->rng, 0, 49) / 10.0);
			if (demo_observe(x, h, C_KNOWN_VULN, "fail", scan, sw->name,
			    "demo-scanner", d))
				return (-1);
		}
	}
	return (0);
}

/* Rare compromise events from threat feeds, keyed by the host's address. */

int
demo_checks_sparse(struct demo_checks_ctx *x, const struct demo_checks_host *h)
{
	static const int checks[] = {C_SPF_MISSING, C_DMARC_MISSING, C_HTTPS_UNAVAILABLE};
	int n = (int)demo_rng_between(&x->rng, 1, 3), k, f;
	char d[256];

	for (k = 0; k < n; k++) {
		f = demo_fails(x, checks[k]);
		demo_checks_fmt(x, d, sizeof(d), "{\"host\": \"%s\"}", h->value);
		if (demo_observe(x, h, checks[k], demo_outcome(f), demo_first_scan(x, h), "",
		    "demo-scanner", d))
			return (-1);
	}
	return (0);
}

int
demo_checks_host(struct demo_checks_ctx *x, const struct demo_checks_host *h,
    int scan_ports)
{
	const struct demo_software *server;
	int64_t scan;
	int rc, web;

	if (h->is_ip)
		return (demo_port_checks(x, h) || demo_patch_checks(x, h, demo_host_software,
		    NELEM(demo_host_software), NULL) ? -1 : 0);
	if (h->is_apex && demo_email_checks(x, h))
		return (-1);
	web = demo_rng_chance(&x->rng, h->is_apex ? 0.92 : 0.45);
	if (web) {
		server = &demo_web_software[demo_rng_between(&x->rng, 0,
		    DEMO_WEB_SERVERS - 1)];
		scan = demo_first_scan(x, h);
		if ((rc = demo_tls_checks(x, h, scan)) < 0)
			return (-1);
		if (rc == 0 && demo_header_checks(x, h, scan, server))
			return (-1);
		if (demo_patch_checks(x, h, demo_web_software, NELEM(demo_web_software),
		    server))
			return (-1);
	}
	/* A scanned host without a website still shows its services' software. */
	if (scan_ports && (demo_port_checks(x, h) || (!web && demo_patch_checks(x, h,
	    demo_host_software, NELEM(demo_host_software), NULL))))
		return (-1);
	return (x->failed ? -1 : 0);
}

const char *const *
demo_checks_codes(size_t *n)
{
	*n = NELEM(demo_check_codes);
	return (demo_check_codes);
}
