-- Profile claims by domain control, and webhooks with their delivery log.
-- docs/disputes.md ("HTTP", "Webhooks") describes both.

-- A claim: someone publishes token at https://DOMAIN/.well-known/fairrate-verification.txt
-- and asks us to look. Only the SHA-256 of the claim's secret (which the claimant must
-- present to verify, so that reading the public token is not enough) is stored.
CREATE TABLE claims (
    id              bigserial PRIMARY KEY,
    domain          text NOT NULL CHECK (domain ~ '^[a-z0-9][a-z0-9.-]{0,252}$'),
    token           text NOT NULL CHECK (token ~ '^fairrate-claim-[0-9a-f]{32}$'),
    secret_sha256   text NOT NULL CHECK (secret_sha256 ~ '^[0-9a-f]{64}$'),
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_attempt_at timestamptz,
    last_result     text CHECK (length(last_result) <= 200),
    verified_at     timestamptz,
    company_id      bigint REFERENCES companies (id) ON DELETE CASCADE,
    key_id          bigint REFERENCES api_keys (id) ON DELETE SET NULL,
    CHECK (expires_at > created_at),
    CHECK (verified_at IS NOT NULL OR key_id IS NULL)
);
CREATE INDEX claims_domain_idx ON claims (domain, created_at);

-- Where a company's notifications go (company_id), or an investor portfolio's
-- (portfolio_id). The secret signs every body (HMAC-SHA256); it is shown once.
CREATE TABLE webhooks (
    id           bigserial PRIMARY KEY,
    company_id   bigint UNIQUE REFERENCES companies (id) ON DELETE CASCADE,
    portfolio_id bigint UNIQUE REFERENCES portfolios (id) ON DELETE CASCADE,
    url          text NOT NULL CHECK (length(url) BETWEEN 9 AND 2000 AND url ~ '^https://'),
    secret       text NOT NULL CHECK (secret ~ '^[0-9a-f]{64}$'),
    created_by   bigint REFERENCES api_keys (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((company_id IS NULL) <> (portfolio_id IS NULL))
);

-- One notification for one webhook. (webhook_id, event_key) makes enqueuing the same
-- event twice a no-op; the idempotency key goes out with every attempt so that the
-- receiver can drop a repeat. Workers lease due rows with FOR UPDATE SKIP LOCKED; a
-- lease that ran out (the worker died) is due again, so nothing is lost.
CREATE TABLE webhook_deliveries (
    id              bigserial PRIMARY KEY,
    webhook_id      bigint NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event           text NOT NULL CHECK (event IN ('dispute.opened',
                        'dispute.state_changed', 'rating.changed')),
    event_key       text NOT NULL CHECK (length(event_key) BETWEEN 1 AND 100),
    idempotency_key uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    payload         jsonb NOT NULL,
    state           text NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_until     timestamptz,
    last_status     integer,
    last_error      text CHECK (length(last_error) <= 500),
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    UNIQUE (webhook_id, event_key),
    CHECK ((state = 'delivered') = (delivered_at IS NOT NULL))
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at)
    WHERE state = 'pending';
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, id DESC);

-- The delivery log: every attempt, with what came back.
CREATE TABLE webhook_attempts (
    id          bigserial PRIMARY KEY,
    delivery_id bigint NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt     integer NOT NULL CHECK (attempt >= 1),
    at          timestamptz NOT NULL DEFAULT now(),
    http_status integer,
    error       text CHECK (length(error) <= 500),
    duration_ms integer NOT NULL DEFAULT 0,
    UNIQUE (delivery_id, attempt)
);

CREATE FUNCTION webhook_utc(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

-- Dispute events go to the company's own webhook only, in the transaction that makes
-- the change: no notification without the change, no change without its notification.
CREATE FUNCTION webhook_enqueue_dispute() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_deliveries (webhook_id, event, event_key, payload)
    SELECT w.id,
           CASE WHEN TG_OP = 'INSERT' THEN 'dispute.opened' ELSE 'dispute.state_changed' END,
           'dispute:' || NEW.id || ':' || NEW.version,
           jsonb_build_object(
               'event', CASE WHEN TG_OP = 'INSERT' THEN 'dispute.opened'
                             ELSE 'dispute.state_changed' END,
               'company', c.slug,
               'dispute', jsonb_build_object('id', NEW.id, 'kind', NEW.kind,
                   'reason', NEW.reason, 'state', NEW.state,
                   'previous_state', CASE WHEN TG_OP = 'INSERT' THEN NULL
                                          ELSE OLD.state END,
                   'decision', NEW.decision),
               'occurred_at', webhook_utc(now()))
      FROM webhooks w JOIN companies c ON c.id = NEW.company_id
     WHERE w.company_id = NEW.company_id
    ON CONFLICT (webhook_id, event_key) DO NOTHING;
    RETURN NULL;
END;
$$;
CREATE TRIGGER disputes_webhook_insert AFTER INSERT ON disputes
    FOR EACH ROW EXECUTE FUNCTION webhook_enqueue_dispute();
CREATE TRIGGER disputes_webhook_state AFTER UPDATE OF state ON disputes
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION webhook_enqueue_dispute();

-- A new ratings row goes to the company's webhook (with the reason's detail) and to
-- every portfolio webhook watching a public company (no detail: an investor never
-- learns which dispute changed it). Statement level, so that the bulk rescoring COPY
-- pays one join per statement, not one per row.
CREATE FUNCTION webhook_enqueue_rating() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_deliveries (webhook_id, event, event_key, payload)
    SELECT w.id, 'rating.changed', 'rating:' || n.id,
           jsonb_build_object('event', 'rating.changed', 'company', c.slug,
               'rating', jsonb_build_object('id', n.id, 'status', n.status,
                   'score', n.score, 'grade', n.grade, 'confidence', n.confidence,
                   'methodology_version', n.methodology_version,
                   'as_of', webhook_utc(n.as_of), 'reason', n.reason,
                   'reason_detail', CASE WHEN w.company_id IS NOT NULL
                                         THEN n.reason_detail END),
               'occurred_at', webhook_utc(n.computed_at))
      FROM new_ratings n
      JOIN companies c ON c.id = n.company_id
      JOIN webhooks w ON w.company_id = n.company_id
            OR (c.visibility = 'public' AND w.portfolio_id IN (
                SELECT pc.portfolio_id FROM portfolio_companies pc
                 WHERE pc.company_id = n.company_id))
    ON CONFLICT (webhook_id, event_key) DO NOTHING;
    RETURN NULL;
END;
$$;
CREATE TRIGGER ratings_webhook AFTER INSERT ON ratings
    REFERENCING NEW TABLE AS new_ratings
    FOR EACH STATEMENT EXECUTE FUNCTION webhook_enqueue_rating();

-- Every change to a dispute (each event but a comment) also goes to the audit log,
-- in the same transaction: who, what, when, from which state to which.
CREATE FUNCTION dispute_events_audit() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_log (at, actor_key_id, actor, action, target, company_id, details)
    SELECT NEW.at, NEW.actor_key_id,
           NEW.actor_role || ':' || coalesce(NEW.actor_key_id::text, '0'),
           'dispute.' || NEW.event, 'dispute:' || NEW.dispute_id, d.company_id,
           jsonb_build_object('dispute_id', NEW.dispute_id, 'from', NEW.from_state,
                              'to', NEW.to_state, 'internal', NEW.internal)
      FROM disputes d WHERE d.id = NEW.dispute_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER dispute_events_audit AFTER INSERT ON dispute_events
    FOR EACH ROW WHEN (NEW.event <> 'comment')
    EXECUTE FUNCTION dispute_events_audit();
