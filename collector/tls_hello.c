#include "collector/tls_hello.h"

#include <string.h>

#include <arpa/inet.h>

/* Class bits of the suite table. */
#define NUL (1u << TLS_CLASS_NULL)
#define ANO (1u << TLS_CLASS_ANON)
#define EXP (1u << TLS_CLASS_EXPORT)
#define RC4 (1u << TLS_CLASS_RC4)
#define DES3 (1u << TLS_CLASS_3DES)
#define CBC (1u << TLS_CLASS_CBC_SHA1)
#define NFS (1u << TLS_CLASS_NO_FS)
#define TLS13 (1u << 31)                   /* a TLS 1.3 suite (offered only there) */

/*
 * The suites of the IANA TLS Cipher Suites registry a scanner meets on the Internet
 * (PSK, SRP, Kerberos and GOST suites left out: a web server does not offer them to a
 * client without those credentials), with their classes:
 *   NUL  no encryption (NULL cipher)
 *   ANO  anonymous key exchange (DH_anon, ECDH_anon): no server authentication
 *   EXP  export grade (40 and 56 bits, the EXPORT1024 drafts) and single DES
 *   RC4  RC4 stream cipher (RFC 7465 forbids it)
 *   DES3 triple DES: a 64-bit block, Sweet32 (CVE-2016-2183)
 *   CBC  another CBC cipher (AES, Camellia, SEED, IDEA) with an HMAC-SHA1 record MAC
 *   NFS  no forward secrecy: static RSA or static (EC)DH key exchange
 */
static const struct tls_suite {
	uint16_t id;
	const char *name;
	unsigned cls;
} suites[] = {
	{0x0001, "TLS_RSA_WITH_NULL_MD5", NUL|NFS},
	{0x0002, "TLS_RSA_WITH_NULL_SHA", NUL|NFS},
	{0x003B, "TLS_RSA_WITH_NULL_SHA256", NUL|NFS},
	{0xC001, "TLS_ECDH_ECDSA_WITH_NULL_SHA", NUL|NFS},
	{0xC006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA", NUL},
	{0xC00B, "TLS_ECDH_RSA_WITH_NULL_SHA", NUL|NFS},
	{0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA", NUL},
	{0xC015, "TLS_ECDH_anon_WITH_NULL_SHA", NUL|ANO},
	{0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", EXP|RC4|NFS},
	{0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5", EXP|NFS},
	{0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", EXP|NFS},
	{0x0009, "TLS_RSA_WITH_DES_CBC_SHA", EXP|NFS},
	{0x000B, "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA", EXP|NFS},
	{0x000C, "TLS_DH_DSS_WITH_DES_CBC_SHA", EXP|NFS},
	{0x000E, "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA", EXP|NFS},
	{0x000F, "TLS_DH_RSA_WITH_DES_CBC_SHA", EXP|NFS},
	{0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA", EXP},
	{0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA", EXP},
	{0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA", EXP},
	{0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA", EXP},
	{0x0017, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5", EXP|RC4|ANO},
	{0x0019, "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA", EXP|ANO},
	{0x001A, "TLS_DH_anon_WITH_DES_CBC_SHA", EXP|ANO},
	{0x0062, "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA", EXP|NFS},
	{0x0063, "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA", EXP},
	{0x0064, "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA", EXP|RC4|NFS},
	{0x0065, "TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA", EXP|RC4},
	{0x0004, "TLS_RSA_WITH_RC4_128_MD5", RC4|NFS},
	{0x0005, "TLS_RSA_WITH_RC4_128_SHA", RC4|NFS},
	{0x0018, "TLS_DH_anon_WITH_RC4_128_MD5", RC4|ANO},
	{0x0066, "TLS_DHE_DSS_WITH_RC4_128_SHA", RC4},
	{0xC002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA", RC4|NFS},
	{0xC007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", RC4},
	{0xC00C, "TLS_ECDH_RSA_WITH_RC4_128_SHA", RC4|NFS},
	{0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", RC4},
	{0xC016, "TLS_ECDH_anon_WITH_RC4_128_SHA", RC4|ANO},
	{0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", DES3|NFS},
	{0x000D, "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA", DES3|NFS},
	{0x0010, "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA", DES3|NFS},
	{0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", DES3},
	{0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", DES3},
	{0x001B, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA", DES3|ANO},
	{0xC003, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA", DES3|NFS},
	{0xC008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", DES3},
	{0xC00D, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA", DES3|NFS},
	{0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", DES3},
	{0xC017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA", DES3|ANO},
	{0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA", CBC|NFS},
	{0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", CBC|NFS},
	{0x0030, "TLS_DH_DSS_WITH_AES_128_CBC_SHA", CBC|NFS},
	{0x0031, "TLS_DH_RSA_WITH_AES_128_CBC_SHA", CBC|NFS},
	{0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", CBC},
	{0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", CBC},
	{0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", CBC|ANO},
	{0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", CBC|NFS},
	{0x0036, "TLS_DH_DSS_WITH_AES_256_CBC_SHA", CBC|NFS},
	{0x0037, "TLS_DH_RSA_WITH_AES_256_CBC_SHA", CBC|NFS},
	{0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", CBC},
	{0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", CBC},
	{0x003A, "TLS_DH_anon_WITH_AES_256_CBC_SHA", CBC|ANO},
	{0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", CBC|NFS},
	{0x0042, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA", CBC|NFS},
	{0x0043, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA", CBC|NFS},
	{0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA", CBC},
	{0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", CBC},
	{0x0046, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA", CBC|ANO},
	{0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", CBC|NFS},
	{0x0085, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA", CBC|NFS},
	{0x0086, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA", CBC|NFS},
	{0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA", CBC},
	{0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA", CBC},
	{0x0089, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA", CBC|ANO},
	{0x0096, "TLS_RSA_WITH_SEED_CBC_SHA", CBC|NFS},
	{0x0097, "TLS_DH_DSS_WITH_SEED_CBC_SHA", CBC|NFS},
	{0x0098, "TLS_DH_RSA_WITH_SEED_CBC_SHA", CBC|NFS},
	{0x0099, "TLS_DHE_DSS_WITH_SEED_CBC_SHA", CBC},
	{0x009A, "TLS_DHE_RSA_WITH_SEED_CBC_SHA", CBC},
	{0x009B, "TLS_DH_anon_WITH_SEED_CBC_SHA", CBC|ANO},
	{0xC004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA", CBC|NFS},
	{0xC005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA", CBC|NFS},
	{0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", CBC},
	{0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", CBC},
	{0xC00E, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA", CBC|NFS},
	{0xC00F, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA", CBC|NFS},
	{0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", CBC},
	{0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", CBC},
	{0xC018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", CBC|ANO},
	{0xC019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA", CBC|ANO},
	{0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256", NFS},
	{0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256", NFS},
	{0x003E, "TLS_DH_DSS_WITH_AES_128_CBC_SHA256", NFS},
	{0x003F, "TLS_DH_RSA_WITH_AES_128_CBC_SHA256", NFS},
	{0x0068, "TLS_DH_DSS_WITH_AES_256_CBC_SHA256", NFS},
	{0x0069, "TLS_DH_RSA_WITH_AES_256_CBC_SHA256", NFS},
	{0x006C, "TLS_DH_anon_WITH_AES_128_CBC_SHA256", ANO},
	{0x006D, "TLS_DH_anon_WITH_AES_256_CBC_SHA256", ANO},
	{0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256", NFS},
	{0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384", NFS},
	{0x00A0, "TLS_DH_RSA_WITH_AES_128_GCM_SHA256", NFS},
	{0x00A1, "TLS_DH_RSA_WITH_AES_256_GCM_SHA384", NFS},
	{0x00A4, "TLS_DH_DSS_WITH_AES_128_GCM_SHA256", NFS},
	{0x00A5, "TLS_DH_DSS_WITH_AES_256_GCM_SHA384", NFS},
	{0x00A6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256", ANO},
	{0x00A7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384", ANO},
	{0x00BA, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256", NFS},
	{0x00C0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256", NFS},
	{0xC025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256", NFS},
	{0xC026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384", NFS},
	{0xC029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256", NFS},
	{0xC02A, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384", NFS},
	{0xC02D, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256", NFS},
	{0xC02E, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384", NFS},
	{0xC031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256", NFS},
	{0xC032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384", NFS},
	{0xC03C, "TLS_RSA_WITH_ARIA_128_CBC_SHA256", NFS},
	{0xC03D, "TLS_RSA_WITH_ARIA_256_CBC_SHA384", NFS},
	{0xC050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256", NFS},
	{0xC051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384", NFS},
	{0xC09C, "TLS_RSA_WITH_AES_128_CCM", NFS},
	{0xC09D, "TLS_RSA_WITH_AES_256_CCM", NFS},
	{0xC0A0, "TLS_RSA_WITH_AES_128_CCM_8", NFS},
	{0xC0A1, "TLS_RSA_WITH_AES_256_CCM_8", NFS},
	{0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", 0},
	{0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", 0},
	{0x006A, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", 0},
	{0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", 0},
	{0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 0},
	{0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", 0},
	{0x00A2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", 0},
	{0x00A3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", 0},
	{0x00BE, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", 0},
	{0x00C4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256", 0},
	{0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", 0},
	{0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", 0},
	{0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", 0},
	{0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", 0},
	{0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 0},
	{0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 0},
	{0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0},
	{0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 0},
	{0xC052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256", 0},
	{0xC053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384", 0},
	{0xC05C, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256", 0},
	{0xC05D, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384", 0},
	{0xC060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256", 0},
	{0xC061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384", 0},
	{0xC072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", 0},
	{0xC073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", 0},
	{0xC076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", 0},
	{0xC077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384", 0},
	{0xC09E, "TLS_DHE_RSA_WITH_AES_128_CCM", 0},
	{0xC09F, "TLS_DHE_RSA_WITH_AES_256_CCM", 0},
	{0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", 0},
	{0xC0AD, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", 0},
	{0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0},
	{0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", 0},
	{0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0},
	{0x1301, "TLS_AES_128_GCM_SHA256", TLS13},
	{0x1302, "TLS_AES_256_GCM_SHA384", TLS13},
	{0x1303, "TLS_CHACHA20_POLY1305_SHA256", TLS13},
};

#define NSUITES (sizeof(suites) / sizeof(suites[0]))

static const unsigned version_wire[TLS_VER_N] = {0x0300, 0x0301, 0x0302, 0x0303, 0x0304};
static const char *const version_names[TLS_VER_N] = {"SSLv3", "TLSv1", "TLSv1.1",
    "TLSv1.2", "TLSv1.3"};
static const char *const class_names[TLS_CLASS_N] = {"null", "anonymous", "export", "rc4",
    "3des", "cbc_sha1", "no_forward_secrecy"};

unsigned
tls_version_wire(enum tls_version_idx v)
{
	return (v < TLS_VER_N ? version_wire[v] : 0);
}

const char *
tls_version_name(enum tls_version_idx v)
{
	return (v < TLS_VER_N ? version_names[v] : "unknown");
}

const char *
tls_class_name(enum tls_suite_class c)
{
	return (c < TLS_CLASS_N ? class_names[c] : "unknown");
}

static const struct tls_suite *
suite_find(uint16_t id)
{
	size_t i;

	for (i = 0; i < NSUITES; i++)
		if (suites[i].id == id)
			return (&suites[i]);
	return (NULL);
}

const char *
tls_suite_name(uint16_t id)
{
	const struct tls_suite *s = suite_find(id);

	return (s != NULL ? s->name : NULL);
}

unsigned
tls_suite_classes(uint16_t id)
{
	const struct tls_suite *s = suite_find(id);

	return (s != NULL ? s->cls & ~TLS13 : 0);
}

size_t
tls_suites(enum tls_suite_class c, uint16_t *out, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < NSUITES && n < cap; i++) {
		if (suites[i].cls & TLS13)
			continue;
		if (c == TLS_CLASS_N || (suites[i].cls & (1u << c)))
			out[n++] = suites[i].id;
	}
	return (n);
}

/* ---- building the ClientHello ---- */

struct wbuf {
	unsigned char *p;
	size_t len, cap;
	int over;
};

static void
put8(struct wbuf *w, unsigned v)
{
	if (w->len + 1 > w->cap) {
		w->over = 1;
		return;
	}
	w->p[w->len++] = (unsigned char)v;
}

static void
put16(struct wbuf *w, unsigned v)
{
	put8(w, v >> 8);
	put8(w, v);
}

static void
put_bytes(struct wbuf *w, const void *b, size_t n)
{
	if (w->len + n > w->cap) {
		w->over = 1;
		return;
	}
	memcpy(w->p + w->len, b, n);
	w->len += n;
}

/* Open a length field of n bytes (1, 2 or 3); close_len fills it. */
static size_t
open_len(struct wbuf *w, int n)
{
	size_t at = w->len;

	while (n-- > 0)
		put8(w, 0);
	return (at);
}

static void
close_len(struct wbuf *w, size_t at, int n)
{
	size_t v = w->len - at - (size_t)n;
	int i;

	if (w->over)
		return;
	for (i = n - 1; i >= 0; i--, v >>= 8)
		w->p[at + (size_t)i] = (unsigned char)(v & 0xff);
}

/* Whether s is an IPv4 or IPv6 literal (RFC 6066: no SNI for addresses). */
static int
is_address(const char *s)
{
	unsigned char a[16];

	return (inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1);
}

static void
ext_sni(struct wbuf *w, const char *sni)
{
	size_t e, l;

	put16(w, 0);                          /* server_name */
	e = open_len(w, 2);
	l = open_len(w, 2);
	put8(w, 0);                           /* host_name */
	put16(w, (unsigned)strlen(sni));
	put_bytes(w, sni, strlen(sni));
	close_len(w, l, 2);
	close_len(w, e, 2);
}

static void
ext_list16(struct wbuf *w, unsigned type, const uint16_t *v, size_t n)
{
	size_t e, l, i;

	put16(w, type);
	e = open_len(w, 2);
	l = open_len(w, 2);
	for (i = 0; i < n; i++)
		put16(w, v[i]);
	close_len(w, l, 2);
	close_len(w, e, 2);
}

/* x25519, secp256r1, secp384r1, secp521r1, ffdhe2048, ffdhe3072 */
static const uint16_t groups[] = {0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101};
/* ECDSA, RSA-PSS, RSA PKCS#1 (SHA-2), EdDSA, then the SHA-1 and DSA ones, so that a
 * server with only an old certificate still answers. */
static const uint16_t sigalgs[] = {0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401,
    0x0501, 0x0601, 0x0807, 0x0808, 0x0203, 0x0201, 0x0402, 0x0202};

int
tls_hello_build(enum tls_version_idx v, const uint16_t *suite_list, size_t n,
    const char *sni, const unsigned char rnd[32], unsigned char *out, size_t cap)
{
	static const uint16_t tls13[] = {0x1301, 0x1302, 0x1303};
	struct wbuf w = {out, 0, cap, 0};
	size_t rec, hs, cs, exts, e, l, i;
	unsigned legacy;

	if (v >= TLS_VER_N)
		return (-1);
	if (v == TLS_VER_13) {
		suite_list = tls13;
		n = sizeof(tls13) / sizeof(tls13[0]);
	}
	legacy = v == TLS_VER_13 ? 0x0303 : version_wire[v];
	put8(&w, 22);                         /* handshake record */
	put16(&w, v == TLS_VER_SSL3 ? 0x0300 : 0x0301);
	rec = open_len(&w, 2);
	put8(&w, 1);                          /* ClientHello */
	hs = open_len(&w, 3);
	put16(&w, legacy);
	put_bytes(&w, rnd, 32);
	if (v == TLS_VER_13) {
		/* A session id, as TLS 1.3 clients send for middlebox compatibility. */
		put8(&w, 32);
		for (i = 0; i < 32; i++)
			put8(&w, rnd[31 - i]);
	} else
		put8(&w, 0);
	cs = open_len(&w, 2);
	for (i = 0; i < n; i++)
		put16(&w, suite_list[i]);
	if (v != TLS_VER_13)
		put16(&w, 0x00ff);            /* TLS_EMPTY_RENEGOTIATION_INFO_SCSV */
	close_len(&w, cs, 2);
	put8(&w, 1);                          /* compression: null only */
	put8(&w, 0);
	exts = open_len(&w, 2);
	if (sni != NULL && sni[0] != '\0' && !is_address(sni) && strlen(sni) < 256)
		ext_sni(&w, sni);
	ext_list16(&w, 10, groups, sizeof(groups) / sizeof(groups[0]));
	put16(&w, 11);                        /* ec_point_formats: uncompressed */
	put16(&w, 2);
	put8(&w, 1);
	put8(&w, 0);
	ext_list16(&w, 13, sigalgs, sizeof(sigalgs) / sizeof(sigalgs[0]));
	if (v == TLS_VER_13) {
		put16(&w, 43);                /* supported_versions: TLS 1.3 alone */
		put16(&w, 3);
		put8(&w, 2);
		put16(&w, 0x0304);
		put16(&w, 45);                /* psk_key_exchange_modes: psk_dhe_ke */
		put16(&w, 2);
		put8(&w, 1);
		put8(&w, 1);
		put16(&w, 51);                /* key_share: one x25519 share */
		e = open_len(&w, 2);
		l = open_len(&w, 2);
		put16(&w, 0x001d);
		put16(&w, 32);
		put_bytes(&w, rnd, 32);
		close_len(&w, l, 2);
		close_len(&w, e, 2);
	}
	close_len(&w, exts, 2);
	close_len(&w, hs, 3);
	close_len(&w, rec, 2);
	return (w.over ? -1 : (int)w.len);
}

/* ---- reading the answer ---- */

/* The random of a HelloRetryRequest (RFC 8446 4.1.3): SHA-256 of "HelloRetryRequest". */
static const unsigned char hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65,
	0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2,
	0xc8, 0xa8, 0x33, 0x9c};

static unsigned
get16(const unsigned char *p)
{
	return ((unsigned)p[0] << 8 | p[1]);
}

/* A whole ServerHello body m[0..len). */
static enum tls_reply
server_hello(const unsigned char *m, size_t len, struct tls_server_hello *out)
{
	size_t at, sid, ext_end, elen;
	unsigned type;

	if (len < 2 + 32 + 1)
		return (TLS_REPLY_BAD);
	out->version = get16(m);
	out->retry = memcmp(m + 2, hrr_random, 32) == 0;
	sid = m[34];
	at = 35 + sid;
	if (sid > 32 || at + 3 > len)
		return (TLS_REPLY_BAD);
	out->suite = (uint16_t)get16(m + at);
	at += 3;                              /* the suite and the compression method */
	if (at == len)
		return (TLS_REPLY_HELLO);     /* no extensions */
	if (at + 2 > len || at + 2 + get16(m + at) > len)
		return (TLS_REPLY_BAD);
	ext_end = at + 2 + get16(m + at);
	for (at += 2; at + 4 <= ext_end; at += 4 + elen) {
		type = get16(m + at);
		elen = get16(m + at + 2);
		if (at + 4 + elen > ext_end)
			return (TLS_REPLY_BAD);
		if (type == 43 && elen == 2)
			out->version = get16(m + at + 4);
	}
	return (TLS_REPLY_HELLO);
}

enum tls_reply
tls_reply_parse(const unsigned char *buf, size_t len, struct tls_server_hello *out)
{
	unsigned char hs[4 + 65536];
	size_t at = 0, hlen = 0, rlen, need;
	unsigned type, ver;

	memset(out, 0, sizeof(*out));
	while (at + 5 <= len) {
		type = buf[at];
		ver = get16(buf + at + 1);
		rlen = get16(buf + at + 3);
		if ((ver >> 8) != 3 || rlen == 0 || rlen > 16384 + 2048)
			return (TLS_REPLY_BAD);
		if (type == 21) {
			if (at + 5 + 2 > len)
				return (TLS_REPLY_MORE);
			out->alert = buf[at + 6];
			return (TLS_REPLY_ALERT);
		}
		if (type != 22)
			return (TLS_REPLY_BAD);
		if (at + 5 + rlen > len) {
			/* A partial record: take what came so far. */
			rlen = len - at - 5;
		}
		need = rlen;
		if (hlen + need > sizeof(hs))
			return (TLS_REPLY_BAD);
		memcpy(hs + hlen, buf + at + 5, need);
		hlen += need;
		if (hlen >= 4) {
			if (hs[0] != 2)
				return (TLS_REPLY_BAD);
			need = 4 + ((size_t)hs[1] << 16 | (size_t)hs[2] << 8 | hs[3]);
			if (hlen >= need)
				return (server_hello(hs + 4, need - 4, out));
		}
		at += 5 + rlen;
	}
	if (at < len && len - at >= 1 && buf[at] != 21 && buf[at] != 22)
		return (TLS_REPLY_BAD);
	return (TLS_REPLY_MORE);
}
