#include "api/access_log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/timefmt.h"

struct access_log {
	int fd;                        /* -1: off */
	int owned;
};

struct access_log *
access_log_open(const char *path)
{
	struct access_log *log;

	if ((log = calloc(1, sizeof(*log))) == NULL)
		return (NULL);
	if (path == NULL || strcmp(path, "-") == 0) {
		log->fd = STDOUT_FILENO;
	} else if (strcmp(path, "off") == 0) {
		log->fd = -1;
	} else {
		log->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (log->fd < 0) {
			log_error("access log: cannot open %s: %s", path, strerror(errno));
			free(log);
			return (NULL);
		}
		log->owned = 1;
	}
	return (log);
}

/* Copy an HTTP method (a token) as JSON string content: anything but letters is '?'. */
static void
access_log_method(const char *in, char *out, size_t n)
{
	size_t i;

	for (i = 0; in[i] != '\0' && i + 1 < n; i++)
		out[i] = ((in[i] >= 'A' && in[i] <= 'Z') || (in[i] >= 'a' && in[i] <= 'z')) ?
		    in[i] : '?';
	out[i] = '\0';
}

void
access_log_write(struct access_log *log, const char *method, const char *route,
    unsigned status, int64_t duration_us, int64_t key_id)
{
	char line[512], when[21], m[16], key[32], rt[200];
	struct timespec ts;
	int n;

	if (log == NULL || log->fd < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	timefmt_format((int64_t)ts.tv_sec, when);
	when[19] = '\0';               /* drop the Z: milliseconds follow */
	access_log_method(method ? method : "", m, sizeof(m));
	if (key_id > 0)
		snprintf(key, sizeof(key), "%lld", (long long)key_id);
	else
		memcpy(key, "null", 5);
	if (route != NULL)
		snprintf(rt, sizeof(rt), "\"%s\"", route);
	else
		memcpy(rt, "null", 5);
	n = snprintf(line, sizeof(line), "{\"time\":\"%s.%03ldZ\",\"method\":\"%s\","
	    "\"route\":%s,\"status\":%u,\"duration_ms\":%.3f,\"key_id\":%s}\n", when,
	    ts.tv_nsec / 1000000L, m, rt, status, (double)duration_us / 1000.0, key);
	if (n > 0 && (size_t)n < sizeof(line) && write(log->fd, line, (size_t)n) < 0)
		return;
}

void
access_log_close(struct access_log *log)
{
	if (log == NULL)
		return;
	if (log->owned)
		close(log->fd);
	free(log);
}
