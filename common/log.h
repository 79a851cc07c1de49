#ifndef FAIRRATE_LOG_H
#define FAIRRATE_LOG_H

/*
 * Diagnostics on standard error, one line each, prefixed by the program's name.
 * Errors are logged once, where they are first understood.
 */

/* log_error: print "fairrate: " followed by the formatted message. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* log_info: the same for progress and notices; silenced by log_set_quiet(1). */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* log_set_quiet: 1 silences log_info (for tests and --json output). */
void log_set_quiet(int quiet);

#endif
