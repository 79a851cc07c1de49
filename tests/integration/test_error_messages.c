/* Error answers quote a client's text cut to a few bytes ("unknown field %.40s"); a cut
 * inside a UTF-8 character must still give the 4xx the route means, with a message
 * that is valid JSON, not a 500. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/api_call.h"
#include "tests/support/api_client.h"
#include "tests/support/api_world.h"

static PGconn *conn;
static struct api_client *c;

static void
setup(void)
{
	c = api_world_start(&conn, NULL);
}

static void
teardown(void)
{
	api_world_stop(c, conn);
}

TestSuite(error_messages, .init = setup, .fini = teardown, .timeout = 120);

Test(error_messages, a_quoted_field_cut_inside_a_character_is_still_a_400)
{
	char *investor = api_client_create_key("investor", NULL);
	char *admin = api_client_create_key("admin", NULL);
	/* "a" and 20 times U+00E0 (2 bytes each): the 40th byte is the first half of
	 * the last character. */
	char body[128] = "{\"a", field[64] = "a";
	const char *message;
	json_t *v;
	size_t i;

	for (i = 0; i < 20; i++) {
		strcat(body, "\xc3\xa0");
		strcat(field, "\xc3\xa0");
	}
	strcat(body, "\": 1}");
	v = api_call_json(c, "POST", "/v1/companies/lookup", investor, body, 400);
	cr_assert_str_eq(api_call_error_code(v), "unknown_field");
	message = json_string_value(json_object_get(json_object_get(v, "error"), "message"));
	cr_assert_not_null(message);
	/* The field as far as whole characters go: "a" and 19 of them. */
	field[1 + 19 * 2] = '\0';
	cr_assert_eq(strncmp(message, "unknown field ", 14), 0, "%s", message);
	cr_assert_str_eq(message + 14, field);
	json_decref(v);

	/* The cut character in the middle of the message is dropped too. */
	v = api_call_json(c, "POST", "/v1/staff/keys", admin, body, 400);
	cr_assert_str_eq(api_call_error_code(v), "invalid_body");
	message = json_string_value(json_object_get(json_object_get(v, "error"), "message"));
	cr_assert_not_null(message);
	cr_assert_eq(strncmp(message, field, strlen(field)), 0, "%s", message);
	cr_assert_str_eq(message + strlen(field), " must be a string");
	json_decref(v);
	free(investor);
	free(admin);
}
