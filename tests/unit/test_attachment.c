/* The rules of every uploaded document (common/attachment.h): the type allow-list,
 * filenames that cannot name a path, and base64. */
#include <criterion/criterion.h>
#include <string.h>

#include "common/attachment.h"

Test(attachment, types)
{
	cr_assert(attachment_type_allowed("application/pdf"));
	cr_assert(attachment_type_allowed("text/csv"));
	cr_assert(!attachment_type_allowed("application/zip"));
	cr_assert(!attachment_type_allowed("application/pdf; charset=x"));
	cr_assert(!attachment_type_allowed(NULL));
}

Test(attachment, filenames)
{
	char name[ATTACHMENT_FILENAME_MAX * 3 + 1];
	size_t i;

	cr_assert(attachment_filename_ok("ISMS 証明書.pdf"));
	cr_assert(!attachment_filename_ok(""));
	cr_assert(!attachment_filename_ok(NULL));
	cr_assert(!attachment_filename_ok("../etc/passwd"));
	cr_assert(!attachment_filename_ok("a\\\\b"));
	cr_assert(!attachment_filename_ok("a\nb"));
	cr_assert(!attachment_filename_ok("a\x7f"));
	cr_assert(!attachment_filename_ok("\xff.pdf"));
	/* 200 three-byte characters are fine, 201 are not. */
	for (i = 0; i < ATTACHMENT_FILENAME_MAX; i++)
		memcpy(name + i * 3, "証", 3);
	name[ATTACHMENT_FILENAME_MAX * 3] = '\0';
	cr_assert(attachment_filename_ok(name));
	name[ATTACHMENT_FILENAME_MAX * 3 - 3] = 'a';
	name[ATTACHMENT_FILENAME_MAX * 3 - 2] = 'b';
	name[ATTACHMENT_FILENAME_MAX * 3 - 1] = '\0';
	/* 199 three-byte characters and two one-byte ones: 201. */
	cr_assert_eq(strlen(name), ATTACHMENT_FILENAME_MAX * 3 - 1);
	cr_assert(!attachment_filename_ok(name));
}

Test(attachment, base64)
{
	unsigned char out[32];

	cr_assert_eq(attachment_base64_decode("JVBERi0xLjcgdGVzdA==", 20, out), 13);
	cr_assert_eq(memcmp(out, "%PDF-1.7 test", 13), 0);
	cr_assert_eq(attachment_base64_decode("JVBERi0xLjcgdGVzdA", 18, out), 13);
	cr_assert_eq(attachment_base64_decode("TWFu", 4, out), 3);
	cr_assert_eq(memcmp(out, "Man", 3), 0);
	cr_assert_eq(attachment_base64_decode("not base64!", 11, out), -1);
	cr_assert_eq(attachment_base64_decode("T", 1, out), -1);
}
