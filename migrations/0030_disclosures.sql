-- Governance disclosures (docs/disclosure.md): a company submits each of the five
-- items of the methodology's governance factor (governance.<item>) with where it is
-- published; staff verify or reject it. A verified, unexpired disclosure is written
-- as governance evidence (source 'disclosure'); the rules live in
-- disclosure/disclosure_state.c and disclosure/disclosure_rules.c.
CREATE TABLE disclosures (
    id                bigserial PRIMARY KEY,
    company_id        bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    item              text NOT NULL CHECK (item IN ('basic_policy', 'management_structure',
                          'education_training', 'information_sharing',
                          'third_party_certification')),
    state             text NOT NULL DEFAULT 'submitted' CHECK (state IN ('submitted',
                          'verified', 'rejected', 'withdrawn', 'expired', 'superseded')),
    statement         text NOT NULL CHECK (length(statement) BETWEEN 1 AND 4000),
    published_url     text CHECK (length(published_url) BETWEEN 1 AND 500),
    report_name       text CHECK (length(report_name) BETWEEN 1 AND 200),
    report_page       text CHECK (length(report_page) BETWEEN 1 AND 40),
    -- Third-party certification only: all five present, or none.
    cert_scheme       text CHECK (length(cert_scheme) BETWEEN 1 AND 200),
    cert_number       text CHECK (length(cert_number) BETWEEN 1 AND 200),
    cert_body         text CHECK (length(cert_body) BETWEEN 1 AND 200),
    cert_scope        text CHECK (length(cert_scope) BETWEEN 1 AND 1000),
    valid_from        date,
    valid_until       date,
    submitted_by      bigint REFERENCES api_keys (id) ON DELETE SET NULL,
    submitted_at      timestamptz NOT NULL,
    decided_by        bigint REFERENCES api_keys (id) ON DELETE SET NULL,
    decided_at        timestamptz,
    decision_reason   text CHECK (length(decision_reason) BETWEEN 1 AND 4000),
    ended_at          timestamptz,
    version           integer NOT NULL DEFAULT 1,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (published_url IS NOT NULL OR report_name IS NOT NULL),
    CHECK ((item = 'third_party_certification') = (cert_scheme IS NOT NULL)),
    CHECK ((cert_scheme IS NULL) = (cert_number IS NULL)
        AND (cert_scheme IS NULL) = (cert_body IS NULL)
        AND (cert_scheme IS NULL) = (cert_scope IS NULL)
        AND (cert_scheme IS NULL) = (valid_from IS NULL)
        AND (cert_scheme IS NULL) = (valid_until IS NULL)),
    CHECK (valid_until > valid_from),
    CHECK (state <> 'verified' OR decided_at IS NOT NULL)
);
-- One disclosure of an item waits for staff, and one counts, per company.
CREATE UNIQUE INDEX disclosures_one_submitted ON disclosures (company_id, item)
    WHERE state = 'submitted';
CREATE UNIQUE INDEX disclosures_one_verified ON disclosures (company_id, item)
    WHERE state = 'verified';
CREATE INDEX disclosures_company_idx ON disclosures (company_id, id);
CREATE INDEX disclosures_queue_idx ON disclosures (state, id);
-- The tick looks for verified certificates past their date.
CREATE INDEX disclosures_expiry_idx ON disclosures (valid_until) WHERE state = 'verified';

-- Supporting documents of a disclosure, under the rules of every attachment
-- (common/attachment.h): allow-listed types, capped size, digest. Only the company and
-- staff read them; investors never.
CREATE TABLE disclosure_attachments (
    id            bigserial PRIMARY KEY,
    disclosure_id bigint NOT NULL REFERENCES disclosures (id) ON DELETE CASCADE,
    filename      text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200
                      AND filename !~ '[/\\[:cntrl:]]'),
    content_type  text NOT NULL CHECK (content_type IN ('application/pdf', 'image/png',
                      'image/jpeg', 'text/plain', 'text/csv')),
    content       bytea NOT NULL CHECK (octet_length(content) BETWEEN 1 AND 5242880),
    size          integer NOT NULL CHECK (size = octet_length(content)),
    sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    uploaded_by   bigint REFERENCES api_keys (id) ON DELETE SET NULL,
    uploaded_at   timestamptz NOT NULL
);
CREATE INDEX disclosure_attachments_disclosure_idx
    ON disclosure_attachments (disclosure_id, id);
