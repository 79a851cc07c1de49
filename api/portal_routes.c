/* The web portal: static files from portal/ in the share folder, served under /portal/
 * and, for the page itself, under / and each of the portal's own client-side routes
 * (api/routes.c lists them). GET and HEAD only; files are read on each request, so a
 * new release of the portal needs no restart. */
#include <errno.h>
#include <jansson.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/portal_files.h"
#include "api/request.h"
#include "api/routes.h"
#include "api/resource.h"
#include "common/buf.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/paths.h"

#define PORTAL_FILE_MAX (2 * 1024 * 1024)
#define PORTAL_PAGE "index.html"
/* The page loads only its own scripts, styles and images, talks only to this server,
 * and may not be framed. */
#define PORTAL_CSP "default-src 'self'; img-src 'self' data:; object-src 'none'; " \
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

enum portal_read_result { PORTAL_READ_OK, PORTAL_READ_MISSING, PORTAL_READ_ERROR };

/* Read portal/name (a name portal_files_name_ok accepted) into out. A symbolic link,
 * a folder or a file past PORTAL_FILE_MAX is an error, logged here. */
static enum portal_read_result
portal_read(const char *name, struct buf *out)
{
	char rel[128], path[4096], chunk[16384];
	enum portal_read_result rc = PORTAL_READ_ERROR;
	struct stat st;
	ssize_t n;
	int fd = -1;

	if (snprintf(rel, sizeof(rel), "portal/%s", name) >= (int)sizeof(rel) ||
	    paths_join(path, sizeof(path), rel) != 0) {
		log_error("portal: the path of %s is too long", name);
		goto out;
	}
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			rc = PORTAL_READ_MISSING;
		else
			log_error("portal: cannot open %s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = PORTAL_READ_MISSING;
		goto out;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_error("portal: cannot read %s: %s", path, strerror(errno));
			goto out;
		}
		if (buf_append(out, chunk, (size_t)n) != 0) {
			log_error("portal: %s is larger than %d bytes", path, PORTAL_FILE_MAX);
			goto out;
		}
	}
	rc = PORTAL_READ_OK;
out:
	if (fd >= 0)
		close(fd);
	return (rc);
}

static void
portal_serve(struct api_request *r, const char *name)
{
	struct buf body;
	enum portal_read_result rc;
	const char *type;

	buf_init(&body, PORTAL_FILE_MAX);
	if (!portal_files_name_ok(name)) {
		request_reply_error(r, 404, "not_found", "no such file");
		goto out;
	}
	rc = portal_read(name, &body);
	if (rc == PORTAL_READ_MISSING) {
		request_reply_error(r, 404, "not_found", "no such file");
		goto out;
	}
	if (rc != PORTAL_READ_OK) {
		request_reply_error(r, 500, "internal_error", "cannot read the portal's files");
		goto out;
	}
	type = portal_files_content_type(name);
	if (request_add_header(r, "Cache-Control", portal_files_cache_control(name)) != 0 ||
	    request_add_header(r, "X-Content-Type-Options", "nosniff") != 0 ||
	    request_add_header(r, "Referrer-Policy", "no-referrer") != 0 ||
	    (strncmp(type, "text/html", 9) == 0 &&
	    request_add_header(r, "Content-Security-Policy", PORTAL_CSP) != 0)) {
		request_reply_error(r, 500, "internal_error", "cannot set the headers");
		goto out;
	}
	request_reply_data(r, 200, type, body.data ? body.data : "", body.len);
out:
	buf_free(&body);
}

void
portal_routes_page(struct api_request *r)
{
	portal_serve(r, PORTAL_PAGE);
}

void
portal_routes_file(struct api_request *r)
{
	const char *name = request_param(r, "file");

	portal_serve(r, name != NULL ? name : "");
}

/* The catalogue as JSON: {"lang", "messages": {msgid: text}, "contexts": {ctxt: {msgid:
 * text}}}; NULL when memory is short. */
static json_t *
portal_messages_json(const struct i18n *cat)
{
	json_t *o, *msgs, *ctxs, *c;
	const char *sep;
	char ctxt[64];
	size_t i;
	int bad = 0;

	o = json_pack("{s:s, s:{}, s:{}}", "lang", cat->lang, "messages", "contexts");
	if (o == NULL)
		return (NULL);
	msgs = json_object_get(o, "messages");
	ctxs = json_object_get(o, "contexts");
	for (i = 0; i < cat->n && !bad; i++) {
		const struct i18n_entry *e = &cat->entries[i];

		if ((sep = strchr(e->id, '\004')) == NULL) {
			bad = json_object_set_new(msgs, e->id, json_string(e->str)) != 0;
			continue;
		}
		snprintf(ctxt, sizeof(ctxt), "%.*s", (int)(sep - e->id), e->id);
		if ((c = json_object_get(ctxs, ctxt)) == NULL) {
			bad = (c = json_object()) == NULL || json_object_set_new(ctxs, ctxt, c) != 0;
			if (bad)
				break;
		}
		bad = json_object_set_new(c, sep + 1, json_string(e->str)) != 0;
	}
	if (bad) {
		json_decref(o);
		return (NULL);
	}
	return (o);
}

void
portal_routes_messages(struct api_request *r)
{
	const char *lang = request_param(r, "lang");
	struct i18n cat;
	char err[300];
	json_t *o;

	if (lang == NULL || (lang = i18n_lang(lang, NULL)) == NULL) {
		request_reply_error(r, 404, "not_found", "the portal speaks en and ja");
		return;
	}
	if (i18n_load_portal(&cat, lang, err, sizeof(err)) != 0) {
		log_error("portal: %s", err);
		request_reply_error(r, 500, "internal_error", "the message catalogue is broken");
		return;
	}
	if ((o = portal_messages_json(&cat)) == NULL)
		request_reply_error(r, 500, "internal_error", "out of memory");
	else if (request_add_header(r, "Cache-Control", "public, max-age=300") != 0 ||
	    request_add_header(r, "X-Content-Type-Options", "nosniff") != 0 ||
	    request_add_header(r, "Content-Language", cat.lang) != 0) {
		json_decref(o);
		request_reply_error(r, 500, "internal_error", "cannot set the headers");
	} else
		resource_reply(r, 200, o);
	i18n_free(&cat);
}
