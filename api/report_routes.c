/* The one-page report (report/report.h): GET /v1/me/report.pdf and /v1/me/report (the
 * same content as JSON, for the printable portal page) for a company key's own
 * company; GET /v1/staff/companies/{slug}/report.pdf for staff and any company. The
 * language is ?lang= (ja, en), else the Accept-Language header, else English. */
#include <stdio.h>
#include <string.h>

#include "api/request.h"
#include "api/resource.h"
#include "api/routes.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "rater/rating_store.h"
#include "report/report_pdf.h"
#include "report/report_store.h"

#define REPORT_PDF_MAX (8 * 1024 * 1024)

/* The request's catalogue: ?lang=, else Accept-Language; 0, or -1 after answering. */
static int
report_lang(struct api_request *r, struct i18n *cat)
{
	char err[300];
	int rc = i18n_open(cat, request_query(r, "lang"),
	    request_header(r, "Accept-Language"), err, sizeof(err));

	if (rc > 0)
		request_reply_error(r, 400, "bad_lang", "lang must be ja or en");
	else if (rc < 0) {
		log_error("report: %s", err);
		request_reply_error(r, 500, "internal_error", "the message catalogue is broken");
	}
	return (rc == 0 ? 0 : -1);
}

static void
report_reply(struct api_request *r, PGconn *db, int64_t id, int pdf)
{
	struct report rep;
	struct i18n cat;
	char disp[160];
	struct buf out;
	int rc;

	if (report_lang(r, &cat) != 0)
		return;
	rc = report_store_load(db, id, timefmt_now(), &rep);
	if (rc < 0)
		resource_db_failed(r, "cannot gather the report");
	else if (rc == 0)
		request_reply_error(r, 404, "not_rated", "the company has no rating yet");
	else if (!pdf)
		resource_reply(r, 200, report_json(&rep, &cat));
	else {
		buf_init(&out, REPORT_PDF_MAX);
		if (report_pdf_render(&rep, &cat, &out) != 0)
			request_reply_error(r, 500, "internal_error", "cannot draw the report");
		else {
			snprintf(disp, sizeof(disp), "inline; filename=\"fairrate-%s.pdf\"",
			    rep.slug);
			(void)request_add_header(r, "Content-Disposition", disp);
			(void)request_add_header(r, "Content-Language", cat.lang);
			/* Its language follows Accept-Language when ?lang= is absent. */
			(void)request_add_header(r, "Vary", "Accept-Language");
			request_reply_data(r, 200, "application/pdf", out.data, out.len);
		}
		buf_free(&out);
	}
	report_free(&rep);
	i18n_free(&cat);
}

void
report_routes_me_pdf(struct api_request *r)
{
	PGconn *db;

	if ((db = request_db(r)) != NULL)
		report_reply(r, db, request_principal(r)->company_id, 1);
}

void
report_routes_me_json(struct api_request *r)
{
	PGconn *db;

	if ((db = request_db(r)) != NULL)
		report_reply(r, db, request_principal(r)->company_id, 0);
}

void
report_routes_staff_pdf(struct api_request *r)
{
	int64_t id;
	PGconn *db;
	int rc;

	if ((db = request_db(r)) == NULL)
		return;
	if ((rc = rating_store_company_id(db, request_param(r, "slug"), &id)) < 0)
		resource_db_failed(r, "cannot find the company");
	else if (rc == 1)
		request_reply_error(r, 404, "not_found", "no company has that slug");
	else
		report_reply(r, db, id, 1);
}
