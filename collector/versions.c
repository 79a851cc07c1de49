#include "collector/versions.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The next part of s at *p: its text [start, end) and whether it is a number. 0 at the
 * end. */
static int
next_part(const char *s, size_t *p, size_t *start, size_t *end, int *numeric)
{
	size_t i = *p;

	while (s[i] != '\0' && !isalnum((unsigned char)s[i]))
		i++;
	if (s[i] == '\0')
		return (0);
	*start = i;
	*numeric = isdigit((unsigned char)s[i]) != 0;
	while (s[i] != '\0' && isalnum((unsigned char)s[i]) &&
	    (isdigit((unsigned char)s[i]) != 0) == *numeric)
		i++;
	*end = *p = i;
	return (1);
}

static int
is_prerelease(const char *s, size_t start, size_t end)
{
	static const char *const words[] = {"alpha", "a", "beta", "b", "rc", "pre", "dev"};
	size_t i, n = end - start;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && strncasecmp(s + start, words[i], n) == 0)
			return (1);
	return (0);
}

/* Compare two numeric parts of any length without overflow. */
static int
cmp_number(const char *a, size_t as, size_t ae, const char *b, size_t bs, size_t be)
{
	while (as + 1 < ae && a[as] == '0')
		as++;
	while (bs + 1 < be && b[bs] == '0')
		bs++;
	if (ae - as != be - bs)
		return (ae - as < be - bs ? -1 : 1);
	return (strncmp(a + as, b + bs, ae - as));
}

/* How s goes on from *p when the other version has ended: 0 when only zero numbers
 * follow (1.18 is 1.18.0), -1 when a pre-release marker follows first (1.0-rc1 is
 * before 1.0), 1 otherwise (it is the newer). */
static int
tail_order(const char *s, size_t p)
{
	size_t st, en, i;
	int num, first = 1;

	while (next_part(s, &p, &st, &en, &num)) {
		if (!num)
			return (first && is_prerelease(s, st, en) ? -1 : 1);
		for (i = st; i < en; i++)
			if (s[i] != '0')
				return (1);
		first = 0;
	}
	return (0);
}

int
versions_compare(const char *a, const char *b)
{
	size_t pa = 0, pb = 0, as, ae, bs, be;
	int na, nb, ha, hb, c;

	for (;;) {
		ha = next_part(a, &pa, &as, &ae, &na);
		hb = next_part(b, &pb, &bs, &be, &nb);
		if (!ha && !hb)
			return (0);
		if (!ha)
			return (-tail_order(b, bs));
		if (!hb)
			return (tail_order(a, as));
		if (na && nb)
			c = cmp_number(a, as, ae, b, bs, be);
		else if (na != nb)
			c = na ? 1 : -1;
		else {
			size_t n = ae - as < be - bs ? ae - as : be - bs;

			c = strncasecmp(a + as, b + bs, n);
			if (c == 0 && ae - as != be - bs)
				c = ae - as < be - bs ? -1 : 1;
		}
		if (c != 0)
			return (c < 0 ? -1 : 1);
	}
}

int
versions_in_cycle(const char *version, const char *cycle)
{
	size_t pv = 0, pc = 0, vs, ve, cs, ce;
	int nv, nc;

	while (next_part(cycle, &pc, &cs, &ce, &nc)) {
		if (!next_part(version, &pv, &vs, &ve, &nv) || nv != nc)
			return (0);
		if (nv ? cmp_number(version, vs, ve, cycle, cs, ce) != 0 :
		    (ve - vs != ce - cs || strncasecmp(version + vs, cycle + cs, ve - vs) != 0))
			return (0);
	}
	return (pc > 0);
}

int
versions_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 63 || !isdigit((unsigned char)s[0]))
		return (0);
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && strchr(".-_+~", s[i]) == NULL)
			return (0);
	return (1);
}
