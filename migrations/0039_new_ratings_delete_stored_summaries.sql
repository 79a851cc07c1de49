-- A new rating deletes its company's stored summary in the rating's own transaction,
-- as every other change a summary shows already does (0035), so that a lookup reads a
-- stored body with no check but its expiry.
--
-- 0035 told a body out of date by a new rating when reading it: each lookup compared
-- the body's rating_id with the company's latest rating, a probe of ratings per
-- lookup that cost PostgreSQL about a third of its time per stored summary read
-- (docs/operations.md "Sizing"). Now:
--   - inserting ratings (a rescoring's COPY, one company's rescore) deletes the
--     stored bodies of their companies; on an empty company_summaries that is one
--     scan of nothing per statement;
--   - storing a body (api/summary_store.c) first locks its company row FOR UPDATE
--     SKIP LOCKED, which conflicts with the FOR KEY SHARE the ratings foreign-key
--     check holds until the rating commits: a company whose rating is being written
--     is skipped; a rating written after the lock waits for the store to commit and
--     then deletes what it stored; and the store checks, in a snapshot taken after
--     the lock, that the rating it rendered is still the latest.
CREATE OR REPLACE FUNCTION fairrate_notify_ratings_new() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    ids := ARRAY(SELECT DISTINCT company_id FROM new_rows);
    DELETE FROM company_summaries WHERE company_id = ANY (ids);
    PERFORM fairrate_notify_companies(ids);
    RETURN NULL;
END;
$$;

-- Bodies stored under 0035 whose company has been rated since.
DELETE FROM company_summaries s
 WHERE s.rating_id IS DISTINCT FROM (SELECT r.id FROM ratings r
                                      WHERE r.company_id = s.company_id
                                      ORDER BY r.id DESC LIMIT 1);
