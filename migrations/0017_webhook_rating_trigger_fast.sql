-- The ratings webhook trigger (0011) without its cost to bulk rescoring. Its join
-- "webhooks w ON w.company_id = n.company_id OR (public AND w.portfolio_id IN ...)"
-- cannot be driven from either side, so for every COPY batch of a rescoring
-- PostgreSQL scanned the whole companies table, in parallel workers, even with no
-- webhook at all: on 100,000 companies about 15% of a full rescore's CPU. Now a
-- statement stops at once when there is no webhook, and the two kinds of webhook (a
-- company's own, with the reason's detail; a portfolio's, for public companies only,
-- without it) are found by two joins that start from the new rows. A webhook has
-- exactly one of company_id and portfolio_id, so the two sets never overlap; what is
-- enqueued is the same as before.
CREATE OR REPLACE FUNCTION webhook_enqueue_rating() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM webhooks) THEN
        RETURN NULL;
    END IF;
    INSERT INTO webhook_deliveries (webhook_id, event, event_key, payload)
    SELECT t.webhook_id, 'rating.changed', 'rating:' || n.id,
           jsonb_build_object('event', 'rating.changed', 'company', c.slug,
               'rating', jsonb_build_object('id', n.id, 'status', n.status,
                   'score', n.score, 'grade', n.grade, 'confidence', n.confidence,
                   'methodology_version', n.methodology_version,
                   'as_of', webhook_utc(n.as_of), 'reason', n.reason,
                   'reason_detail', CASE WHEN t.own THEN n.reason_detail END),
               'occurred_at', webhook_utc(n.computed_at))
      FROM (SELECT w.id AS webhook_id, n.id AS rating_id, true AS own
              FROM new_ratings n JOIN webhooks w ON w.company_id = n.company_id
            UNION ALL
            SELECT w.id, n.id, false
              FROM new_ratings n
              JOIN companies c ON c.id = n.company_id AND c.visibility = 'public'
              JOIN portfolio_companies pc ON pc.company_id = n.company_id
              JOIN webhooks w ON w.portfolio_id = pc.portfolio_id) t
      JOIN new_ratings n ON n.id = t.rating_id
      JOIN companies c ON c.id = n.company_id
    ON CONFLICT (webhook_id, event_key) DO NOTHING;
    RETURN NULL;
END;
$$;
