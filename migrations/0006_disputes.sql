-- Disputes (principle 2): a company challenges evidence or the attribution of an
-- asset; staff decide within an SLA; a rejection can be appealed once, to another
-- reviewer. The rules live in dispute/dispute_state.c; the table keeps their facts.
-- docs/disputes.md describes the workflow.

-- Composite keys so that a dispute item can only name evidence or an asset of the
-- dispute's own company (enforced by foreign keys below, not by the code alone).
ALTER TABLE evidence ADD CONSTRAINT evidence_id_company_key UNIQUE (id, company_id);
ALTER TABLE assets ADD CONSTRAINT assets_id_company_key UNIQUE (id, company_id);

CREATE TABLE disputes (
    id                 bigserial PRIMARY KEY,
    company_id         bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    kind               text NOT NULL CHECK (kind IN ('evidence', 'attribution')),
    reason             text NOT NULL CHECK (reason IN ('not_our_asset', 'false_positive',
                           'remediated', 'compensating_control', 'other')),
    explanation        text NOT NULL CHECK (length(explanation) BETWEEN 1 AND 4000),
    state              text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'in_review',
                           'info_requested', 'accepted', 'rejected', 'appealed',
                           'in_review_appeal', 'appeal_accepted', 'appeal_rejected',
                           'withdrawn')),
    assignee_key_id    bigint REFERENCES api_keys (id) ON DELETE SET NULL,
    rejected_by        bigint REFERENCES api_keys (id) ON DELETE SET NULL,
    appealed           boolean NOT NULL DEFAULT false,
    opened_by          bigint REFERENCES api_keys (id) ON DELETE SET NULL,
    opened_at          timestamptz NOT NULL,
    -- SLA clocks: first staff response, first decision (or withdrawal); the time
    -- spent in info_requested is added to the resolution due time.
    first_response_at  timestamptz,
    resolved_at        timestamptz,
    paused_seconds     bigint NOT NULL DEFAULT 0 CHECK (paused_seconds >= 0),
    paused_since       timestamptz,
    appealed_at        timestamptz,
    appeal_resolved_at timestamptz,
    decision           text CHECK (decision IN ('accepted', 'rejected')),
    decision_rationale text CHECK (length(decision_rationale) <= 4000),
    -- Bumped on every change: callers may check it (optimistic concurrency).
    version            integer NOT NULL DEFAULT 1,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, company_id),
    CHECK ((state = 'info_requested') = (paused_since IS NOT NULL)),
    CHECK (appealed = (appealed_at IS NOT NULL)),
    CHECK (state NOT IN ('appealed', 'in_review_appeal', 'appeal_accepted',
        'appeal_rejected') OR appealed)
);
CREATE INDEX disputes_company_idx ON disputes (company_id, id);
CREATE INDEX disputes_queue_idx ON disputes (state, id);

-- What a dispute covers: evidence rows (kind evidence) or assets (kind attribution).
-- `active` mirrors whether the dispute still holds its items (kept by a trigger), so
-- that a partial unique index forbids two open disputes on the same item.
CREATE TABLE dispute_items (
    id          bigserial PRIMARY KEY,
    dispute_id  bigint NOT NULL,
    company_id  bigint NOT NULL,
    evidence_id bigint,
    asset_id    bigint,
    active      boolean NOT NULL DEFAULT true,
    CHECK ((evidence_id IS NULL) <> (asset_id IS NULL)),
    FOREIGN KEY (dispute_id, company_id) REFERENCES disputes (id, company_id)
        ON DELETE CASCADE,
    FOREIGN KEY (evidence_id, company_id) REFERENCES evidence (id, company_id)
        ON DELETE CASCADE,
    FOREIGN KEY (asset_id, company_id) REFERENCES assets (id, company_id)
        ON DELETE CASCADE,
    UNIQUE (dispute_id, evidence_id),
    UNIQUE (dispute_id, asset_id)
);
CREATE UNIQUE INDEX dispute_items_open_evidence
    ON dispute_items (evidence_id) WHERE active AND evidence_id IS NOT NULL;
CREATE UNIQUE INDEX dispute_items_open_asset
    ON dispute_items (asset_id) WHERE active AND asset_id IS NOT NULL;
CREATE INDEX dispute_items_dispute_idx ON dispute_items (dispute_id);

CREATE FUNCTION dispute_items_sync_active() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE dispute_items
       SET active = NEW.state IN ('open', 'in_review', 'info_requested', 'appealed',
                                  'in_review_appeal')
     WHERE dispute_id = NEW.id;
    RETURN NEW;
END;
$$;
CREATE TRIGGER disputes_state_sync AFTER UPDATE OF state ON disputes
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION dispute_items_sync_active();

-- The thread: every state change and every comment, in order. Internal notes are
-- staff-only and never shown to the company.
CREATE TABLE dispute_events (
    id           bigserial PRIMARY KEY,
    dispute_id   bigint NOT NULL REFERENCES disputes (id) ON DELETE CASCADE,
    actor_key_id bigint REFERENCES api_keys (id) ON DELETE SET NULL,
    actor_role   text NOT NULL CHECK (actor_role IN ('company', 'analyst', 'admin')),
    event        text NOT NULL CHECK (event IN ('open', 'assign', 'request_info',
                     'respond', 'decide_accept', 'decide_reject', 'appeal', 'withdraw',
                     'comment')),
    from_state   text,
    to_state     text NOT NULL,
    at           timestamptz NOT NULL,
    body         text NOT NULL DEFAULT '' CHECK (length(body) <= 4000),
    internal     boolean NOT NULL DEFAULT false,
    CHECK (NOT internal OR actor_role <> 'company')
);
CREATE INDEX dispute_events_dispute_idx ON dispute_events (dispute_id, id);

-- Files a company or staff add to a dispute. Allow-listed types, capped size, digest.
CREATE TABLE attachments (
    id           bigserial PRIMARY KEY,
    dispute_id   bigint NOT NULL REFERENCES disputes (id) ON DELETE CASCADE,
    filename     text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200
                     AND filename !~ '[/\\[:cntrl:]]'),
    content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/png',
                     'image/jpeg', 'text/plain', 'text/csv')),
    content      bytea NOT NULL CHECK (octet_length(content) BETWEEN 1 AND 5242880),
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    uploaded_by  bigint REFERENCES api_keys (id) ON DELETE SET NULL,
    uploaded_role text NOT NULL CHECK (uploaded_role IN ('company', 'analyst', 'admin')),
    uploaded_at  timestamptz NOT NULL
);
CREATE INDEX attachments_dispute_idx ON attachments (dispute_id, id);
