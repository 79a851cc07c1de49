/* hex_encode, the one hex encoder (digests, secrets, tokens, fingerprints). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "common/sha256.h"

Test(hex, every_byte_as_printf_writes_it)
{
	unsigned char in[256];
	char out[513], want[3];
	int i;

	for (i = 0; i < 256; i++)
		in[i] = (unsigned char)i;
	hex_encode(in, sizeof(in), out);
	cr_assert_eq(strlen(out), 512);
	for (i = 0; i < 256; i++) {
		snprintf(want, sizeof(want), "%02x", i);
		cr_assert_eq(memcmp(out + 2 * i, want, 2), 0, "byte %d", i);
	}
	hex_encode(in, 0, out);
	cr_assert_str_eq(out, "", "nothing encodes to the empty string");
}

Test(hex, sha256_digests_are_still_the_standard_ones)
{
	char out[65];

	cr_assert_eq(sha256_hex("abc", 3, out), 0);
	cr_assert_str_eq(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
