-- Core schema: companies, their assets, the evidence observed about them, methodology
-- versions, ratings (full history) and incidents. Integrity lives here: the engine and
-- the importers rely on these constraints rather than re-checking them.

CREATE TABLE companies (
    id          bigserial PRIMARY KEY,
    slug        text NOT NULL UNIQUE
                CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    sector      text NOT NULL CHECK (sector ~ '^[a-z][a-z0-9_]{0,39}$'),
    size_band   text NOT NULL
                CHECK (size_band IN ('micro', 'small', 'medium', 'large', 'enterprise')),
    country     char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    -- 'private': the operator publishes no rating for this company (principle 6).
    visibility  text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'private')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX companies_sector_idx ON companies (sector, size_band);
CREATE INDEX companies_name_lower_idx ON companies (lower(name) text_pattern_ops);

-- Domains and IP ranges attributed to a company. A detached asset keeps its row
-- (detached_at set) so that the same source does not attribute it again.
CREATE TABLE assets (
    id            bigserial PRIMARY KEY,
    company_id    bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind IN ('domain', 'ip_range')),
    value         text NOT NULL CHECK (length(value) BETWEEN 1 AND 253),
    source        text NOT NULL CHECK (length(source) BETWEEN 1 AND 100),
    confidence    numeric(4, 3) NOT NULL DEFAULT 1.0 CHECK (confidence > 0 AND confidence <= 1),
    attributed_at timestamptz NOT NULL DEFAULT now(),
    detached_at   timestamptz,
    detached_reason text,
    CHECK ((detached_at IS NULL) = (detached_reason IS NULL)),
    UNIQUE (company_id, kind, value)
);
CREATE INDEX assets_value_idx ON assets (kind, lower(value)) WHERE detached_at IS NULL;
CREATE INDEX assets_company_idx ON assets (company_id) WHERE detached_at IS NULL;

CREATE TABLE methodology_versions (
    version       text PRIMARY KEY CHECK (version ~ '^[0-9]{4}\.[0-9]+$'),
    status        text NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
    definition    jsonb NOT NULL,
    -- SHA-256 of the definition file as loaded, so a reader can check their copy.
    definition_sha256 text NOT NULL CHECK (definition_sha256 ~ '^[0-9a-f]{64}$'),
    change_log    text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz,
    effective_at  timestamptz,
    notice_days   integer CHECK (notice_days >= 0),
    short_notice_reason text,
    CHECK (status = 'draft' OR (published_at IS NOT NULL AND effective_at IS NOT NULL))
);

-- One observed fact. The natural key (company, asset, check, source, observation key)
-- makes re-observing the same fact update last_seen instead of adding a row.
CREATE TABLE evidence (
    id            bigserial PRIMARY KEY,
    company_id    bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    asset_id      bigint REFERENCES assets (id) ON DELETE SET NULL,
    -- The methodology version maps a check code to its factor, severity and points;
    -- evidence records only what was observed.
    check_code    text NOT NULL CHECK (check_code ~ '^[a-z][a-z0-9_.]{1,63}$'),
    outcome       text NOT NULL CHECK (outcome IN ('pass', 'fail', 'info')),
    -- Distinguishes two observations of the same check on the same asset (a port
    -- number, a certificate fingerprint); '' when the check has one result per asset.
    observation_key text NOT NULL DEFAULT '' CHECK (length(observation_key) <= 200),
    details       jsonb NOT NULL DEFAULT '{}'::jsonb,
    source        text NOT NULL CHECK (length(source) BETWEEN 1 AND 100),
    collector_version text NOT NULL DEFAULT '' CHECK (length(collector_version) <= 50),
    first_seen    timestamptz NOT NULL,
    last_seen     timestamptz NOT NULL,
    status        text NOT NULL DEFAULT 'active'
                  CHECK (status IN ('active', 'disputed', 'corrected', 'expired')),
    status_reason text,
    corrected_at  timestamptz,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (last_seen >= first_seen),
    CHECK ((status = 'corrected') = (corrected_at IS NOT NULL))
);
-- The natural key. asset_id may be NULL (company-level facts such as incidents and
-- disclosures), so it is folded to 0 to keep the key unique.
CREATE UNIQUE INDEX evidence_natural_key
    ON evidence (company_id, coalesce(asset_id, 0), check_code, source, observation_key);
-- The engine streams evidence in company order.
CREATE INDEX evidence_company_idx ON evidence (company_id, id);

CREATE TABLE ratings (
    id                  bigserial PRIMARY KEY,
    company_id          bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    methodology_version text NOT NULL REFERENCES methodology_versions (version),
    computed_at         timestamptz NOT NULL DEFAULT now(),
    as_of               timestamptz NOT NULL,
    status              text NOT NULL CHECK (status IN ('rated', 'insufficient_data')),
    score               numeric(4, 1) CHECK (score BETWEEN 0 AND 100),
    grade               text CHECK (grade ~ '^[A-Z][+-]?$'),
    confidence          text NOT NULL CHECK (confidence IN ('high', 'medium', 'low', 'none')),
    insufficient_reason text,
    -- Per factor: score, weight, contribution, findings by severity, and each
    -- finding's cost. The engine's explanation, as computed.
    factors             jsonb NOT NULL,
    evidence_count      integer NOT NULL CHECK (evidence_count >= 0),
    inputs_digest       text NOT NULL CHECK (inputs_digest ~ '^[0-9a-f]{64}$'),
    -- SHA-256 of what a reader sees (status, score, grade, confidence, factor scores
    -- and counts): the engine writes a new row only when this changes.
    outcome_digest      text NOT NULL CHECK (outcome_digest ~ '^[0-9a-f]{64}$'),
    reason              text NOT NULL CHECK (reason IN ('initial', 'new_evidence',
                            'evidence_expired', 'correction', 'methodology_change',
                            'evidence_changed')),
    reason_detail       jsonb NOT NULL DEFAULT '{}'::jsonb,
    CHECK ((status = 'rated') = (score IS NOT NULL AND grade IS NOT NULL)),
    CHECK ((status = 'insufficient_data') = (insufficient_reason IS NOT NULL))
);
CREATE INDEX ratings_company_idx ON ratings (company_id, id DESC);
CREATE INDEX ratings_version_idx ON ratings (methodology_version);

-- Dated security incidents, used to validate methodologies (back-tests). Breaches
-- that a company's rating should reflect also appear as evidence.
CREATE TABLE incidents (
    id           bigserial PRIMARY KEY,
    company_id   bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    occurred_at  timestamptz NOT NULL,
    disclosed_at timestamptz,
    kind         text NOT NULL CHECK (kind IN ('breach', 'ransomware', 'compromise',
                     'ddos', 'data_exposure', 'other')),
    severity     text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    source       text NOT NULL CHECK (length(source) BETWEEN 1 AND 100),
    external_ref text NOT NULL DEFAULT '' CHECK (length(external_ref) <= 200),
    summary      text NOT NULL DEFAULT '' CHECK (length(summary) <= 2000),
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (disclosed_at IS NULL OR disclosed_at >= occurred_at),
    UNIQUE (company_id, source, external_ref, occurred_at)
);
CREATE INDEX incidents_company_idx ON incidents (company_id, occurred_at);

-- Commercial data lives in its own schema. Nothing under rater/ reads it; a test
-- proves ratings are bit-identical whatever it holds (principle 5).
CREATE SCHEMA commercial;
CREATE TABLE commercial.customers (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE commercial.subscriptions (
    id          bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES commercial.customers (id) ON DELETE CASCADE,
    -- A rated company can also be a customer; that link is the only one.
    company_id  bigint REFERENCES public.companies (id) ON DELETE SET NULL,
    plan        text NOT NULL CHECK (plan IN ('free', 'standard', 'premium', 'enterprise')),
    annual_value_eur numeric(12, 2) NOT NULL DEFAULT 0 CHECK (annual_value_eur >= 0),
    started_at  timestamptz NOT NULL DEFAULT now(),
    ended_at    timestamptz
);
