#ifndef FAIRRATE_TLS_HELLO_H
#define FAIRRATE_TLS_HELLO_H

#include <stddef.h>
#include <stdint.h>

/*
 * The first flight of a TLS handshake, built and read byte by byte (pure, no I/O): a
 * ClientHello pinned to one protocol version and offering a chosen list of cipher
 * suites, and the server's answer to it (a ServerHello with the version and suite it
 * chose, or an alert). This is all a scanner needs to learn which versions and which
 * suites a server accepts: the handshake is never finished, so no suite has to be
 * implemented locally (OpenSSL 3 no longer has export or, by default, RC4 suites to
 * offer) and no key is ever computed.
 *
 * The cipher suites known here are classed the way the methodology judges them
 * (docs/collector.md "TLS enumeration"): a suite may be in several classes (an
 * anonymous RC4 suite is anonymous and RC4).
 */

/* The protocol versions probed, in order. */
enum tls_version_idx {
	TLS_VER_SSL3 = 0,
	TLS_VER_10,
	TLS_VER_11,
	TLS_VER_12,
	TLS_VER_13,
	TLS_VER_N
};

/* The classes of weak suites probed. */
enum tls_suite_class {
	TLS_CLASS_NULL = 0,               /* no encryption */
	TLS_CLASS_ANON,                   /* no authentication of the server */
	TLS_CLASS_EXPORT,                 /* export grade (40/56 bits) or single DES */
	TLS_CLASS_RC4,
	TLS_CLASS_3DES,                   /* 64-bit block (Sweet32) */
	TLS_CLASS_CBC_SHA1,               /* CBC with an HMAC-SHA1 record MAC */
	TLS_CLASS_NO_FS,                  /* static RSA or (EC)DH key exchange */
	TLS_CLASS_N
};

/* What a probe found out. UNKNOWN: no conclusion (no connection, no answer). */
enum tls_verdict { TLS_UNKNOWN = 0, TLS_ACCEPTED, TLS_REFUSED };

/* The enumeration of one server, as the checks judge it. */
struct tls_enum_result {
	int probed;                       /* the enumeration ran */
	enum tls_verdict version[TLS_VER_N];
	enum tls_verdict cls[TLS_CLASS_N];
	uint16_t cls_suite[TLS_CLASS_N];  /* the suite the server chose, when accepted */
};

/* tls_version_wire: 0x0300 (SSLv3) .. 0x0304 (TLS 1.3). */
unsigned tls_version_wire(enum tls_version_idx v);

/* tls_version_name: "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3" (OpenSSL's
 * names, as the negotiated version is reported). */
const char *tls_version_name(enum tls_version_idx v);

/* tls_class_name: "null", "anonymous", "export", "rc4", "3des", "cbc_sha1",
 * "no_forward_secrecy". */
const char *tls_class_name(enum tls_suite_class c);

/* tls_suite_name: the IANA name of a suite ("TLS_RSA_WITH_RC4_128_SHA"), or NULL when
 * the suite is not in the table. */
const char *tls_suite_name(uint16_t id);

/* tls_suite_classes: the classes of a suite, as a bit mask (1u << class); 0 for a
 * suite in no weak class or not in the table. */
unsigned tls_suite_classes(uint16_t id);

/* tls_suites: the suites to offer into out (at most cap): those of class c, or with
 * c == TLS_CLASS_N every suite of TLS 1.2 and below in the table. Returns how many. */
size_t tls_suites(enum tls_suite_class c, uint16_t *out, size_t cap);

#define TLS_HELLO_MAX 2048

/* tls_hello_build: one TLS record holding a ClientHello for version v offering
 * suites[0..n) (for TLS 1.3: its own three suites, n is ignored), with the server name
 * sni (left out when NULL, empty or an address literal) and the 32 bytes of rnd as
 * the client's random (and TLS 1.3 key share). Versions below TLS 1.3 are pinned by
 * the hello's version and no supported_versions extension; TLS 1.3 by a
 * supported_versions extension that lists it alone. Returns the length written into
 * out (at most cap), or -1 when it does not fit. */
int tls_hello_build(enum tls_version_idx v, const uint16_t *suites, size_t n,
    const char *sni, const unsigned char rnd[32], unsigned char *out, size_t cap);

enum tls_reply {
	TLS_REPLY_MORE = 0,               /* not enough bytes yet */
	TLS_REPLY_HELLO,                  /* a ServerHello (or TLS 1.3 HelloRetryRequest) */
	TLS_REPLY_ALERT,                  /* the server refused with an alert */
	TLS_REPLY_BAD                     /* not a TLS answer to a ClientHello */
};

struct tls_server_hello {
	unsigned version;                 /* the version chosen (supported_versions
	                                     when present) */
	uint16_t suite;
	int retry;                        /* a TLS 1.3 HelloRetryRequest */
	int alert;                        /* the alert's description, for an alert */
};

/* tls_reply_parse: read the server's first bytes buf[0..len): the records up to the
 * end of its first handshake message (which may span records). */
enum tls_reply tls_reply_parse(const unsigned char *buf, size_t len,
    struct tls_server_hello *out);

#endif
