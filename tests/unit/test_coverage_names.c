/* Collector names of coverage (collector/coverage.h). */
#include <criterion/criterion.h>

#include "collector/coverage.h"

Test(coverage_names, the_collectors_and_feeds_are_names)
{
	const char *good[] = {"web", "tls", "mail", "ports", "discovery", "feed:kev",
	    "feed:abuse.ch-feodo", "feed:0", NULL};
	const char *bad[] = {"", "Web", "feed:", "feed:-x", "feed:KEV", "feed:a b",
	    "feeds:kev", "webx", "feed:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL};
	int i;

	for (i = 0; good[i] != NULL; i++)
		cr_assert(coverage_collector_ok(good[i]), "%s", good[i]);
	for (i = 0; bad[i] != NULL; i++)
		cr_assert(!coverage_collector_ok(bad[i]), "%s", bad[i]);
}
