#include "common/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_INTERVAL 0.2   /* seconds between redraws */

struct progress {
	char label[64];
	char unit[16];
	uint64_t total;
	double started, drawn;
	int tty;
	int shown;
};

double
progress_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

struct progress *
progress_new(const char *label, uint64_t total, const char *unit)
{
	struct progress *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return (NULL);
	snprintf(p->label, sizeof(p->label), "%s", label);
	snprintf(p->unit, sizeof(p->unit), "%s", unit);
	p->total = total;
	p->started = progress_clock();
	p->drawn = p->started;
	p->tty = isatty(STDERR_FILENO);
	return (p);
}

/* A count with a k/M/G suffix: "950", "12.3k", "4.56M". */
static void
progress_scaled(double v, char *out, size_t n)
{
	if (v < 1000)
		snprintf(out, n, "%.0f", v);
	else if (v < 1e6)
		snprintf(out, n, "%.1fk", v / 1e3);
	else if (v < 1e9)
		snprintf(out, n, "%.2fM", v / 1e6);
	else
		snprintf(out, n, "%.2fG", v / 1e9);
}

char *
progress_format(const char *label, const char *unit, uint64_t done, uint64_t total,
    double elapsed, char *out, size_t n)
{
	char d[32], t[32], r[32], eta[32];
	double rate = elapsed > 0 ? (double)done / elapsed : 0;

	progress_scaled((double)done, d, sizeof(d));
	progress_scaled(rate, r, sizeof(r));
	if (total > 0) {
		progress_scaled((double)total, t, sizeof(t));
		if (rate > 0 && done <= total) {
			long secs = (long)((double)(total - done) / rate + 0.5);

			snprintf(eta, sizeof(eta), ", ETA %ld:%02ld", secs / 60, secs % 60);
		} else {
			snprintf(eta, sizeof(eta), ", ETA ?");
		}
		snprintf(out, n, "%s: %s/%s %s, %s %s/s%s", label, d, t, unit, r, unit, eta);
	} else {
		snprintf(out, n, "%s: %s %s, %s %s/s", label, d, unit, r, unit);
	}
	return (out);
}

void
progress_update(struct progress *p, uint64_t done)
{
	char line[256];
	double now;

	if (p == NULL || !p->tty)
		return;
	now = progress_clock();
	if (now - p->drawn < PROGRESS_INTERVAL)
		return;
	p->drawn = now;
	p->shown = 1;
	progress_format(p->label, p->unit, done, p->total, now - p->started, line,
	    sizeof(line));
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
}

void
progress_finish(struct progress *p)
{
	if (p == NULL)
		return;
	if (p->shown) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
	free(p);
}

void
progress_lazy_report(void *arg, int64_t done, int64_t total)
{
	struct progress_lazy *lz = arg;

	if (lz->meter == NULL)
		lz->meter = progress_new(lz->label, (uint64_t)total, lz->unit);
	progress_update(lz->meter, (uint64_t)done);
}
