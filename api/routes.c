#include "api/routes.h"

#include "api/auth.h"

#define PUBLIC AUTH_ROLE_PUBLIC
#define ADMIN AUTH_ROLE_ADMIN
#define INVESTORS AUTH_ROLES_INVESTOR
#define COMPANY AUTH_ROLE_COMPANY
#define STAFF AUTH_ROLES_STAFF

/* One line a route: method, pattern, roles, flags, accepted query parameters, handler.
 * docs/openapi.yaml documents each of them. */
static const struct router_route routes[] = {
	{"GET", "/healthz", PUBLIC, ROUTER_UNLIMITED, NULL, health_routes_healthz},
	{"GET", "/readyz", PUBLIC, ROUTER_UNLIMITED, NULL, health_routes_readyz},
	{"GET", "/metrics", PUBLIC, ROUTER_UNLIMITED, NULL, health_routes_metrics},
	{"GET", "/v1/openapi.yaml", PUBLIC, 0, NULL, health_routes_openapi},
	{"GET", "/v1/staff/keys", ADMIN, 0, "limit,cursor", keys_routes_list},
	{"POST", "/v1/staff/keys", ADMIN, ROUTER_JSON_BODY, NULL, keys_routes_create},
	{"DELETE", "/v1/staff/keys/{id}", ADMIN, 0, NULL, keys_routes_revoke},
	{"GET", "/v1/methodology", PUBLIC, 0, NULL, methodology_routes_current},
	{"GET", "/v1/methodology/versions", PUBLIC, 0, NULL, methodology_routes_versions},
	{"GET", "/v1/methodology/document", PUBLIC, 0, NULL,
	    health_routes_methodology_document},
	{"GET", "/v1/methodology/versions/{version}", PUBLIC, 0, NULL,
	    methodology_routes_version},
	{"GET", "/v1/methodology/versions/{version}/validation", PUBLIC, 0, NULL,
	    methodology_routes_validation},
	{"GET", "/v1/transparency", PUBLIC, 0, NULL, transparency_routes_coverage},
	{"GET", "/v1/companies", INVESTORS, 0, "q,domain,sector,grade,limit,cursor",
	    company_routes_search},
	{"POST", "/v1/companies/lookup", INVESTORS, ROUTER_JSON_BODY, NULL,
	    company_routes_lookup},
	{"GET", "/v1/companies/{slug}", INVESTORS, 0, NULL, company_routes_get},
	{"GET", "/v1/companies/{slug}/history", INVESTORS, 0, "limit,cursor",
	    company_routes_history},
	{"GET", "/v1/companies/{slug}/peers", INVESTORS, 0, NULL, company_routes_peers},
	{"GET", "/v1/sectors", INVESTORS, 0, NULL, sector_routes_list},
	{"GET", "/v1/sectors/{sector}/distribution", INVESTORS, 0, NULL,
	    sector_routes_distribution},
	{"GET", "/v1/portfolios", INVESTORS, 0, "limit,cursor", portfolio_routes_list},
	{"POST", "/v1/portfolios", INVESTORS, ROUTER_JSON_BODY, NULL, portfolio_routes_create},
	{"GET", "/v1/portfolios/{id}", INVESTORS, 0, NULL, portfolio_routes_get},
	{"DELETE", "/v1/portfolios/{id}", INVESTORS, 0, NULL, portfolio_routes_delete},
	{"PUT", "/v1/portfolios/{id}/companies/{slug}", INVESTORS, 0, NULL,
	    portfolio_routes_add},
	{"DELETE", "/v1/portfolios/{id}/companies/{slug}", INVESTORS, 0, NULL,
	    portfolio_routes_remove},
	{"GET", "/v1/portfolios/{id}/ratings", INVESTORS, 0, "format,limit,cursor",
	    portfolio_routes_ratings},
	{"GET", "/v1/portfolios/{id}/summary", INVESTORS, 0, NULL, portfolio_routes_summary},
	{"GET", "/v1/me", COMPANY, 0, NULL, me_routes_me},
	{"GET", "/v1/me/rating", COMPANY, 0, NULL, me_routes_rating},
	{"GET", "/v1/me/evidence", COMPANY, 0, "status,factor,outcome,format,limit,cursor",
	    me_routes_evidence},
	{"GET", "/v1/me/assets", COMPANY, 0, "limit,cursor", me_routes_assets},
	{"GET", "/v1/me/asset-candidates", COMPANY, 0, "limit,cursor", candidate_routes_list},
	{"POST", "/v1/me/asset-candidates/{id}/confirm", COMPANY, ROUTER_JSON_BODY, NULL,
	    candidate_routes_confirm},
	{"POST", "/v1/me/asset-candidates/{id}/reject", COMPANY, ROUTER_JSON_BODY, NULL,
	    candidate_routes_reject},
	{"GET", "/v1/me/history", COMPANY, 0, "limit,cursor", me_routes_history},
	{"GET", "/v1/me/peers", COMPANY, 0, NULL, me_routes_peers},
	{"GET", "/v1/transparency/disputes", PUBLIC, 0, NULL,
	    staff_dispute_routes_transparency},
	{"GET", "/v1/transparency/disclosures", PUBLIC, 0, NULL,
	    disclosure_routes_transparency},
	{"POST", "/v1/claims", PUBLIC, ROUTER_JSON_BODY, NULL, claim_routes_create},
	{"POST", "/v1/claims/{id}/verify", PUBLIC, ROUTER_JSON_BODY, NULL,
	    claim_routes_verify},
	{"GET", "/v1/claims/{id}", PUBLIC, 0, NULL, claim_routes_get},
	{"GET", "/v1/me/claims", COMPANY, 0, "state,limit,cursor", claim_routes_me_list},
	{"POST", "/v1/me/claims/{id}/decision", COMPANY, ROUTER_JSON_BODY, NULL,
	    claim_routes_me_decision},
	{"GET", "/v1/staff/claims", STAFF, 0, "state,limit,cursor", claim_routes_staff_list},
	{"POST", "/v1/staff/claims/{id}/decision", STAFF, ROUTER_JSON_BODY, NULL,
	    claim_routes_staff_decision},
	{"GET", "/v1/me/disputes", COMPANY, 0, "limit,cursor", dispute_routes_list},
	{"POST", "/v1/me/disputes", COMPANY, ROUTER_JSON_BODY, NULL, dispute_routes_open},
	{"GET", "/v1/me/disputes/{id}", COMPANY, 0, NULL, dispute_routes_get},
	{"POST", "/v1/me/disputes/{id}/comments", COMPANY, ROUTER_JSON_BODY, NULL,
	    dispute_routes_comment},
	{"POST", "/v1/me/disputes/{id}/attachments", COMPANY, ROUTER_JSON_BODY, NULL,
	    dispute_routes_attach},
	{"GET", "/v1/me/disputes/{id}/attachments/{attachment}", COMPANY, 0, NULL,
	    dispute_routes_attachment},
	{"POST", "/v1/me/disputes/{id}/withdraw", COMPANY, ROUTER_JSON_BODY, NULL,
	    dispute_routes_withdraw},
	{"POST", "/v1/me/disputes/{id}/appeal", COMPANY, ROUTER_JSON_BODY, NULL,
	    dispute_routes_appeal},
	{"GET", "/v1/me/disclosures", COMPANY, 0, "status,limit,cursor",
	    disclosure_routes_me_list},
	{"POST", "/v1/me/disclosures", COMPANY, ROUTER_JSON_BODY, NULL,
	    disclosure_routes_me_submit},
	{"GET", "/v1/me/disclosures/{id}", COMPANY, 0, NULL, disclosure_routes_me_get},
	{"POST", "/v1/me/disclosures/{id}/withdraw", COMPANY, 0, NULL,
	    disclosure_routes_me_withdraw},
	{"POST", "/v1/me/disclosures/{id}/attachments", COMPANY, ROUTER_JSON_BODY, NULL,
	    disclosure_routes_me_attach},
	{"GET", "/v1/me/disclosures/{id}/attachments/{attachment}", COMPANY, 0, NULL,
	    disclosure_routes_attachment},
	{"GET", "/v1/companies/{slug}/disclosures", INVESTORS, 0, NULL,
	    disclosure_routes_company},
	{"GET", "/v1/staff/disclosures", STAFF, 0, "status,overdue,limit,cursor",
	    disclosure_routes_staff_queue},
	{"GET", "/v1/staff/disclosures/{id}", STAFF, 0, NULL, disclosure_routes_staff_get},
	{"GET", "/v1/staff/disclosures/{id}/attachments/{attachment}", STAFF, 0, NULL,
	    disclosure_routes_attachment},
	{"POST", "/v1/staff/disclosures/{id}/decision", STAFF, ROUTER_JSON_BODY, NULL,
	    disclosure_routes_staff_decision},
	{"GET", "/v1/me/profile", COMPANY, 0, NULL, profile_routes_me_get},
	{"PUT", "/v1/me/profile", COMPANY, ROUTER_JSON_BODY, NULL, profile_routes_me_put},
	{"GET", "/v1/public/companies/{slug}", PUBLIC, 0, NULL, profile_routes_public},
	{"GET", "/v1/public/sectors/{sector}/disclosures", PUBLIC, 0, NULL,
	    disclosure_routes_sector},
	{"GET", "/v1/me/grants", COMPANY, 0, "limit,cursor", share_routes_me_list},
	{"POST", "/v1/me/grants", COMPANY, ROUTER_JSON_BODY, NULL, share_routes_me_create},
	{"GET", "/v1/me/grants/{id}", COMPANY, 0, NULL, share_routes_me_get},
	{"DELETE", "/v1/me/grants/{id}", COMPANY, 0, NULL, share_routes_me_revoke},
	{"GET", "/v1/me/grants/{id}/reads", COMPANY, 0, "limit,cursor",
	    share_routes_me_reads},
	{"GET", "/v1/shared", INVESTORS | COMPANY, 0, NULL, share_routes_received},
	{"GET", "/v1/shared/{slug}/evidence", INVESTORS | COMPANY, 0,
	    "status,factor,outcome,format,limit,cursor", share_routes_evidence},
	{"GET", "/v1/shared/{slug}/rating", INVESTORS | COMPANY, 0, NULL,
	    share_routes_rating},
	{"GET", "/v1/shared/{slug}/disputes", INVESTORS | COMPANY, 0, "limit,cursor",
	    share_routes_disputes},
	{"GET", "/v1/me/webhook", COMPANY, 0, NULL, webhook_routes_get},
	{"PUT", "/v1/me/webhook", COMPANY, ROUTER_JSON_BODY, NULL, webhook_routes_put},
	{"DELETE", "/v1/me/webhook", COMPANY, 0, NULL, webhook_routes_delete},
	{"GET", "/v1/portfolios/{id}/webhook", INVESTORS, 0, NULL, webhook_routes_get},
	{"PUT", "/v1/portfolios/{id}/webhook", INVESTORS, ROUTER_JSON_BODY, NULL,
	    webhook_routes_put},
	{"DELETE", "/v1/portfolios/{id}/webhook", INVESTORS, 0, NULL, webhook_routes_delete},
	{"GET", "/v1/staff/disputes", STAFF, 0,
	    "status,overdue,assignee,min_age_days,limit,cursor", staff_dispute_routes_queue},
	{"GET", "/v1/staff/disputes/{id}", STAFF, 0, NULL, staff_dispute_routes_get},
	{"GET", "/v1/staff/disputes/{id}/evidence", STAFF, 0, NULL,
	    staff_dispute_routes_evidence},
	{"POST", "/v1/staff/disputes/{id}/assign", STAFF, ROUTER_JSON_BODY, NULL,
	    staff_dispute_routes_assign},
	{"POST", "/v1/staff/disputes/{id}/comments", STAFF, ROUTER_JSON_BODY, NULL,
	    staff_dispute_routes_comment},
	{"POST", "/v1/staff/disputes/{id}/request-info", STAFF, ROUTER_JSON_BODY, NULL,
	    staff_dispute_routes_request_info},
	{"POST", "/v1/staff/disputes/{id}/decision", STAFF, ROUTER_JSON_BODY, NULL,
	    staff_dispute_routes_decision},
	{"GET", "/v1/staff/disputes/{id}/attachments/{attachment}", STAFF, 0, NULL,
	    staff_dispute_routes_attachment},
	{"GET", "/v1/staff/audit", ADMIN, 0, "action,limit,cursor", staff_dispute_routes_audit},
	{"GET", "/v1/staff/methodology/drafts", AUTH_ROLES_STAFF, 0, NULL,
	    methodology_draft_routes_list},
	{"POST", "/v1/staff/methodology/drafts", ADMIN, ROUTER_JSON_BODY, NULL,
	    methodology_draft_routes_create},
	{"GET", "/v1/staff/methodology/drafts/{version}", ADMIN, 0, NULL,
	    methodology_draft_routes_get},
	{"PUT", "/v1/staff/methodology/drafts/{version}", ADMIN, ROUTER_JSON_BODY, NULL,
	    methodology_draft_routes_update},
	{"POST", "/v1/staff/methodology/drafts/{version}/preview", ADMIN, 0, NULL,
	    methodology_draft_routes_preview},
	{"GET", "/v1/staff/methodology/drafts/{version}/impact", AUTH_ROLES_STAFF, 0, NULL,
	    methodology_draft_routes_impact},
	{"POST", "/v1/staff/methodology/drafts/{version}/publish", ADMIN, ROUTER_JSON_BODY,
	    NULL, methodology_draft_routes_publish},
	{"GET", "/v1/me/projection", COMPANY, 0, NULL, projection_routes_me},
	{"GET", "/v1/me/plan", COMPANY, 0, "target", plan_routes_me},
	{"GET", "/v1/staff/companies/{slug}/plan", STAFF, 0, "target", plan_routes_staff},
	{"GET", "/v1/me/report", COMPANY, 0, "lang", report_routes_me_json},
	{"GET", "/v1/me/report.pdf", COMPANY, 0, "lang", report_routes_me_pdf},
	{"GET", "/v1/staff/companies/{slug}/report.pdf", STAFF, 0, "lang",
	    report_routes_staff_pdf},
	{"GET", "/", PUBLIC, ROUTER_UNLIMITED, "lang", portal_routes_page},
	{"GET", "/portal", PUBLIC, ROUTER_UNLIMITED, "lang", portal_routes_page},
	{"GET", "/portal/investor", PUBLIC, ROUTER_UNLIMITED, "lang", portal_routes_page},
	{"GET", "/portal/investor/{slug}", PUBLIC, ROUTER_UNLIMITED, "lang", portal_routes_page},
	{"GET", "/portal/company", PUBLIC, ROUTER_UNLIMITED, "lang", portal_routes_page},
	{"GET", "/portal/company/report", PUBLIC, ROUTER_UNLIMITED, "lang", portal_routes_page},
	{"GET", "/portal/staff", PUBLIC, ROUTER_UNLIMITED, "lang", portal_routes_page},
	{"GET", "/portal/staff/disputes/{id}", PUBLIC, ROUTER_UNLIMITED, "lang",
	    portal_routes_page},
	{"GET", "/portal/public/{slug}", PUBLIC, ROUTER_UNLIMITED, "lang", portal_routes_page},
	{"GET", "/portal/staff/drafts/{version}", PUBLIC, ROUTER_UNLIMITED, "lang",
	    portal_routes_page},
	{"GET", "/portal/staff/methodology", PUBLIC, ROUTER_UNLIMITED, "lang",
	    portal_routes_page},
	{"GET", "/portal/staff/methodology/{version}", PUBLIC, ROUTER_UNLIMITED, "lang",
	    portal_routes_page},
	{"GET", "/portal/i18n/{lang}", PUBLIC, ROUTER_UNLIMITED, NULL, portal_routes_messages},
	{"GET", "/portal/{file}", PUBLIC, ROUTER_UNLIMITED, NULL, portal_routes_file},
};

/* The routes with a batch read, by handler. */
static const struct {
	router_handler handler;
	router_batch batch;
} routes_batches[] = {
	{company_routes_get, company_routes_get_batch},
};

router_batch
routes_batch(const struct router_route *route)
{
	size_t i;

	for (i = 0; i < sizeof(routes_batches) / sizeof(routes_batches[0]); i++)
		if (routes_batches[i].handler == route->handler)
			return (routes_batches[i].batch);
	return (NULL);
}

const struct router_route *
routes_table(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return (routes);
}

int
routes_register(struct db_pool *pool)
{
	if (health_routes_register(pool) != 0)
		return (-1);
	if (methodology_routes_register(pool) != 0 || company_routes_register(pool) != 0 ||
	    portfolio_routes_register(pool) != 0 || me_routes_register(pool) != 0)
		return (-1);
	return (0);
}
