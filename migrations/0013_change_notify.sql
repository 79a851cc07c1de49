-- Change notification for the API's summary cache (api/summary_cache.c,
-- api/cache_listener.c). Whatever an investor summary shows (the company row, its
-- latest rating, which of its evidence is disputed, the methodology versions in force
-- and upcoming, its disputes) notifies channel fairrate_company_changed with the
-- company's id, or '*' for everything. NOTIFY is delivered when the transaction
-- commits, never for one rolled back, and identical payloads of one transaction are
-- sent once.
--
-- Bulk statements (the rescoring's COPY into ratings, an import's evidence upsert) use
-- statement-level triggers over transition tables, so that each statement sends each
-- company id once; past 1000 companies it sends a single '*' instead, which costs the
-- listeners one cache clear rather than thousands of messages.

CREATE FUNCTION fairrate_notify_companies(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    id bigint;
BEGIN
    IF cardinality(ids) > 1000 THEN
        PERFORM pg_notify('fairrate_company_changed', '*');
        RETURN;
    END IF;
    FOREACH id IN ARRAY ids LOOP
        PERFORM pg_notify('fairrate_company_changed', id::text);
    END LOOP;
END;
$$;

-- ratings: a new latest rating (or, rarely, one removed or changed).
CREATE FUNCTION fairrate_notify_ratings_new() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM fairrate_notify_companies(ARRAY(SELECT DISTINCT company_id FROM new_rows));
    RETURN NULL;
END;
$$;
CREATE FUNCTION fairrate_notify_ratings_old() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM fairrate_notify_companies(ARRAY(SELECT DISTINCT company_id FROM old_rows));
    RETURN NULL;
END;
$$;
CREATE TRIGGER ratings_notify_insert AFTER INSERT ON ratings
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION fairrate_notify_ratings_new();
CREATE TRIGGER ratings_notify_update AFTER UPDATE ON ratings
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION fairrate_notify_ratings_new();
CREATE TRIGGER ratings_notify_delete AFTER DELETE ON ratings
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION fairrate_notify_ratings_old();

-- evidence: the summary shows which checks are disputed now, so a change of status
-- (or of check code) matters, and so does a disputed row coming or going. The
-- re-observation of an import (last_seen only) sends nothing.
CREATE FUNCTION fairrate_notify_evidence_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM fairrate_notify_companies(ARRAY(
        SELECT DISTINCT n.company_id FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE o.status IS DISTINCT FROM n.status
            OR o.check_code IS DISTINCT FROM n.check_code
            OR o.company_id IS DISTINCT FROM n.company_id
        UNION
        SELECT o.company_id FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE o.company_id IS DISTINCT FROM n.company_id));
    RETURN NULL;
END;
$$;
CREATE FUNCTION fairrate_notify_evidence_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM fairrate_notify_companies(ARRAY(
        SELECT DISTINCT company_id FROM new_rows WHERE status = 'disputed'));
    RETURN NULL;
END;
$$;
CREATE FUNCTION fairrate_notify_evidence_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM fairrate_notify_companies(ARRAY(
        SELECT DISTINCT company_id FROM old_rows WHERE status = 'disputed'));
    RETURN NULL;
END;
$$;
CREATE TRIGGER evidence_notify_update AFTER UPDATE ON evidence
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION fairrate_notify_evidence_update();
CREATE TRIGGER evidence_notify_insert AFTER INSERT ON evidence
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION fairrate_notify_evidence_insert();
CREATE TRIGGER evidence_notify_delete AFTER DELETE ON evidence
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION fairrate_notify_evidence_delete();

-- companies: what the summary shows of the row, and whether it is shown at all. A new
-- company matters too: its slug may have been answered 404 until now.
CREATE FUNCTION fairrate_notify_companies_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM fairrate_notify_companies(ARRAY(
        SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE (o.slug, o.name, o.sector, o.size_band, o.country, o.visibility)
               IS DISTINCT FROM
               (n.slug, n.name, n.sector, n.size_band, n.country, n.visibility)));
    RETURN NULL;
END;
$$;
CREATE FUNCTION fairrate_notify_companies_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM fairrate_notify_companies(ARRAY(SELECT id FROM new_rows));
    RETURN NULL;
END;
$$;
CREATE FUNCTION fairrate_notify_companies_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM fairrate_notify_companies(ARRAY(SELECT id FROM old_rows));
    RETURN NULL;
END;
$$;
CREATE TRIGGER companies_notify_update AFTER UPDATE ON companies
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION fairrate_notify_companies_update();
CREATE TRIGGER companies_notify_insert AFTER INSERT ON companies
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION fairrate_notify_companies_insert();
CREATE TRIGGER companies_notify_delete AFTER DELETE ON companies
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION fairrate_notify_companies_delete();

-- methodology_versions: which version is in force or upcoming changes every summary,
-- so anything but an edit of a draft drops everything. (A published upcoming version
-- taking effect needs no write: cached summaries expire at its effective time.)
CREATE FUNCTION fairrate_notify_methodology() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_OP <> 'INSERT' AND OLD.status <> 'draft')
       OR (TG_OP <> 'DELETE' AND NEW.status <> 'draft') THEN
        PERFORM pg_notify('fairrate_company_changed', '*');
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER methodology_versions_notify
    AFTER INSERT OR UPDATE OR DELETE ON methodology_versions
    FOR EACH ROW EXECUTE FUNCTION fairrate_notify_methodology();

-- disputes: opening one and every change of state (the summary's disputed flag
-- follows the evidence a dispute holds; the evidence triggers cover that too, this
-- keeps a summary honest should a dispute ever change without touching evidence).
CREATE FUNCTION fairrate_notify_dispute() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('fairrate_company_changed', NEW.company_id::text);
    RETURN NULL;
END;
$$;
CREATE TRIGGER disputes_notify_insert AFTER INSERT ON disputes
    FOR EACH ROW EXECUTE FUNCTION fairrate_notify_dispute();
CREATE TRIGGER disputes_notify_state AFTER UPDATE OF state ON disputes
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION fairrate_notify_dispute();
