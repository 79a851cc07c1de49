-- Stored investor summaries (api/summary_store.c, docs/operations.md "Stored
-- summaries"). A company's summary (GET /v1/companies/{slug}) is rendered once and
-- kept here as the bytes the API sends, so that a lookup the server's memory cache
-- misses costs one prepared statement of two index probes instead of three queries
-- and a JSON rendering.
--
-- A stored body must never be served once anything it shows has changed:
--   - a new rating: told apart when read, by rating_id against the company's latest
--     rating (so the rescoring's COPY into ratings writes nothing here);
--   - the company row's shown fields, its disputed evidence, its disputes, a rating
--     changed in place: the triggers below raise companies.summary_epoch and delete
--     the stored body in the changing transaction;
--   - a methodology version other than a draft created, changed or removed (the
--     upcoming version every summary names): summary_generation.n is raised and
--     every stored body deleted; and the upcoming version taking effect: expires_at.
-- A body is rendered from one snapshot and stored later (on a lookup's miss, or by
-- `fairrate summaries`); it is stored only if the company's summary_epoch and the
-- generation are still those it was rendered from, checked with FOR SHARE on both
-- rows, which waits for a change in progress to commit and then sees it. So a change
-- either deletes a body stored before it or makes a later store a no-op.

ALTER TABLE companies ADD COLUMN summary_epoch bigint NOT NULL DEFAULT 0;

CREATE TABLE summary_generation (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    n bigint NOT NULL
);
INSERT INTO summary_generation VALUES (true, 0);

CREATE TABLE company_summaries (
    company_id bigint PRIMARY KEY REFERENCES companies (id) ON DELETE CASCADE,
    slug text NOT NULL UNIQUE,
    rating_id bigint,
    expires_at timestamptz,
    rendered_at timestamptz NOT NULL DEFAULT now(),
    body text COMPRESSION lz4 NOT NULL CHECK (octet_length(body) > 0)
);

-- companies: what a summary shows of the row, and whether it is shown at all.
CREATE FUNCTION fairrate_summary_company_row() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (OLD.slug, OLD.name, OLD.sector, OLD.size_band, OLD.country, OLD.visibility)
       IS DISTINCT FROM
       (NEW.slug, NEW.name, NEW.sector, NEW.size_band, NEW.country, NEW.visibility) THEN
        NEW.summary_epoch := OLD.summary_epoch + 1;
        DELETE FROM company_summaries WHERE company_id = OLD.id;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER companies_summary_epoch BEFORE UPDATE ON companies
    FOR EACH ROW EXECUTE FUNCTION fairrate_summary_company_row();

-- The summaries of companies ids are out of date: raise their epoch (which holds the
-- company rows until commit) and delete their stored bodies. Called by the triggers
-- below, which already name the companies whose summary changed for the API's
-- cache (0013_change_notify.sql).
CREATE FUNCTION fairrate_summary_stale(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    UPDATE companies SET summary_epoch = summary_epoch + 1
     WHERE id = ANY (ids);
    DELETE FROM company_summaries WHERE company_id = ANY (ids);
$$;

-- evidence: which checks are disputed now.
CREATE OR REPLACE FUNCTION fairrate_notify_evidence_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    ids := ARRAY(
        SELECT DISTINCT n.company_id FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE o.status IS DISTINCT FROM n.status
            OR o.check_code IS DISTINCT FROM n.check_code
            OR o.company_id IS DISTINCT FROM n.company_id
        UNION
        SELECT o.company_id FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE o.company_id IS DISTINCT FROM n.company_id);
    PERFORM fairrate_summary_stale(ids);
    PERFORM fairrate_notify_companies(ids);
    RETURN NULL;
END;
$$;
CREATE OR REPLACE FUNCTION fairrate_notify_evidence_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    ids := ARRAY(SELECT DISTINCT company_id FROM new_rows WHERE status = 'disputed');
    PERFORM fairrate_summary_stale(ids);
    PERFORM fairrate_notify_companies(ids);
    RETURN NULL;
END;
$$;
CREATE OR REPLACE FUNCTION fairrate_notify_evidence_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    ids := ARRAY(SELECT DISTINCT company_id FROM old_rows WHERE status = 'disputed');
    PERFORM fairrate_summary_stale(ids);
    PERFORM fairrate_notify_companies(ids);
    RETURN NULL;
END;
$$;

-- ratings: a new rating is told apart by its id; a rating changed or removed in
-- place (rare) raises the epoch.
CREATE OR REPLACE FUNCTION fairrate_notify_ratings_old() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    ids := ARRAY(SELECT DISTINCT company_id FROM old_rows);
    PERFORM fairrate_summary_stale(ids);
    PERFORM fairrate_notify_companies(ids);
    RETURN NULL;
END;
$$;
DROP TRIGGER ratings_notify_update ON ratings;
CREATE TRIGGER ratings_notify_update AFTER UPDATE ON ratings
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION fairrate_notify_ratings_old();

-- disputes: opening one and every change of state.
CREATE OR REPLACE FUNCTION fairrate_notify_dispute() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM fairrate_summary_stale(ARRAY[NEW.company_id]);
    PERFORM pg_notify('fairrate_company_changed', NEW.company_id::text);
    RETURN NULL;
END;
$$;

-- methodology_versions: anything but an edit of a draft.
CREATE OR REPLACE FUNCTION fairrate_notify_methodology() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_OP <> 'INSERT' AND OLD.status <> 'draft')
       OR (TG_OP <> 'DELETE' AND NEW.status <> 'draft') THEN
        UPDATE summary_generation SET n = n + 1;
        DELETE FROM company_summaries;
        PERFORM pg_notify('fairrate_company_changed', '*');
    END IF;
    RETURN NULL;
END;
$$;
