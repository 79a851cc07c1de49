#ifndef FAIRRATE_API_ATTACHMENT_HTTP_H
#define FAIRRATE_API_ATTACHMENT_HTTP_H

#include <stddef.h>
#include <stdint.h>

/*
 * Documents over HTTP, for every route that takes or gives one (dispute and
 * disclosure attachments): an upload is a JSON body {filename, content_type,
 * content_base64} judged by the rules of common/attachment.h; a download is the
 * file itself, never rendered by the browser.
 */

struct api_request;

struct attachment_upload {
	const char *filename;          /* borrowed from the request's body */
	const char *content_type;      /* borrowed */
	unsigned char *data;           /* decoded; the caller free()s it */
	size_t len;
};

/* attachment_http_read: read the upload of the request's JSON body into *up. 0, or
 * -1 after answering: 400 (missing_field, invalid_field, field_too_long,
 * invalid_attachment for a filename that is not 1 to ATTACHMENT_FILENAME_MAX
 * characters without '/', '\' or control characters), 415
 * unsupported_attachment_type, 413 attachment_too_large (past ATTACHMENT_MAX), 500. */
int attachment_http_read(struct api_request *r, struct attachment_upload *up);

/* attachment_http_created: answer 201 {id, filename, content_type, size} for the
 * upload up stored as attachment id. */
void attachment_http_created(struct api_request *r, int64_t id,
    const struct attachment_upload *up);

/* attachment_http_param: the {attachment} path parameter into *id; 0, or -1 after
 * answering 404 when it is no positive number. */
int attachment_http_param(struct api_request *r, int64_t *id);

/* attachment_http_reply: answer 200 with len bytes of content as content_type, to be
 * saved as filename (Content-Disposition) and not sniffed. */
void attachment_http_reply(struct api_request *r, const char *filename,
    const char *content_type, const void *content, size_t len);

#endif
