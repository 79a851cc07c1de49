-- The schema distributable by company the way Citus requires (docs/operations.md
-- "Scaling out", the plan in docs/distribution.json, checked from the catalogue by
-- tests/integration/test_distribution.c). Every company-scoped table is distributed
-- by company_id (companies by id); the global ones (keys, portfolios, methodology,
-- feeds, webhooks, the audit log) are reference tables; a distributed table
--   - has its company column NOT NULL and in every primary key and unique index;
--   - refers to another distributed table with the company column on both sides;
-- and no reference table refers to a distributed one.
--
-- Nothing changes in what the rows mean: a table keyed by id alone is now keyed by
-- (id, company_id) (id first, so that a lookup by id is still one probe of the same
-- index); rows of a dispute or a disclosure (events, attachments) carry the company of
-- their parent; and the one global rule of companies, a unique slug, is kept by the
-- reference table company_slugs.

-- 1. Slugs. companies.slug keeps a plain index (lookups by slug, the listing in slug
-- order: one probe as before); its uniqueness moves to company_slugs, kept by the
-- triggers below in the statement that changes companies. The global tables that
-- name a company (keys, claims, webhooks, the audit log, a grant's grantee, a
-- subscription) refer to it there, so deleting a company still removes or clears them.
CREATE TABLE company_slugs (
    slug text PRIMARY KEY,
    company_id bigint NOT NULL UNIQUE
);
INSERT INTO company_slugs (slug, company_id) SELECT slug, id FROM companies;

CREATE FUNCTION company_slugs_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO company_slugs (slug, company_id) SELECT slug, id FROM new_rows;
    RETURN NULL;
END $$;

CREATE FUNCTION company_slugs_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
               WHERE n.slug <> o.slug) THEN
        -- Renamed slugs leave first, so that two companies may swap theirs.
        DELETE FROM company_slugs s USING new_rows n JOIN old_rows o ON o.id = n.id
        WHERE s.company_id = n.id AND n.slug <> o.slug;
        INSERT INTO company_slugs (slug, company_id)
        SELECT n.slug, n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE n.slug <> o.slug;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION company_slugs_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM company_slugs s USING old_rows o WHERE s.company_id = o.id;
    RETURN NULL;
END $$;

CREATE TRIGGER companies_slugs_insert AFTER INSERT ON companies
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION company_slugs_insert();
CREATE TRIGGER companies_slugs_update AFTER UPDATE ON companies
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION company_slugs_update();
CREATE TRIGGER companies_slugs_delete AFTER DELETE ON companies
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION company_slugs_delete();

ALTER TABLE companies DROP CONSTRAINT companies_slug_key;
CREATE INDEX companies_slug ON companies (slug);
-- A company's stored summary carries its slug: the lookup stays one probe.
ALTER TABLE company_summaries DROP CONSTRAINT company_summaries_slug_key;
CREATE INDEX company_summaries_slug ON company_summaries (slug);

ALTER TABLE api_keys DROP CONSTRAINT api_keys_company_id_fkey,
    ADD CONSTRAINT api_keys_company_id_fkey FOREIGN KEY (company_id)
        REFERENCES company_slugs (company_id) ON DELETE CASCADE;
ALTER TABLE claims DROP CONSTRAINT claims_company_id_fkey,
    ADD CONSTRAINT claims_company_id_fkey FOREIGN KEY (company_id)
        REFERENCES company_slugs (company_id) ON DELETE CASCADE;
ALTER TABLE webhooks DROP CONSTRAINT webhooks_company_id_fkey,
    ADD CONSTRAINT webhooks_company_id_fkey FOREIGN KEY (company_id)
        REFERENCES company_slugs (company_id) ON DELETE CASCADE;
ALTER TABLE audit_log DROP CONSTRAINT audit_log_company_id_fkey,
    ADD CONSTRAINT audit_log_company_id_fkey FOREIGN KEY (company_id)
        REFERENCES company_slugs (company_id) ON DELETE SET NULL;
ALTER TABLE share_grants DROP CONSTRAINT share_grants_grantee_company_id_fkey,
    ADD CONSTRAINT share_grants_grantee_company_id_fkey FOREIGN KEY (grantee_company_id)
        REFERENCES company_slugs (company_id) ON DELETE CASCADE;
ALTER TABLE commercial.subscriptions DROP CONSTRAINT subscriptions_company_id_fkey,
    ADD CONSTRAINT subscriptions_company_id_fkey FOREIGN KEY (company_id)
        REFERENCES company_slugs (company_id) ON DELETE SET NULL;

-- 2. Keys of the company tables: (id, company_id). The foreign keys that referred to
-- id alone go with the old keys and come back with the company column below.
ALTER TABLE dispute_items
    DROP CONSTRAINT dispute_items_asset_id_company_id_fkey,
    DROP CONSTRAINT dispute_items_dispute_id_company_id_fkey,
    DROP CONSTRAINT dispute_items_evidence_id_company_id_fkey;
ALTER TABLE evidence DROP CONSTRAINT evidence_asset_id_fkey;
ALTER TABLE scan_jobs DROP CONSTRAINT scan_jobs_asset_id_fkey;
ALTER TABLE attachments DROP CONSTRAINT attachments_dispute_id_fkey;
ALTER TABLE dispute_events DROP CONSTRAINT dispute_events_dispute_id_fkey;
ALTER TABLE disclosure_attachments DROP CONSTRAINT disclosure_attachments_disclosure_id_fkey;

ALTER TABLE assets DROP CONSTRAINT assets_id_company_key, DROP CONSTRAINT assets_pkey,
    ADD PRIMARY KEY (id, company_id);
ALTER TABLE evidence DROP CONSTRAINT evidence_id_company_key,
    DROP CONSTRAINT evidence_pkey, ADD PRIMARY KEY (id, company_id);
ALTER TABLE disputes DROP CONSTRAINT disputes_id_company_id_key,
    DROP CONSTRAINT disputes_pkey, ADD PRIMARY KEY (id, company_id);
ALTER TABLE disclosures DROP CONSTRAINT disclosures_pkey, ADD PRIMARY KEY (id, company_id);
ALTER TABLE asset_candidates DROP CONSTRAINT asset_candidates_pkey,
    ADD PRIMARY KEY (id, company_id);
ALTER TABLE incidents DROP CONSTRAINT incidents_pkey, ADD PRIMARY KEY (id, company_id);
ALTER TABLE ratings DROP CONSTRAINT ratings_pkey, ADD PRIMARY KEY (id, company_id);
ALTER TABLE share_grants DROP CONSTRAINT share_grants_pkey, ADD PRIMARY KEY (id, company_id);

-- A scan job is its asset's: the same company (the queue always wrote it so).
ALTER TABLE scan_jobs DROP CONSTRAINT scan_jobs_pkey, DROP CONSTRAINT scan_jobs_asset_id_key,
    ADD PRIMARY KEY (id, company_id),
    ADD CONSTRAINT scan_jobs_asset_id_key UNIQUE (asset_id, company_id),
    ADD CONSTRAINT scan_jobs_asset_id_fkey FOREIGN KEY (asset_id, company_id)
        REFERENCES assets (id, company_id) ON DELETE CASCADE;

-- Evidence of an asset is the asset's company's; deleting the asset clears asset_id
-- only (PostgreSQL 15's SET NULL column list), never the company.
ALTER TABLE evidence ADD CONSTRAINT evidence_asset_id_fkey FOREIGN KEY (asset_id, company_id)
    REFERENCES assets (id, company_id) ON DELETE SET NULL (asset_id);

ALTER TABLE dispute_items DROP CONSTRAINT dispute_items_pkey,
    DROP CONSTRAINT dispute_items_dispute_id_asset_id_key,
    DROP CONSTRAINT dispute_items_dispute_id_evidence_id_key,
    ADD PRIMARY KEY (id, company_id),
    ADD CONSTRAINT dispute_items_dispute_id_asset_id_key
        UNIQUE (dispute_id, asset_id, company_id),
    ADD CONSTRAINT dispute_items_dispute_id_evidence_id_key
        UNIQUE (dispute_id, evidence_id, company_id),
    ADD CONSTRAINT dispute_items_dispute_id_company_id_fkey FOREIGN KEY (dispute_id, company_id)
        REFERENCES disputes (id, company_id) ON DELETE CASCADE,
    ADD CONSTRAINT dispute_items_evidence_id_company_id_fkey FOREIGN KEY (evidence_id, company_id)
        REFERENCES evidence (id, company_id) ON DELETE CASCADE,
    ADD CONSTRAINT dispute_items_asset_id_company_id_fkey FOREIGN KEY (asset_id, company_id)
        REFERENCES assets (id, company_id) ON DELETE CASCADE;
-- An evidence row or an asset is in one open dispute at most (its company's).
DROP INDEX dispute_items_open_evidence;
CREATE UNIQUE INDEX dispute_items_open_evidence ON dispute_items (evidence_id, company_id)
    WHERE active AND evidence_id IS NOT NULL;
DROP INDEX dispute_items_open_asset;
CREATE UNIQUE INDEX dispute_items_open_asset ON dispute_items (asset_id, company_id)
    WHERE active AND asset_id IS NOT NULL;

-- 3. The rows of a dispute or a disclosure carry its company.
ALTER TABLE dispute_events ADD COLUMN company_id bigint;
UPDATE dispute_events e SET company_id = d.company_id FROM disputes d WHERE d.id = e.dispute_id;
ALTER TABLE dispute_events ALTER COLUMN company_id SET NOT NULL,
    DROP CONSTRAINT dispute_events_pkey, ADD PRIMARY KEY (id, company_id),
    ADD CONSTRAINT dispute_events_dispute_id_fkey FOREIGN KEY (dispute_id, company_id)
        REFERENCES disputes (id, company_id) ON DELETE CASCADE;

ALTER TABLE attachments ADD COLUMN company_id bigint;
UPDATE attachments a SET company_id = d.company_id FROM disputes d WHERE d.id = a.dispute_id;
ALTER TABLE attachments ALTER COLUMN company_id SET NOT NULL,
    DROP CONSTRAINT attachments_pkey, ADD PRIMARY KEY (id, company_id),
    ADD CONSTRAINT attachments_dispute_id_fkey FOREIGN KEY (dispute_id, company_id)
        REFERENCES disputes (id, company_id) ON DELETE CASCADE;

ALTER TABLE disclosure_attachments ADD COLUMN company_id bigint;
UPDATE disclosure_attachments a SET company_id = d.company_id
    FROM disclosures d WHERE d.id = a.disclosure_id;
ALTER TABLE disclosure_attachments ALTER COLUMN company_id SET NOT NULL,
    DROP CONSTRAINT disclosure_attachments_pkey, ADD PRIMARY KEY (id, company_id),
    ADD CONSTRAINT disclosure_attachments_disclosure_id_fkey
        FOREIGN KEY (disclosure_id, company_id)
        REFERENCES disclosures (id, company_id) ON DELETE CASCADE;
