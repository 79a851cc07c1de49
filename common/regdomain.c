#include "common/regdomain.h"

#include <ctype.h>
#include <pthread.h>
#include <string.h>

#include <libpsl.h>

static pthread_once_t psl_once = PTHREAD_ONCE_INIT;
static const psl_ctx_t *psl;

static void
psl_load(void)
{
	/* NULL: the system's list (PSL_FILE) or the built-in one, whichever is newer. */
	psl = psl_latest(NULL);
	if (psl == NULL)
		psl = psl_builtin();
}

/* host lower-cased into out without a trailing dot; -1 when it is no name. */
static int
normalise(const char *host, char *out, size_t cap)
{
	size_t len, i;

	if (host == NULL)
		return (-1);
	len = strlen(host);
	if (len > 0 && host[len - 1] == '.')
		len--;
	if (len == 0 || len >= cap || len >= REGDOMAIN_MAX || host[len - 1] == '.')
		return (-1);                  /* empty, too long, or an empty last label */
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)host[i];

		if (c <= ' ' || c == '/' || c == '@' || c == ':' || c == '\\' || c == 0x7f)
			return (-1);
		if (c == '.' && (i == 0 || host[i - 1] == '.'))
			return (-1);                  /* an empty label */
		out[i] = (char)tolower(c);
	}
	out[len] = '\0';
	return (0);
}

int
regdomain_of(const char *host, char *out, size_t cap)
{
	char name[REGDOMAIN_MAX];
	const char *reg;
	size_t len;

	if (normalise(host, name, sizeof(name)) != 0)
		return (-1);
	pthread_once(&psl_once, psl_load);
	if (psl == NULL)
		return (-1);
	reg = psl_registrable_domain(psl, name);
	if (reg == NULL)
		return (-1);
	len = strlen(reg);
	if (len >= cap)
		return (-1);
	memcpy(out, reg, len + 1);
	return (0);
}

int
regdomain_is_registered(const char *host)
{
	char name[REGDOMAIN_MAX], reg[REGDOMAIN_MAX];

	if (normalise(host, name, sizeof(name)) != 0 ||
	    regdomain_of(name, reg, sizeof(reg)) != 0)
		return (0);
	return (strcmp(name, reg) == 0);
}
