#include "api/http_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/i18n_format.h"
#include "common/utf8.h"
#include "rater/rating_json.h"

json_t *
http_json_parse(const char *body, size_t len, const char **code, char *message, size_t msgn)
{
	json_error_t err;
	json_t *v;

	if (!utf8_valid(body, len)) {
		*code = "invalid_utf8";
		snprintf(message, msgn, "%s", N_("the request body is not valid UTF-8"));
		return (NULL);
	}
	if (len == 0) {
		*code = "malformed_json";
		snprintf(message, msgn, "%s",
		    N_("the request body is empty; a JSON document is expected"));
		return (NULL);
	}
	v = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
	if (v == NULL) {
		*code = "malformed_json";
		snprintf(message, msgn, "malformed JSON at line %d, column %d: %s", err.line,
		    err.column, err.text);
		utf8_scrub(message);          /* jansson quotes the body's own bytes */
		return (NULL);
	}
	return (v);
}

int
http_json_is_json(const char *ct)
{
	const char *p;

	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0)
		return (0);
	p = ct + 16;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return (1);
	if (*p != ';')
		return (0);
	/* Any parameter but a charset other than UTF-8. */
	for (p++; *p != '\0'; p++) {
		if (strncasecmp(p, "charset=", 8) == 0) {
			const char *cs = p + 8;

			if (*cs == '"')
				cs++;
			return (strncasecmp(cs, "utf-8", 5) == 0 || strncasecmp(cs, "utf8", 4) == 0);
		}
	}
	return (1);
}

char *
http_json_dump(const json_t *v, size_t *len)
{
	size_t n = json_dumpb(v, NULL, 0, RATING_JSON_DUMP_FLAGS);
	char *out;

	if (n == 0 || (out = malloc(n + 2)) == NULL)
		return (NULL);
	if (json_dumpb(v, out, n, RATING_JSON_DUMP_FLAGS) != n) {
		free(out);
		return (NULL);
	}
	out[n] = '\n';
	out[n + 1] = '\0';
	*len = n + 1;
	return (out);
}

char *
http_json_error(const char *code, const char *message, size_t *len)
{
	json_t *v;
	char *out;

	v = json_pack("{s:{s:s, s:s}}", "error", "code", code, "message",
	    message ? message : "");
	if (v == NULL)
		return (NULL);
	out = http_json_dump(v, len);
	json_decref(v);
	return (out);
}

const char *
http_json_status_code(unsigned status)
{
	switch (status) {
	case 400: return ("bad_request");
	case 401: return ("unauthorized");
	case 403: return ("forbidden");
	case 404: return ("not_found");
	case 405: return ("method_not_allowed");
	case 408: return ("request_timeout");
	case 409: return ("conflict");
	case 413: return ("payload_too_large");
	case 415: return ("unsupported_media_type");
	case 422: return ("unprocessable");
	case 429: return ("rate_limited");
	case 500: return ("internal_error");
	case 503: return ("service_unavailable");
	default: return ("error");
	}
}
