-- ratings.methodology_version names a row of methodology_versions, checked once per
-- statement instead of by a foreign key, once per row.
--
-- Why: every ratings row of a run names the same version, so the foreign key locked
-- that one methodology_versions row FOR KEY SHARE once per row written. A full
-- rescore writes with one transaction per thread; as soon as two hold the lock,
-- PostgreSQL turns it into a MultiXact, and every further check reads and rewrites
-- it. Measured on 100,000 companies on 2 cores: the check cost 1.2-2.0 CPU s of a
-- 10 s run with two writers (0.3-0.9 s with one), the largest single cost left, and
-- the run took 5.3-6.0 s with it against 4.4-4.9 s without.
--
-- What keeps the guarantee a foreign key gave: a methodology version, draft or
-- published, is never deleted and never renamed (triggers below refuse DELETE,
-- TRUNCATE and a change of version; the governance record keeps every proposal).
-- A row that exists when a ratings statement is checked therefore exists for ever,
-- so no lock is needed, and a statement naming a version that does not exist (or
-- is not yet committed) fails as the foreign key failed, with foreign_key_violation.
-- The reference from ratings to companies stays a foreign key: each company's row
-- is locked by one writer only.
ALTER TABLE ratings DROP CONSTRAINT ratings_methodology_version_fkey;

CREATE FUNCTION methodology_versions_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_LEVEL = 'STATEMENT' THEN
        RAISE EXCEPTION 'methodology versions are kept: they cannot be truncated'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RAISE EXCEPTION 'methodology version % is kept: it cannot be deleted or renamed',
        OLD.version
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER methodology_versions_keep_delete BEFORE DELETE ON methodology_versions
    FOR EACH ROW EXECUTE FUNCTION methodology_versions_keep();
CREATE TRIGGER methodology_versions_keep_version BEFORE UPDATE OF version
    ON methodology_versions FOR EACH ROW WHEN (OLD.version IS DISTINCT FROM NEW.version)
    EXECUTE FUNCTION methodology_versions_keep();
CREATE TRIGGER methodology_versions_keep_truncate BEFORE TRUNCATE ON methodology_versions
    FOR EACH STATEMENT EXECUTE FUNCTION methodology_versions_keep();

CREATE FUNCTION ratings_check_methodology() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    missing text;
BEGIN
    SELECT n.methodology_version INTO missing
      FROM (SELECT DISTINCT methodology_version FROM new_rows) n
     WHERE NOT EXISTS (SELECT 1 FROM methodology_versions v
                        WHERE v.version = n.methodology_version)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ratings name methodology version "%", which does not exist',
            missing
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER ratings_methodology_insert AFTER INSERT ON ratings
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ratings_check_methodology();
CREATE TRIGGER ratings_methodology_update AFTER UPDATE ON ratings
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ratings_check_methodology();
