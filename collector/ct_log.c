#include "collector/ct_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define CT_LOG_NAMES 500

/* Base64 text into a new buffer; its length in *n. NULL when it is not base64. */
static unsigned char *
b64(const char *text, size_t *n)
{
	size_t len = text != NULL ? strlen(text) : 0, pad = 0;
	unsigned char *out;
	int got;

	if (len == 0 || len % 4 != 0 || len > (size_t)1 << 24)
		return (NULL);
	if ((out = malloc(len / 4 * 3 + 1)) == NULL)
		return (NULL);
	if ((got = EVP_DecodeBlock(out, (const unsigned char *)text, (int)len)) < 0) {
		free(out);
		return (NULL);
	}
	pad = (text[len - 1] == '=') + (text[len - 2] == '=');
	*n = (size_t)got - pad;
	return (out);
}

static size_t
u24(const unsigned char *p)
{
	return ((size_t)p[0] << 16 | (size_t)p[1] << 8 | p[2]);
}

static int
add_name(const unsigned char *s, int len, char (*names)[DISCOVERY_NAME_MAX], size_t max,
    size_t *n)
{
	if (len <= 0 || len >= DISCOVERY_NAME_MAX || *n >= max ||
	    memchr(s, '\0', (size_t)len) != NULL)
		return (0);
	memcpy(names[*n], s, (size_t)len);
	names[*n][len] = '\0';
	(*n)++;
	return (1);
}

int
ct_log_names(const unsigned char *der, size_t len, char (*names)[DISCOVERY_NAME_MAX],
    size_t max)
{
	const unsigned char *p = der;
	GENERAL_NAMES *gens;
	X509_NAME_ENTRY *e;
	X509 *x;
	unsigned char *cn = NULL;
	size_t n = 0;
	int i, cnlen;

	if (len > (size_t)1 << 24 || (x = d2i_X509(NULL, &p, (long)len)) == NULL)
		return (-1);
	if ((gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL)) != NULL) {
		for (i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
			GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);

			if (g->type == GEN_DNS)
				add_name(ASN1_STRING_get0_data(g->d.dNSName),
				    ASN1_STRING_length(g->d.dNSName), names, max, &n);
		}
		GENERAL_NAMES_free(gens);
	}
	i = X509_NAME_get_index_by_NID(X509_get_subject_name(x), NID_commonName, -1);
	if (i >= 0 && (e = X509_NAME_get_entry(X509_get_subject_name(x), i)) != NULL &&
	    (cnlen = ASN1_STRING_to_UTF8(&cn, X509_NAME_ENTRY_get_data(e))) > 0)
		add_name(cn, cnlen, names, max, &n);
	OPENSSL_free(cn);
	X509_free(x);
	return ((int)n);
}

/* The certificate DER of one entry: [*der, *der + *len) inside leaf or extra. */
static int
entry_cert(const unsigned char *leaf, size_t ll, const unsigned char *extra, size_t el,
    const unsigned char **der, size_t *len)
{
	unsigned type;

	if (ll < 2 + 8 + 2 || leaf[0] != 0 || leaf[1] != 0)
		return (-1);                  /* v1 timestamped_entry only */
	type = (unsigned)(leaf[10] << 8 | leaf[11]);
	if (type == 0) {                      /* x509_entry: the ASN.1Cert follows */
		if (ll < 15 || (*len = u24(leaf + 12)) == 0 || 15 + *len > ll)
			return (-1);
		*der = leaf + 15;
		return (0);
	}
	if (type == 1) {                      /* precert_entry: see extra_data */
		if (extra == NULL || el < 3 || (*len = u24(extra)) == 0 || 3 + *len > el)
			return (-1);
		*der = extra + 3;
		return (0);
	}
	return (-1);
}

long
ct_log_entries(const char *text, size_t len, discovery_cert_fn *cert, void *arg, char *err,
    size_t errlen)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, 0, &je), *entries, *e;
	char (*names)[DISCOVERY_NAME_MAX] = calloc(CT_LOG_NAMES, sizeof(*names));
	const char *list[CT_LOG_NAMES];
	unsigned char *leaf = NULL, *extra = NULL;
	const unsigned char *der;
	size_t i, ll = 0, el = 0, dl, k;
	long n = -1;
	int got;

	if (root == NULL || names == NULL) {
		snprintf(err, errlen, root == NULL ? "line %d: %s" : "out of memory",
		    je.line, je.text);
		goto out;
	}
	entries = json_object_get(root, "entries");
	if (!json_is_array(entries)) {
		snprintf(err, errlen, "not a get-entries answer: no \"entries\" array");
		goto out;
	}
	json_array_foreach(entries, i, e) {
		leaf = b64(json_string_value(json_object_get(e, "leaf_input")), &ll);
		extra = b64(json_string_value(json_object_get(e, "extra_data")), &el);
		if (leaf == NULL || entry_cert(leaf, ll, extra, el, &der, &dl) != 0 ||
		    (got = ct_log_names(der, dl, names, CT_LOG_NAMES)) < 0) {
			snprintf(err, errlen, "entry %zu: not a v1 MerkleTreeLeaf with an X.509"
			    " certificate or precertificate", i);
			goto out;
		}
		for (k = 0; k < (size_t)got; k++)
			list[k] = names[k];
		if (cert(arg, list, (size_t)got) != 0) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		free(leaf);
		free(extra);
		leaf = extra = NULL;
	}
	n = (long)json_array_size(entries);
out:
	free(leaf);
	free(extra);
	free(names);
	json_decref(root);
	return (n);
}
