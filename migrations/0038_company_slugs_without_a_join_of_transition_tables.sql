-- Keep company_slugs in step with an UPDATE of companies without joining its two
-- transition tables (0036 joined new_rows to old_rows on id).
--
-- A transition table has no statistics and no index, so that join ran as a nested
-- loop: an UPDATE of n companies cost n * n comparisons even when no slug changed.
-- Generating the benchmark's million companies, whose disputed evidence raises the
-- summary epoch of about 50,000 of them in one statement, spent minutes in it. The
-- new rows are compared with company_slugs instead, through its unique index on
-- company_id: one probe a row. Renamed slugs still leave before any arrives, so two
-- companies may swap theirs in one statement.
CREATE OR REPLACE FUNCTION company_slugs_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_rows n JOIN company_slugs s ON s.company_id = n.id
               WHERE s.slug <> n.slug) THEN
        DELETE FROM company_slugs s USING new_rows n
        WHERE s.company_id = n.id AND s.slug <> n.slug;
        INSERT INTO company_slugs (slug, company_id)
        SELECT n.slug, n.id FROM new_rows n
        WHERE NOT EXISTS (SELECT 1 FROM company_slugs s WHERE s.company_id = n.id);
    END IF;
    RETURN NULL;
END $$;
