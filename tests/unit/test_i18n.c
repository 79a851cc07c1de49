/* Message catalogues (common/i18n.h): the .po subset read, what is skipped as msgfmt
 * skips it, errors by line, and the language of a request. The shipped catalogues
 * are checked by msgfmt itself in tests/integration/test_report.c. */
#include <criterion/criterion.h>
#include <string.h>

#include "common/i18n.h"

static const char po[] =
    "# A comment\n"
    "msgid \"\"\n"
    "msgstr \"\"\n"
    "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
    "\n"
    "msgid \"Grade\"\n"
    "msgstr \"\xe8\xa9\x95\xe4\xbe\xa1\"\n"
    "\n"
    "#. continued strings and escapes\n"
    "msgid \"\"\n"
    "\"Two \"\n"
    "\"lines\\n\"\n"
    "msgstr \"A \\\"quoted\\\" \"\n"
    "\"text\\t\\\\\"\n"
    "\n"
    "msgctxt \"factor\"\n"
    "msgid \"TLS\"\n"
    "msgstr \"TLS\xe3\x81\xa8\xe8\xa8\xbc\xe6\x98\x8e\xe6\x9b\xb8\"\n"
    "\n"
    "#, fuzzy\n"
    "msgid \"Fuzzy\"\n"
    "msgstr \"not used\"\n"
    "\n"
    "msgid \"Untranslated\"\n"
    "msgstr \"\"\n"
    "\n"
    "msgid \"one item\"\n"
    "msgid_plural \"%d items\"\n"
    "msgstr[0] \"plural\"\n";

Test(i18n, reads_entries_contexts_and_continued_strings)
{
	struct i18n cat = {.n = 0};
	char err[200];

	cr_assert_eq(i18n_parse(&cat, po, strlen(po), err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(cat.n, 3);
	cr_assert_str_eq(i18n_text(&cat, "Grade"), "\xe8\xa9\x95\xe4\xbe\xa1");
	cr_assert_str_eq(i18n_text(&cat, "Two lines\n"), "A \"quoted\" text\t\\");
	cr_assert_str_eq(i18n_ctext(&cat, "factor", "TLS"),
	    "TLS\xe3\x81\xa8\xe8\xa8\xbc\xe6\x98\x8e\xe6\x9b\xb8");
	cr_assert_str_eq(i18n_text(&cat, "TLS"), "TLS", "a context keeps entries apart");
	cr_assert_str_eq(i18n_text(&cat, "Fuzzy"), "Fuzzy", "fuzzy entries are not used");
	cr_assert_str_eq(i18n_text(&cat, "Untranslated"), "Untranslated");
	cr_assert_str_eq(i18n_text(&cat, "one item"), "one item");
	cr_assert_str_eq(i18n_text(&cat, "Missing"), "Missing");
	cr_assert_str_eq(i18n_text(NULL, "Grade"), "Grade");
	i18n_free(&cat);
	i18n_free(&cat);
}

Test(i18n, a_first_entry_can_be_fuzzy)
{
	const char text[] = "#, fuzzy, c-format\nmsgid \"a\"\nmsgstr \"b\"\n";
	struct i18n cat = {.n = 0};
	char err[200];

	cr_assert_eq(i18n_parse(&cat, text, strlen(text), err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(cat.n, 0);
	i18n_free(&cat);
}

static void
refused(const char *text, const char *where)
{
	struct i18n cat = {.n = 0};
	char err[200];

	cr_assert_eq(i18n_parse(&cat, text, strlen(text), err, sizeof(err)), -1, "%s", text);
	cr_assert_not_null(strstr(err, where), "%s: %s", text, err);
	cr_assert_eq(cat.n, 0, "nothing kept from a bad catalogue");
	i18n_free(&cat);
}

Test(i18n, bad_catalogues_are_refused_with_their_line)
{
	refused("msgid \"a\"\nmsgstr \"b\"\nmsgid \"c\"\n", "line 4: an msgid without");
	refused("msgid \"a\"\nmsgstr \"b\n", "line 2: the string has no closing quote");
	refused("msgid \"a\"\nmsgstr \"b\" x\n", "line 2: text after");
	refused("msgid \"a\\q\"\nmsgstr \"b\"\n", "line 1: unknown escape");
	refused("msgstr \"b\"\n", "line 1: msgstr without");
	refused("\"b\"\n", "line 1: a string continues nothing");
	refused("hello\n", "line 1: not a catalogue line");
	refused("msgid \"a\"\nmsgid \"b\"\n", "line 2: an entry repeats");
	refused("msgid \"\xff\"\nmsgstr \"b\"\n", "not UTF-8");
}

Test(i18n, a_nul_byte_is_refused)
{
	const char text[] = "msgid \"a\"\nmsgstr \"b\"\n\nmsgid \"a\0\"\n";
	struct i18n cat = {.n = 0};
	char err[200];

	cr_assert_eq(i18n_parse(&cat, text, sizeof(text) - 1, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "line 4: a NUL byte");
}

Test(i18n, the_language_of_a_request)
{
	cr_assert_str_eq(i18n_lang("ja", "en"), "ja");
	cr_assert_str_eq(i18n_lang("en", "ja"), "en");
	cr_assert_null(i18n_lang("fr", NULL), "an explicit language we do not have");
	cr_assert_null(i18n_lang("", NULL));
	cr_assert_str_eq(i18n_lang(NULL, NULL), "en");
	cr_assert_str_eq(i18n_lang(NULL, "ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7"), "ja");
	cr_assert_str_eq(i18n_lang(NULL, "en-US,en;q=0.9,ja;q=0.8"), "en");
	cr_assert_str_eq(i18n_lang(NULL, "fr, ja;q=0.5"), "ja");
	cr_assert_str_eq(i18n_lang(NULL, "ja;q=0"), "en");
	cr_assert_str_eq(i18n_lang(NULL, "jam, fr"), "en");
	cr_assert_str_eq(i18n_lang(NULL, "*"), "en");
}
