#ifndef FAIRRATE_ATTACHMENT_H
#define FAIRRATE_ATTACHMENT_H

#include <stddef.h>

/*
 * The rules every uploaded document follows, whatever it is attached to (a dispute,
 * a governance disclosure): an allow-list of types, a size cap, a filename that
 * cannot name a path, and standard base64 in JSON. Pure: no I/O. The schema of each
 * attachment table repeats these limits as CHECK constraints.
 */

#define ATTACHMENT_MAX (5 * 1024 * 1024)   /* bytes of one file */
#define ATTACHMENT_FILENAME_MAX 200        /* characters (code points) */
/* Bytes that hold a filename of ATTACHMENT_FILENAME_MAX UTF-8 characters and its NUL. */
#define ATTACHMENT_FILENAME_SIZE (ATTACHMENT_FILENAME_MAX * 4 + 1)
#define ATTACHMENT_TYPE_SIZE 32            /* the longest allowed type and its NUL fit */

/* attachment_type_allowed: 1 when content_type is application/pdf, image/png,
 * image/jpeg, text/plain or text/csv; else 0 (NULL included). */
int attachment_type_allowed(const char *content_type);

/* attachment_filename_ok: 1 when name is 1 to ATTACHMENT_FILENAME_MAX characters of
 * valid UTF-8 without '/', '\', or control characters; else 0. */
int attachment_filename_ok(const char *name);

/* attachment_base64_decode: decode standard base64 (padding optional) of len
 * characters into out (room for len / 4 * 3 + 3 bytes). The decoded length, or -1
 * when s is not base64. */
long attachment_base64_decode(const char *s, size_t len, unsigned char *out);

#endif
