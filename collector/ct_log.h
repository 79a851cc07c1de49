#ifndef FAIRRATE_CT_LOG_H
#define FAIRRATE_CT_LOG_H

#include <stddef.h>

#include "collector/discovery.h"

/*
 * A certificate-transparency log's get-entries answer (RFC 6962 4.6), read without
 * I/O: {"entries": [{"leaf_input": base64, "extra_data": base64}, ...]}. The leaf is a
 * MerkleTreeLeaf (3.4): version 0, leaf type 0, a timestamp and an entry: an
 * x509_entry holds the certificate; for a precert_entry the precertificate is the
 * first ASN.1Cert of extra_data (PrecertChainEntry, 3.1). Each certificate's
 * subjectAltName DNS names and subject common name are handed on as one certificate
 * (to collector/discovery's discovery_certificate, or kept for later).
 */

/* ct_log_entries: read text (len bytes), calling cert for each entry. The number of
 * entries read, or -1 with the reason (and the entry's index) in err. */
long ct_log_entries(const char *text, size_t len, discovery_cert_fn *cert, void *arg,
    char *err, size_t errlen);

/* ct_log_names: the DNS names of the DER certificate der (len bytes): its
 * subjectAltName dNSNames, then its subject's CN, each a NUL-terminated name of at
 * most DISCOVERY_NAME_MAX - 1 bytes, into names[0..max). Returns how many, or -1
 * when the DER is not a certificate. */
int ct_log_names(const unsigned char *der, size_t len, char (*names)[DISCOVERY_NAME_MAX],
    size_t max);

#endif
