#include "common/paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int
paths_has_migrations(const char *dir)
{
	char p[PATH_MAX];
	struct stat st;

	if ((size_t)snprintf(p, sizeof(p), "%s/migrations", dir) >= sizeof(p))
		return (0);
	return (stat(p, &st) == 0 && S_ISDIR(st.st_mode));
}

const char *
paths_share_dir(void)
{
	static char dir[PATH_MAX];
	const char *env;
	char exe[PATH_MAX];
	ssize_t n;
	int up;
	char *slash;

	if (dir[0] != '\0')
		return (dir);
	if ((env = getenv("FAIRRATE_SHARE_DIR")) != NULL && env[0] != '\0') {
		snprintf(dir, sizeof(dir), "%s", env);
		return (dir);
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		for (up = 0; up < 3; up++) {
			if ((slash = strrchr(exe, '/')) == NULL)
				break;
			*slash = '\0';
			if (exe[0] != '\0' && paths_has_migrations(exe)) {
				snprintf(dir, sizeof(dir), "%s", exe);
				return (dir);
			}
		}
	}
	snprintf(dir, sizeof(dir), ".");
	return (dir);
}

int
paths_join(char *out, size_t n, const char *rel)
{
	if ((size_t)snprintf(out, n, "%s/%s", paths_share_dir(), rel) >= n)
		return (-1);
	return (0);
}
