#include "api/resource.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/paging.h"
#include "api/request.h"
#include "api/router.h"
#include "common/buf.h"

void
resource_reply(struct api_request *r, unsigned status, json_t *v)
{
	if (v == NULL) {
		request_reply_error(r, 500, "internal_error", "cannot build the response");
		return;
	}
	request_reply_json(r, status, v);
}

int
resource_paging(struct api_request *r, unsigned *limit, char *position, size_t posn)
{
	const char *c = request_query(r, "cursor");
	enum paging_cursor_result rc;

	if (paging_limit(request_query(r, "limit"), limit) != 0) {
		request_reply_error(r, 400, "invalid_limit",
		    "limit must be an integer from 1 to %d", PAGING_MAX_LIMIT);
		return (-1);
	}
	position[0] = '\0';
	if (c == NULL)
		return (0);
	rc = paging_cursor_decode(r->path, r->who.key_id, c, position, posn);
	if (rc == PAGING_CURSOR_FOREIGN) {
		position[0] = '\0';
		request_reply_error(r, 400, "bad_cursor",
		    "the cursor belongs to another list or another API key");
		return (-1);
	}
	if (rc != PAGING_CURSOR_OK) {
		position[0] = '\0';
		request_reply_error(r, 400, "invalid_cursor", "the cursor is not valid");
		return (-1);
	}
	return (0);
}

int
resource_cursor(struct api_request *r, const char *position, char *out, size_t outn)
{
	return (paging_cursor_encode(r->path, r->who.key_id, position, out, outn));
}

int
resource_position_id(struct api_request *r, const char *position, int64_t dflt,
    int64_t *id)
{
	char *end;

	if (position[0] == '\0') {
		*id = dflt;
		return (0);
	}
	*id = strtoll(position, &end, 10);
	if (*end != '\0' || *id <= 0 || strlen(position) > 18) {
		request_reply_error(r, 400, "invalid_cursor", "the cursor is not valid");
		return (-1);
	}
	return (0);
}

int
resource_id_page(struct api_request *r, unsigned *limit, int64_t *after, PGconn **db)
{
	char position[PAGING_POSITION_MAX + 1];

	if (resource_paging(r, limit, position, sizeof(position)) != 0 ||
	    resource_position_id(r, position, 0, after) != 0 || (*db = request_db(r)) == NULL)
		return (-1);
	return (0);
}

int
resource_position_slug(struct api_request *r, const char *position)
{
	if (position[0] != '\0' && !router_param_valid("slug", position)) {
		request_reply_error(r, 400, "invalid_cursor", "the cursor is not valid");
		return (-1);
	}
	return (0);
}

void
resource_reply_page(struct api_request *r, json_t *items, unsigned limit,
    const char *field)
{
	char position[PAGING_POSITION_MAX + 1], cursor[PAGING_CURSOR_MAX];
	json_t *next = json_null(), *v;

	if (items == NULL) {
		resource_db_failed(r, "cannot build the page");
		return;
	}
	if (json_array_size(items) > limit) {
		json_array_remove(items, limit);
		v = json_object_get(json_array_get(items, limit - 1), field);
		if (json_is_integer(v))
			snprintf(position, sizeof(position), "%lld",
			    (long long)json_integer_value(v));
		else
			snprintf(position, sizeof(position), "%s",
			    json_is_string(v) ? json_string_value(v) : "");
		if (position[0] == '\0' ||
		    resource_cursor(r, position, cursor, sizeof(cursor)) != 0) {
			json_decref(items);
			request_reply_error(r, 500, "internal_error", "cannot make a cursor");
			return;
		}
		next = json_string(cursor);
	}
	resource_reply(r, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor", next));
}

void
resource_db_failed(struct api_request *r, const char *message)
{
	if (r->db != NULL && PQstatus(r->db) != CONNECTION_OK)
		request_reply_error(r, 503, "database_unavailable",
		    "the database connection was lost");
	else
		request_reply_error(r, 500, "internal_error", "%s", message);
}

/* One CSV field (RFC 4180); text that a spreadsheet would run as a formula gets a
 * leading apostrophe. */
static int
resource_csv_field(struct buf *b, const char *s, int last)
{
	const char *p;
	int rc = 0;

	if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')
		rc |= buf_append(b, "'", 1);
	if (strpbrk(s, ",\"\r\n") == NULL)
		rc |= buf_append(b, s, strlen(s));
	else {
		rc |= buf_append(b, "\"", 1);
		for (p = s; *p != '\0'; p++)
			rc |= *p == '"' ? buf_append(b, "\"\"", 2) : buf_append(b, p, 1);
		rc |= buf_append(b, "\"", 1);
	}
	rc |= buf_append(b, last ? "\r\n" : ",", last ? 2 : 1);
	return (rc ? -1 : 0);
}

/* Member col of item ("a.b": member b of member a), as CSV text; *dumped is set to
 * text to free. */
static const char *
resource_csv_text(const json_t *item, const char *col, char *tmp, size_t n, char **dumped)
{
	const char *dot = strchr(col, '.');
	char head[64];
	const json_t *v;

	*dumped = NULL;
	if (dot != NULL && (size_t)(dot - col) < sizeof(head)) {
		snprintf(head, sizeof(head), "%.*s", (int)(dot - col), col);
		v = json_object_get(json_object_get(item, head), dot + 1);
	} else
		v = json_object_get(item, col);
	tmp[0] = '\0';
	if (json_is_string(v))
		return (json_string_value(v));
	if (json_is_real(v))
		snprintf(tmp, n, "%.1f", json_real_value(v));
	else if (json_is_integer(v))
		snprintf(tmp, n, "%lld", (long long)json_integer_value(v));
	else if (json_is_boolean(v))
		snprintf(tmp, n, "%s", json_is_true(v) ? "true" : "false");
	else if (json_is_object(v) || json_is_array(v))
		return ((*dumped = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS)) != NULL ?
		    *dumped : "");
	return (tmp);
}

void
resource_reply_csv(struct api_request *r, json_t *items, const char *const *cols,
    size_t ncols, size_t max)
{
	struct buf b;
	char tmp[64], *dumped;
	json_t *item;
	size_t i, c;
	int bad = 0;

	buf_init(&b, max);
	for (c = 0; c < ncols; c++)
		bad |= resource_csv_field(&b, cols[c], c + 1 == ncols);
	json_array_foreach(items, i, item)
		for (c = 0; c < ncols && !bad; c++) {
			bad |= resource_csv_field(&b, resource_csv_text(item, cols[c], tmp,
			    sizeof(tmp), &dumped), c + 1 == ncols);
			free(dumped);
		}
	if (bad)
		request_reply_error(r, 500, "internal_error", "the CSV export does not fit");
	else
		request_reply_data(r, 200, "text/csv; charset=utf-8; header=present", b.data,
		    b.len);
	buf_free(&b);
	json_decref(items);
}
