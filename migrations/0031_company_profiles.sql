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
