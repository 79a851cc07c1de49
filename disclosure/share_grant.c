#include "disclosure/share_grant.h"

#include <string.h>

#include "common/i18n_format.h"
#include "common/timefmt.h"

static const char *const scope_names[] = {"evidence", "rating", "disputes"};

int
share_scope_parse(const char *name, unsigned *bit)
{
	unsigned i;

	for (i = 0; name != NULL && i < sizeof(scope_names) / sizeof(*scope_names); i++)
		if (strcmp(name, scope_names[i]) == 0) {
			*bit = 1u << i;
			return (0);
		}
	return (-1);
}

const char *
share_scope_name(unsigned bit)
{
	unsigned i;

	for (i = 0; i < sizeof(scope_names) / sizeof(*scope_names); i++)
		if (bit == 1u << i)
			return (scope_names[i]);
	return ("?");
}

int
share_grant_expiry_check(int64_t expires_at, int64_t now, const char **why)
{
	if (expires_at <= now) {
		*why = N_("expires_at must be in the future");
		return (-1);
	}
	if (expires_at - now > (int64_t)SHARE_GRANT_MAX_DAYS * TIMEFMT_DAY) {
		*why = N_("a grant runs at most 365 days");
		return (-1);
	}
	*why = "";
	return (0);
}

const char *
share_grant_status(int64_t expires_at, int64_t revoked_at, int64_t now)
{
	if (revoked_at != 0)
		return ("revoked");
	return (now >= expires_at ? "expired" : "active");
}
