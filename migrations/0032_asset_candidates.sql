-- Asset discovery (fairrate discover, docs/collector.md "Asset discovery"): every host
-- name found for a company, how it was found and the attribution rule that makes it
-- the company's. Names at the counting confidence (0.9) are also attributed assets;
-- the others wait here for the company to confirm them. The company's decision
-- sticks across rediscovery: a rejected name is never attributed again by discovery.
CREATE TABLE asset_candidates (
    id             bigserial PRIMARY KEY,
    company_id     bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    kind           text NOT NULL DEFAULT 'domain' CHECK (kind = 'domain'),
    value          text NOT NULL CHECK (length(value) BETWEEN 1 AND 253),
    rule           text NOT NULL
                   CHECK (rule IN ('registered_domain', 'certificate_san', 'third_party')),
    confidence     numeric(4, 3) NOT NULL CHECK (confidence > 0 AND confidence <= 1),
    sources        text[] NOT NULL CHECK (sources <@ ARRAY['dns', 'ct', 'wordlist']
                                          AND cardinality(sources) > 0),
    first_seen     timestamptz NOT NULL,
    last_seen      timestamptz NOT NULL,
    decision       text CHECK (decision IN ('confirmed', 'rejected')),
    decided_at     timestamptz,
    decided_reason text CHECK (length(decided_reason) <= 2000),
    CHECK ((decision IS NULL) = (decided_at IS NULL)),
    UNIQUE (company_id, kind, value)
);
CREATE INDEX asset_candidates_company_idx ON asset_candidates (company_id, id);
