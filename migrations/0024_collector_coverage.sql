-- When each collector last covered each company: looked at it and recorded what it
-- saw, clean or not. A company with no row for a collector was never looked at by
-- it, which is not the same as "observed and clean" (issue "a collector for every
-- factor"; the methodology uses it to tell the two apart). Written in the same
-- transaction as the collector's evidence; covered_at only moves forward.
CREATE TABLE collector_coverage (
    company_id bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    collector  text NOT NULL
               CHECK (collector ~ '^(web|tls|mail|ports|discovery|feed:[a-z0-9][a-z0-9_.-]{0,47})$'),
    covered_at timestamptz NOT NULL,
    PRIMARY KEY (company_id, collector)
);
