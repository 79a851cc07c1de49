/*
 * Request bodies (api/http_json): any bytes through http_json_parse, as every
 * ROUTER_JSON_BODY route receives them. Checks: a body is refused as invalid_utf8
 * exactly when it is not valid UTF-8, else parsed or refused as malformed_json with a
 * message; an accepted value dumps to valid UTF-8 ending in a newline that parses back
 * to an equal value and dumps the same again; and the error body for a message made
 * of the input (when it is valid UTF-8) carries that message unchanged.
 */
#include "tests/fuzz/fuzz.h"

#include "api/http_json.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *code = NULL, *body = (const char *)data;
	char message[256], *dump, *again_dump, *text;
	json_t *v, *again, *err;
	size_t len, again_len;

	message[0] = '\0';
	v = http_json_parse(body, size, &code, message, sizeof(message));
	if (v == NULL) {
		FUZZ_CHECK(code != NULL && message[0] != '\0');
		FUZZ_CHECK(strcmp(code, utf8_valid(body, size) ? "malformed_json" :
		    "invalid_utf8") == 0);
	} else {
		FUZZ_CHECK(utf8_valid(body, size));
		FUZZ_CHECK((dump = http_json_dump(v, &len)) != NULL);
		FUZZ_CHECK(len > 0 && dump[len - 1] == '\n' && strlen(dump) == len);
		FUZZ_CHECK(utf8_valid(dump, len));
		/* Reals are written with 15 significant digits (RATING_JSON_DUMP_FLAGS), so a
		 * longer one reads back rounded: the dump, not the value, is the fixed point. */
		again = http_json_parse(dump, len, &code, message, sizeof(message));
		FUZZ_CHECK(again != NULL);
		FUZZ_CHECK((again_dump = http_json_dump(again, &again_len)) != NULL);
		FUZZ_CHECK(again_len == len && memcmp(dump, again_dump, len) == 0);
		free(again_dump);
		free(dump);
		json_decref(again);
		json_decref(v);
	}
	/* The error shape around a message taken from the input. */
	text = fuzz_strndup(data, size);
	if (utf8_valid(text, strlen(text))) {
		FUZZ_CHECK((dump = http_json_error("bad_request", text, &len)) != NULL);
		err = json_loadb(dump, len, 0, NULL);
		FUZZ_CHECK(err != NULL);
		FUZZ_CHECK(strcmp(json_string_value(json_object_get(json_object_get(err, "error"),
		    "message")), text) == 0);
		json_decref(err);
		free(dump);
	}
	free(text);
	return (0);
}
