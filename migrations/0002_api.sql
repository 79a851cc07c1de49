-- The API's own tables: keys (only a hash of each secret is stored), the audit log of
-- what staff and keys changed, and investors' portfolios.

CREATE TABLE api_keys (
    id           bigserial PRIMARY KEY,
    -- The public part of a key "fr_<prefix>_<secret>": finds the row without the secret.
    prefix       text NOT NULL UNIQUE CHECK (prefix ~ '^[a-z0-9]{12}$'),
    -- SHA-256 of the secret part, lowercase hex. The secret itself is never stored.
    secret_sha256 text NOT NULL CHECK (secret_sha256 ~ '^[0-9a-f]{64}$'),
    role         text NOT NULL CHECK (role IN ('investor', 'company', 'analyst', 'admin')),
    company_id   bigint REFERENCES companies (id) ON DELETE CASCADE,
    name         text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz,
    last_used_at timestamptz,
    -- A company key is scoped to exactly one company; no other key has one.
    CHECK ((role = 'company') = (company_id IS NOT NULL))
);
CREATE INDEX api_keys_company_idx ON api_keys (company_id) WHERE company_id IS NOT NULL;

-- Who did what, append-only. actor_key_id is NULL for the command line.
CREATE TABLE audit_log (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor_key_id bigint REFERENCES api_keys (id) ON DELETE SET NULL,
    actor        text NOT NULL CHECK (length(actor) BETWEEN 1 AND 100),
    action       text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_.]{1,63}$'),
    target       text NOT NULL DEFAULT '' CHECK (length(target) <= 200),
    company_id   bigint REFERENCES companies (id) ON DELETE SET NULL,
    details      jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);

-- An investor's watch lists. Owned by the key that created them.
CREATE TABLE portfolios (
    id           bigserial PRIMARY KEY,
    owner_key_id bigint NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX portfolios_owner_idx ON portfolios (owner_key_id, id);

CREATE TABLE portfolio_companies (
    portfolio_id bigint NOT NULL REFERENCES portfolios (id) ON DELETE CASCADE,
    company_id   bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    added_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (portfolio_id, company_id)
);
