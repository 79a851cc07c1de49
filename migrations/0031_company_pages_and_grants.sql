-- A company's public page (third-party disclosure, docs/disclosure.md): off until the
-- company publishes it. What the page shows is chosen in disclosure/public_profile.c;
-- this table holds only the company's choice and its own statement.
CREATE TABLE company_profiles (
    company_id   bigint PRIMARY KEY REFERENCES companies (id) ON DELETE CASCADE,
    published    boolean NOT NULL DEFAULT false,
    statement    text CHECK (length(statement) BETWEEN 1 AND 2000),
    published_at timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (NOT published OR published_at IS NOT NULL)
);

-- Second-party sharing (docs/disclosure.md): a company grants one named counterpart (an
-- investor key, or another company) read access to parts of its own detail until an
-- expiry; it may revoke the grant at any time. Only the company writes its grants; a
-- grantee cannot widen one. Every read by a grantee goes to the audit log (share.read).
-- Grants are checked in the database on every read (no cache), so that an expired or
-- revoked grant answers 403 at once on every instance.
CREATE TABLE share_grants (
    id                 bigserial PRIMARY KEY,
    company_id         bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    grantee_key_id     bigint REFERENCES api_keys (id) ON DELETE CASCADE,
    grantee_company_id bigint REFERENCES companies (id) ON DELETE CASCADE,
    scope              text[] NOT NULL CHECK (cardinality(scope) BETWEEN 1 AND 3
                           AND scope <@ ARRAY['evidence', 'rating', 'disputes']),
    note               text CHECK (length(note) BETWEEN 1 AND 200),
    created_by         bigint REFERENCES api_keys (id) ON DELETE SET NULL,
    created_at         timestamptz NOT NULL,
    expires_at         timestamptz NOT NULL,
    revoked_at         timestamptz,
    CHECK ((grantee_key_id IS NULL) <> (grantee_company_id IS NULL)),
    CHECK (grantee_company_id IS DISTINCT FROM company_id),
    CHECK (expires_at > created_at)
);
CREATE INDEX share_grants_company_idx ON share_grants (company_id, id);
CREATE INDEX share_grants_key_idx ON share_grants (grantee_key_id)
    WHERE grantee_key_id IS NOT NULL;
CREATE INDEX share_grants_grantee_company_idx ON share_grants (grantee_company_id)
    WHERE grantee_company_id IS NOT NULL;
