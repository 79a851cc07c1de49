-- Claims, hardened (issue 18). docs/disputes.md ("Claiming a profile") describes the flow.
--
-- 1. The fetch of the claimant's verification file no longer runs on an HTTP request
--    thread: POST /v1/claims/{id}/verify queues the claim (state 'pending') and a
--    worker (api/claim_worker.c) leases it with FOR UPDATE SKIP LOCKED ('verifying',
--    until lease_until), fetches and settles it. requested_from (the client address
--    of the last verify) lets the API cap checks in flight per client.
-- 2. A claim proves control of a registered (organisational) domain attributed to the
--    company at or above a minimum confidence. When the company already has an active
--    company key (or a verified claim whose key is still to be collected), the claim
--    waits for that key's holder or staff ('awaiting_confirmation'); the company's
--    webhook hears of it (event claim.awaiting_confirmation) in the same transaction.
-- 3. The key is made when the claimant collects it (GET /v1/claims/{id} with the
--    claim's secret), once: key_issued_at. No key secret is ever stored.

ALTER TABLE claims
    ADD COLUMN state text NOT NULL DEFAULT 'open'
        CHECK (state IN ('open', 'pending', 'verifying', 'failed',
                         'awaiting_confirmation', 'verified', 'rejected')),
    ADD COLUMN requested_from text CHECK (length(requested_from) <= 64),
    ADD COLUMN lease_until timestamptz,
    ADD COLUMN decided_by text CHECK (length(decided_by) <= 100),
    ADD COLUMN decided_at timestamptz,
    ADD COLUMN decision_rationale text CHECK (length(decision_rationale) <= 2000),
    ADD COLUMN key_issued_at timestamptz;

-- Claims verified before this migration showed their key at once: nothing to collect.
UPDATE claims SET state = CASE WHEN verified_at IS NOT NULL THEN 'verified'
                               WHEN last_result IS NOT NULL THEN 'failed'
                               ELSE 'open' END,
                  key_issued_at = CASE WHEN verified_at IS NOT NULL THEN verified_at END;

ALTER TABLE claims
    ADD CONSTRAINT claims_verified_has_company
        CHECK (state NOT IN ('verified', 'awaiting_confirmation')
               OR (verified_at IS NOT NULL AND company_id IS NOT NULL)),
    ADD CONSTRAINT claims_key_only_when_verified
        CHECK ((key_id IS NULL AND key_issued_at IS NULL) OR state = 'verified'),
    ADD CONSTRAINT claims_lease_only_when_verifying
        CHECK ((state = 'verifying') = (lease_until IS NOT NULL));

-- The queue: few rows at any time.
CREATE INDEX claims_queue_idx ON claims (last_attempt_at, id)
    WHERE state IN ('pending', 'verifying');
-- A company's claims (GET /v1/me/claims, the confirmation rule).
CREATE INDEX claims_company_idx ON claims (company_id, id) WHERE company_id IS NOT NULL;

ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_check;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_event_check
    CHECK (event IN ('dispute.opened', 'dispute.state_changed', 'rating.changed',
                     'claim.awaiting_confirmation'));

-- A claim that waits for confirmation goes to the company's own webhook, in the
-- transaction that makes it wait. The claimant's address is not sent.
CREATE FUNCTION webhook_enqueue_claim() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_deliveries (webhook_id, event, event_key, payload)
    SELECT w.id, 'claim.awaiting_confirmation', 'claim:' || NEW.id || ':awaiting',
           jsonb_build_object(
               'event', 'claim.awaiting_confirmation',
               'company', c.slug,
               'claim', jsonb_build_object('id', NEW.id, 'domain', NEW.domain,
                   'state', NEW.state, 'verified_at', webhook_utc(NEW.verified_at),
                   'expires_at', webhook_utc(NEW.expires_at)),
               'occurred_at', webhook_utc(now()))
      FROM webhooks w JOIN companies c ON c.id = NEW.company_id
     WHERE w.company_id = NEW.company_id
    ON CONFLICT (webhook_id, event_key) DO NOTHING;
    RETURN NULL;
END;
$$;
CREATE TRIGGER claims_webhook_awaiting AFTER UPDATE OF state ON claims
    FOR EACH ROW WHEN (NEW.state = 'awaiting_confirmation'
                       AND OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION webhook_enqueue_claim();
