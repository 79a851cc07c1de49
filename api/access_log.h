#ifndef FAIRRATE_API_ACCESS_LOG_H
#define FAIRRATE_API_ACCESS_LOG_H

#include <stdint.h>

/*
 * The access log: one JSON object a line, written with one write(2) each so that lines
 * from several threads never interleave:
 *   {"time":"2026-03-01T12:00:00.123Z","method":"GET","route":"/v1/companies/{slug}",
 *    "status":200,"duration_ms":1.234,"key_id":42}
 * It names the route pattern, never the path (which may carry identifiers), and the
 * key's id, never the key.
 */

struct access_log;

/* access_log_open: log to path (appended, created 0640), to standard output for NULL
 * or "-", or nowhere for "off". NULL after logging why the file cannot be opened. */
struct access_log *access_log_open(const char *path);

/* access_log_write: one line. route NULL is written as null (no route matched);
 * key_id 0 as null. Write errors are ignored: the log never fails a request. */
void access_log_write(struct access_log *log, const char *method, const char *route,
    unsigned status, int64_t duration_us, int64_t key_id);

/* access_log_close: NULL is a no-op. */
void access_log_close(struct access_log *log);

#endif
