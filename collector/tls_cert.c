#include "collector/tls_cert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "common/log.h"
#include "common/sha256.h"

#define CERT_MAX_CHAIN 10

struct tls_cert_store {
	X509_STORE *store;
};

struct tls_cert_store *
tls_cert_store_new(const char *ca_file)
{
	struct tls_cert_store *s;

	if ((s = calloc(1, sizeof(*s))) == NULL || (s->store = X509_STORE_new()) == NULL) {
		log_error("scan: out of memory");
		free(s);
		return (NULL);
	}
	if ((ca_file != NULL ? X509_STORE_load_file(s->store, ca_file) :
	    X509_STORE_set_default_paths(s->store)) != 1) {
		log_error("scan: cannot load the CA certificates %s",
		    ca_file ? ca_file : "(system default)");
		tls_cert_store_free(s);
		return (NULL);
	}
	return (s);
}

void
tls_cert_store_free(struct tls_cert_store *s)
{
	if (s == NULL)
		return;
	X509_STORE_free(s->store);
	free(s);
}

static X509 *
cert_parse(const char *pem)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	X509 *x;

	if (bio == NULL)
		return (NULL);
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	return (x);
}

static int64_t
cert_time(const ASN1_TIME *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return (0);
	return ((int64_t)timegm(&tm));
}

static void
cert_key(X509 *leaf, struct http_tls_facts *f)
{
	EVP_PKEY *pk = X509_get0_pubkey(leaf);
	const char *type = "unknown";

	if (pk == NULL)
		return;
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA: type = "RSA"; break;
	case EVP_PKEY_RSA_PSS: type = "RSA-PSS"; break;
	case EVP_PKEY_DSA: type = "DSA"; break;
	case EVP_PKEY_EC: type = "EC"; break;
	case EVP_PKEY_ED25519: type = "ED25519"; break;
	case EVP_PKEY_ED448: type = "ED448"; break;
	default: break;
	}
	snprintf(f->key_type, sizeof(f->key_type), "%s", type);
	f->key_bits = EVP_PKEY_get_bits(pk);
}

static void
cert_facts(X509 *leaf, struct http_tls_facts *f)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int nid = X509_get_signature_nid(leaf);
	const char *sig = nid != NID_undef ? OBJ_nid2ln(nid) : NULL;

	f->seen = 1;
	f->not_before = cert_time(X509_get0_notBefore(leaf));
	f->not_after = cert_time(X509_get0_notAfter(leaf));
	f->self_signed = X509_check_issued(leaf, leaf) == X509_V_OK;
	cert_key(leaf, f);
	snprintf(f->signature, sizeof(f->signature), "%s", sig ? sig : "unknown");
	if (X509_NAME_oneline(X509_get_issuer_name(leaf), f->issuer, sizeof(f->issuer)) ==
	    NULL)
		f->issuer[0] = '\0';
	/* At most 32 bytes: fingerprint holds the 64 digits of a SHA-256 and a NUL. */
	if (X509_digest(leaf, EVP_sha256(), md, &mdlen) == 1)
		hex_encode(md, mdlen < 32 ? mdlen : 32, f->fingerprint);
}

/* The name is matched against the subjectAltName only: RFC 9525 (6.3) and browsers no
 * longer fall back to the subject's common name. */
static int
cert_name_matches(X509 *leaf, const char *host)
{
	if (X509_check_ip_asc(leaf, host, 0) == 1)
		return (1);
	return (X509_check_host(leaf, host, strlen(host), X509_CHECK_FLAG_NEVER_CHECK_SUBJECT,
	    NULL) == 1);
}

/* Verification goes on past each error so that the chain's real fault is found: the
 * first error that is not the leaf's own validity period (judged from its dates, as
 * tls.certificate_expired) is what makes the chain untrusted. An expired certificate
 * from an unknown issuer is thus both expired and untrusted. */
static int
cert_verify_cb(int ok, X509_STORE_CTX *ctx)
{
	struct http_tls_facts *f = X509_STORE_CTX_get_app_data(ctx);
	int err = X509_STORE_CTX_get_error(ctx);
	int depth = X509_STORE_CTX_get_error_depth(ctx);

	if (ok || f == NULL)
		return (ok);
	if (depth == 0 && (err == X509_V_ERR_CERT_HAS_EXPIRED ||
	    err == X509_V_ERR_CERT_NOT_YET_VALID))
		return (1);
	if (f->verify_error == 0) {
		f->verify_error = err != 0 ? err : -1;
		f->verify_depth = depth;
	}
	return (1);
}

int
tls_cert_check_x509(struct tls_cert_store *s, X509 *leaf, STACK_OF(X509) *chain,
    const char *host, int64_t now, struct http_tls_facts *facts)
{
	X509_STORE_CTX *ctx = NULL;
	int rc = -1, err;

	if (leaf == NULL)
		return (-1);
	cert_facts(leaf, facts);
	facts->hostname_match = cert_name_matches(leaf, host);
	if ((ctx = X509_STORE_CTX_new()) == NULL ||
	    X509_STORE_CTX_init(ctx, s->store, leaf, chain) != 1)
		goto done;
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), (time_t)now);
	X509_VERIFY_PARAM_set_purpose(X509_STORE_CTX_get0_param(ctx),
	    X509_PURPOSE_SSL_SERVER);
	facts->verify_error = 0;
	facts->verify_depth = 0;
	X509_STORE_CTX_set_app_data(ctx, facts);
	X509_STORE_CTX_set_verify_cb(ctx, cert_verify_cb);
	if (X509_verify_cert(ctx) != 1 && facts->verify_error == 0) {
		err = X509_STORE_CTX_get_error(ctx);
		facts->verify_error = err != 0 ? err : -1;
	}
	if (facts->verify_error == 0)
		snprintf(facts->verify_message, sizeof(facts->verify_message), "ok");
	else
		snprintf(facts->verify_message, sizeof(facts->verify_message), "%s%s",
		    X509_verify_cert_error_string(facts->verify_error),
		    facts->verify_depth > 0 ? " (in the chain, not the server's certificate)" :
		    "");
	rc = facts->verify_error == 0 && facts->hostname_match && now >= facts->not_before &&
	    now <= facts->not_after;
done:
	X509_STORE_CTX_free(ctx);
	return (rc);
}

int
tls_cert_check(struct tls_cert_store *s, const char *const *pems, size_t n,
    const char *host, int64_t now, struct http_tls_facts *facts)
{
	STACK_OF(X509) *chain = NULL;
	X509 *leaf = NULL, *x;
	size_t i;
	int rc = -1;

	if (n == 0 || (leaf = cert_parse(pems[0])) == NULL)
		return (-1);
	if ((chain = sk_X509_new_null()) == NULL) {
		cert_facts(leaf, facts);
		goto done;
	}
	for (i = 1; i < n && i < CERT_MAX_CHAIN; i++)
		if ((x = cert_parse(pems[i])) != NULL && !sk_X509_push(chain, x))
			X509_free(x);
	rc = tls_cert_check_x509(s, leaf, chain, host, now, facts);
done:
	sk_X509_pop_free(chain, X509_free);
	X509_free(leaf);
	return (rc);
}
