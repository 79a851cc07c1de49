#ifndef FAIRRATE_API_ROUTES_H
#define FAIRRATE_API_ROUTES_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "api/router.h"

/*
 * The API's route table (api/routes.c) and the handlers of each resource group
 * (api/<group>_routes.c). Adding a route: write its handler in the group's file,
 * declare it below, and add one line to the table. A group whose handlers run prepared
 * statements registers them in its *_register function, called from routes_register.
 */

struct api_request;
struct db_pool;

/* routes_table: the table and its length (*n). Static; never NULL. */
const struct router_route *routes_table(size_t *n);

/* routes_batch: route's batch read (api/router.h), or NULL when it has none. */
router_batch routes_batch(const struct router_route *route);

/* routes_register: register every group's prepared statements with pool. 0 or -1. */
int routes_register(struct db_pool *pool);

/* api/health_routes.c: the public operational routes. */
int health_routes_register(struct db_pool *pool);
void health_routes_healthz(struct api_request *r);
void health_routes_readyz(struct api_request *r);
void health_routes_metrics(struct api_request *r);
void health_routes_openapi(struct api_request *r);
void health_routes_methodology_document(struct api_request *r);

/* api/keys_routes.c: API keys, for admins. */
void keys_routes_list(struct api_request *r);
void keys_routes_create(struct api_request *r);
void keys_routes_revoke(struct api_request *r);

/* api/methodology_routes.c, api/transparency_routes.c: what is public. */
int methodology_routes_register(struct db_pool *pool);
void methodology_routes_current(struct api_request *r);
void methodology_routes_versions(struct api_request *r);
void methodology_routes_version(struct api_request *r);
void methodology_routes_validation(struct api_request *r);
void transparency_routes_coverage(struct api_request *r);

/* api/company_routes.c, api/sector_routes.c: companies and sectors, for investors. */
int company_routes_register(struct db_pool *pool);
void company_routes_search(struct api_request *r);
void company_routes_get(struct api_request *r);
/* Its batch read (api/router.h): the stored summaries of several lookups in one
 * statement. */
void company_routes_get_batch(struct api_request *const *reqs, size_t n, PGconn *db);
void company_routes_history(struct api_request *r);
void company_routes_peers(struct api_request *r);
/* The same answers for company id, for the company itself (me_routes.c): own lets a
 * private company see where it stands among the public ones. */
void company_routes_history_of(struct api_request *r, PGconn *db, int64_t id);
void company_routes_peers_of(struct api_request *r, PGconn *db, int64_t id,
    const char *slug, int own);
void company_routes_lookup(struct api_request *r);
void sector_routes_list(struct api_request *r);
void sector_routes_distribution(struct api_request *r);

/* api/portfolio_routes.c: investors' portfolios, each owned by the key that made it. */
int portfolio_routes_register(struct db_pool *pool);
void portfolio_routes_list(struct api_request *r);
void portfolio_routes_create(struct api_request *r);
void portfolio_routes_get(struct api_request *r);
void portfolio_routes_delete(struct api_request *r);
void portfolio_routes_add(struct api_request *r);
void portfolio_routes_remove(struct api_request *r);
void portfolio_routes_ratings(struct api_request *r);
void portfolio_routes_summary(struct api_request *r);

/* api/me_routes.c: a company key's own company. */
int me_routes_register(struct db_pool *pool);
void me_routes_me(struct api_request *r);
void me_routes_rating(struct api_request *r);
void me_routes_evidence(struct api_request *r);
void me_routes_assets(struct api_request *r);

/* api/candidate_routes.c: the asset candidates fairrate discover found. */
void candidate_routes_list(struct api_request *r);
void candidate_routes_confirm(struct api_request *r);
void candidate_routes_reject(struct api_request *r);
void me_routes_history(struct api_request *r);
void me_routes_peers(struct api_request *r);
/* me_routes_rating_of, me_routes_evidence_of: the same answers for company_id, on
 * db (a connection of r) for the rating; 0 for evidence: the key's own company. For
 * the counterparts a company shares them with (api/share_routes.c). */
void me_routes_rating_of(struct api_request *r, PGconn *db, int64_t company_id);
void me_routes_evidence_of(struct api_request *r, int64_t company_id);

/* api/claim_routes.c: profile claims by domain control (public), their confirmation
 * by the company (company keys) and by staff. */
void claim_routes_create(struct api_request *r);
void claim_routes_verify(struct api_request *r);
void claim_routes_get(struct api_request *r);
void claim_routes_me_list(struct api_request *r);
void claim_routes_me_decision(struct api_request *r);
void claim_routes_staff_list(struct api_request *r);
void claim_routes_staff_decision(struct api_request *r);

/* api/dispute_routes.c: a company key's disputes. */
void dispute_routes_list(struct api_request *r);
void dispute_routes_open(struct api_request *r);
void dispute_routes_get(struct api_request *r);
void dispute_routes_comment(struct api_request *r);
void dispute_routes_attach(struct api_request *r);
void dispute_routes_attachment(struct api_request *r);
void dispute_routes_appeal(struct api_request *r);
void dispute_routes_withdraw(struct api_request *r);

/* api/staff_dispute_routes.c: the staff side of disputes, the audit log (admin) and
 * the public dispute statistics. */
void staff_dispute_routes_queue(struct api_request *r);
void staff_dispute_routes_get(struct api_request *r);
void staff_dispute_routes_evidence(struct api_request *r);
void staff_dispute_routes_assign(struct api_request *r);
void staff_dispute_routes_comment(struct api_request *r);
void staff_dispute_routes_request_info(struct api_request *r);
void staff_dispute_routes_decision(struct api_request *r);
void staff_dispute_routes_attachment(struct api_request *r);
void staff_dispute_routes_audit(struct api_request *r);
void staff_dispute_routes_transparency(struct api_request *r);

/* api/disclosure_routes.c: governance disclosures: a company key's own, the staff
 * queue and decisions, each item's status for investors, and the public sector
 * comparison. */
void disclosure_routes_me_list(struct api_request *r);
void disclosure_routes_me_submit(struct api_request *r);
void disclosure_routes_me_get(struct api_request *r);
void disclosure_routes_me_withdraw(struct api_request *r);
void disclosure_routes_transparency(struct api_request *r);
void disclosure_routes_me_attach(struct api_request *r);
void disclosure_routes_attachment(struct api_request *r);
void disclosure_routes_company(struct api_request *r);
void disclosure_routes_sector(struct api_request *r);
void disclosure_routes_staff_queue(struct api_request *r);
void disclosure_routes_staff_get(struct api_request *r);
void disclosure_routes_staff_decision(struct api_request *r);

/* api/profile_routes.c: a company's public page, its setting for the company key. */
void profile_routes_me_get(struct api_request *r);
void profile_routes_me_put(struct api_request *r);
void profile_routes_public(struct api_request *r);

/* api/share_routes.c: second-party sharing: a company key's grants and the reads
 * made under them; a grantee's reads of what it was granted. */
void share_routes_me_list(struct api_request *r);
void share_routes_me_create(struct api_request *r);
void share_routes_me_get(struct api_request *r);
void share_routes_me_revoke(struct api_request *r);
void share_routes_me_reads(struct api_request *r);
void share_routes_received(struct api_request *r);
void share_routes_evidence(struct api_request *r);
void share_routes_rating(struct api_request *r);
void share_routes_disputes(struct api_request *r);

/* api/webhook_routes.c: company and portfolio webhooks. */
void webhook_routes_get(struct api_request *r);
void webhook_routes_put(struct api_request *r);
void webhook_routes_delete(struct api_request *r);

/* api/methodology_draft_routes.c, api/projection_routes.c: methodology governance. */
void methodology_draft_routes_list(struct api_request *r);
void methodology_draft_routes_create(struct api_request *r);
void methodology_draft_routes_get(struct api_request *r);
void methodology_draft_routes_update(struct api_request *r);
void methodology_draft_routes_preview(struct api_request *r);
void methodology_draft_routes_impact(struct api_request *r);
void methodology_draft_routes_publish(struct api_request *r);
void projection_routes_me(struct api_request *r);

/* api/plan_routes.c: a plan to a target grade (rater/plan.h). */
void plan_routes_me(struct api_request *r);
void plan_routes_staff(struct api_request *r);

/* api/report_routes.c: the one-page report (report/report.h). */
void report_routes_me_pdf(struct api_request *r);
void report_routes_me_json(struct api_request *r);
void report_routes_staff_pdf(struct api_request *r);

/* api/portal_routes.c: the web portal's page (for each of its own client-side routes)
 * and its static files from portal/ (api/portal_files.h says which are served). */
void portal_routes_page(struct api_request *r);
void portal_routes_file(struct api_request *r);
/* GET /portal/i18n/{lang}: the portal's texts in lang (en, ja) as JSON, read from
 * po/portal-<lang>.po, po/<lang>.po and methodology/i18n/<lang>.po on each request. */
void portal_routes_messages(struct api_request *r);

#endif
