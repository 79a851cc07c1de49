#include "api/attachment_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api/dispute_http.h"
#include "api/request.h"
#include "api/resource.h"
#include "common/attachment.h"

int
attachment_http_read(struct api_request *r, struct attachment_upload *up)
{
	json_t *content = json_object_get(request_json(r), "content_base64");
	const char *text;
	size_t len;
	long n;

	memset(up, 0, sizeof(*up));
	if (dispute_http_text(r, "filename", ATTACHMENT_FILENAME_MAX, 1, &up->filename) != 0 ||
	    dispute_http_text(r, "content_type", ATTACHMENT_TYPE_SIZE - 1, 1,
	    &up->content_type) != 0)
		return (-1);
	if (!attachment_type_allowed(up->content_type)) {
		request_reply_error(r, 415, "unsupported_attachment_type", "attachments are"
		    " application/pdf, image/png, image/jpeg, text/plain or text/csv");
		return (-1);
	}
	if (!attachment_filename_ok(up->filename)) {
		request_reply_error(r, 400, "invalid_attachment", "the filename must be 1 to"
		    " %d characters without '/', '\\' or control characters",
		    ATTACHMENT_FILENAME_MAX);
		return (-1);
	}
	if ((text = json_string_value(content)) == NULL || (len = strlen(text)) == 0) {
		request_reply_error(r, 400, "missing_field", "content_base64 is required");
		return (-1);
	}
	if (len / 4 * 3 > (size_t)ATTACHMENT_MAX + 3) {
		request_reply_error(r, 413, "attachment_too_large", "an attachment holds at"
		    " most %d bytes", ATTACHMENT_MAX);
		return (-1);
	}
	if ((up->data = malloc(len / 4 * 3 + 3)) == NULL) {
		request_reply_error(r, 500, "internal_error", "out of memory");
		return (-1);
	}
	if ((n = attachment_base64_decode(text, len, up->data)) <= 0) {
		request_reply_error(r, 400, "invalid_field", "content_base64 is not base64 of"
		    " a non-empty file");
		goto fail;
	}
	if (n > ATTACHMENT_MAX) {
		request_reply_error(r, 413, "attachment_too_large", "an attachment holds at"
		    " most %d bytes", ATTACHMENT_MAX);
		goto fail;
	}
	up->len = (size_t)n;
	return (0);
fail:
	free(up->data);
	up->data = NULL;
	return (-1);
}

void
attachment_http_reply(struct api_request *r, const char *filename,
    const char *content_type, const void *content, size_t len)
{
	char disposition[127];

	snprintf(disposition, sizeof(disposition), "attachment; filename=\"%.80s\"",
	    strchr(filename, '"') ? "attachment" : filename);
	request_add_header(r, "Content-Disposition", disposition);
	request_add_header(r, "X-Content-Type-Options", "nosniff");
	request_reply_data(r, 200, content_type, content, len);
}

void
attachment_http_created(struct api_request *r, int64_t id,
    const struct attachment_upload *up)
{
	resource_reply(r, 201, json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)id,
	    "filename", up->filename, "content_type", up->content_type, "size",
	    (json_int_t)up->len));
}

int
attachment_http_param(struct api_request *r, int64_t *id)
{
	const char *s = request_param(r, "attachment");
	char *end;
	long long v = s != NULL ? strtoll(s, &end, 10) : 0;

	if (s == NULL || *end != '\0' || v <= 0) {
		request_reply_error(r, 404, "not_found", "no such attachment");
		return (-1);
	}
	*id = (int64_t)v;
	return (0);
}
