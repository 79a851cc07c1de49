/* API keys: format, parsing, hashing, constant-time comparison, bearer headers. */
#include <criterion/criterion.h>
#include <string.h>

#include "api/auth.h"
#include "common/sha256.h"

Test(auth, generated_keys_parse_back_to_their_prefix_and_hash)
{
	char key[AUTH_KEY_SIZE], prefix[AUTH_PREFIX_LEN + 1], hash[AUTH_HASH_SIZE];
	char p2[AUTH_PREFIX_LEN + 1], h2[AUTH_HASH_SIZE], expect[AUTH_HASH_SIZE];

	cr_assert_eq(auth_key_generate(key, prefix, hash), 0);
	cr_assert_eq(strlen(key), AUTH_KEY_SIZE - 1);
	cr_assert_eq(strncmp(key, "fr_", 3), 0);
	cr_assert_eq(strncmp(key + 3, prefix, AUTH_PREFIX_LEN), 0);
	cr_assert_eq(key[3 + AUTH_PREFIX_LEN], '_');
	cr_assert_eq(sha256_hex(key + 4 + AUTH_PREFIX_LEN, AUTH_SECRET_LEN, expect), 0);
	cr_assert_str_eq(hash, expect, "the stored hash is the secret's SHA-256");
	cr_assert_eq(auth_key_parse(key, p2, h2), 0);
	cr_assert_str_eq(p2, prefix);
	cr_assert_str_eq(h2, hash);
}

Test(auth, keys_are_different_each_time)
{
	char k1[AUTH_KEY_SIZE], k2[AUTH_KEY_SIZE], p[AUTH_PREFIX_LEN + 1], h[AUTH_HASH_SIZE];

	cr_assert_eq(auth_key_generate(k1, p, h), 0);
	cr_assert_eq(auth_key_generate(k2, p, h), 0);
	cr_assert_str_neq(k1, k2);
}

Test(auth, malformed_keys_are_refused)
{
	char key[AUTH_KEY_SIZE], prefix[AUTH_PREFIX_LEN + 1], hash[AUTH_HASH_SIZE];
	char bad[AUTH_KEY_SIZE + 8];

	cr_assert_eq(auth_key_generate(key, prefix, hash), 0);
	cr_assert_eq(auth_key_parse(NULL, prefix, hash), -1);
	cr_assert_eq(auth_key_parse("", prefix, hash), -1);
	cr_assert_eq(auth_key_parse("fr_abc_def", prefix, hash), -1);
	memcpy(bad, key, sizeof(key));
	bad[0] = 'x';
	cr_assert_eq(auth_key_parse(bad, prefix, hash), -1, "wrong scheme");
	memcpy(bad, key, sizeof(key));
	bad[5] = 'A';
	cr_assert_eq(auth_key_parse(bad, prefix, hash), -1, "upper case in the prefix");
	memcpy(bad, key, sizeof(key));
	bad[3 + AUTH_PREFIX_LEN] = '-';
	cr_assert_eq(auth_key_parse(bad, prefix, hash), -1, "wrong separator");
	memcpy(bad, key, sizeof(key));
	bad[AUTH_KEY_SIZE - 2] = 'g';
	cr_assert_eq(auth_key_parse(bad, prefix, hash), -1, "not hex in the secret");
	memcpy(bad, key, sizeof(key));
	strcat(bad, "0");
	cr_assert_eq(auth_key_parse(bad, prefix, hash), -1, "too long");
	bad[AUTH_KEY_SIZE - 3] = '\0';
	cr_assert_eq(auth_key_parse(bad, prefix, hash), -1, "too short");
}

Test(auth, hashes_compare_equal_only_when_equal)
{
	char a[AUTH_HASH_SIZE], b[AUTH_HASH_SIZE];

	cr_assert_eq(sha256_hex("x", 1, a), 0);
	memcpy(b, a, sizeof(a));
	cr_assert(auth_hash_equal(a, b));
	b[63] = b[63] == '0' ? '1' : '0';
	cr_assert_not(auth_hash_equal(a, b), "last digit differs");
	memcpy(b, a, sizeof(a));
	b[0] = b[0] == '0' ? '1' : '0';
	cr_assert_not(auth_hash_equal(a, b), "first digit differs");
	cr_assert_not(auth_hash_equal(a, "abc"));
	cr_assert_not(auth_hash_equal(NULL, a));
}

Test(auth, bearer_headers)
{
	char key[AUTH_KEY_SIZE];

	cr_assert_eq(auth_bearer("Bearer fr_x_y", key), 0);
	cr_assert_str_eq(key, "fr_x_y");
	cr_assert_eq(auth_bearer("bearer   fr_x_y  ", key), 0);
	cr_assert_str_eq(key, "fr_x_y");
	cr_assert_eq(auth_bearer("Basic dXNlcjpwYXNz", key), -1);
	cr_assert_eq(auth_bearer("Bearer ", key), -1);
	cr_assert_eq(auth_bearer(NULL, key), -1);
	{
		char longh[300];

		memcpy(longh, "Bearer ", 7);
		memset(longh + 7, 'a', 200);
		longh[207] = '\0';
		cr_assert_eq(auth_bearer(longh, key), -1, "a key that cannot fit");
	}
}

Test(auth, roles)
{
	enum auth_role r = AUTH_ROLE_PUBLIC;

	cr_assert_eq(auth_role_parse("investor", &r), 0);
	cr_assert_eq(r, AUTH_ROLE_INVESTOR);
	cr_assert_eq(auth_role_parse("admin", &r), 0);
	cr_assert_eq(r, AUTH_ROLE_ADMIN);
	cr_assert_eq(auth_role_parse("public", &r), -1, "no key has the public role");
	cr_assert_eq(auth_role_parse("Admin", &r), -1);
	cr_assert_eq(auth_role_parse(NULL, &r), -1);
	cr_assert_str_eq(auth_role_name(AUTH_ROLE_COMPANY), "company");
	cr_assert(AUTH_ROLES_INVESTOR & AUTH_ROLE_ANALYST);
	cr_assert_not(AUTH_ROLES_INVESTOR & AUTH_ROLE_COMPANY);
}
