#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>

static int log_quiet;

void
log_set_quiet(int quiet)
{
	log_quiet = quiet;
}

static void
log_vprint(const char *fmt, va_list ap)
{
	char line[2048];

	vsnprintf(line, sizeof(line), fmt, ap);
	/* One fprintf call so that lines from several threads do not interleave. */
	fprintf(stderr, "fairrate: %s\n", line);
}

void
log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprint(fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	if (log_quiet)
		return;
	va_start(ap, fmt);
	log_vprint(fmt, ap);
	va_end(ap);
}
