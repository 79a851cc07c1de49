-- What patching is judged against (fairrate feed endoflife|kev|osv, docs/collector.md
-- "Patching"): release cycles with their end of life (endoflife.date), the Known
-- Exploited Vulnerabilities catalogue (CISA KEV) and vulnerability records with their
-- affected version ranges (OSV). Loaded from files the operator fetched; never
-- downloaded by fairrate.
CREATE TABLE software_cycles (
    product     text NOT NULL CHECK (product ~ '^[a-z0-9][a-z0-9.-]{0,31}$'),
    cycle       text NOT NULL CHECK (length(cycle) BETWEEN 1 AND 63),
    eol         date,                 -- the end of support; NULL: none announced
    eol_reached boolean NOT NULL DEFAULT false, -- past its end, date not given
    latest      text CHECK (length(latest) <= 63),
    source      text NOT NULL,
    loaded_at   timestamptz NOT NULL,
    PRIMARY KEY (product, cycle)
);

CREATE TABLE kev (
    cve        text PRIMARY KEY CHECK (cve ~ '^CVE-[0-9]{4}-[0-9]+$'),
    vendor     text NOT NULL,
    product    text NOT NULL,
    date_added date NOT NULL,
    ransomware boolean NOT NULL,
    loaded_at  timestamptz NOT NULL
);

CREATE TABLE software_vulns (
    id        text NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
    product   text NOT NULL,
    aliases   text[] NOT NULL DEFAULT '{}',
    ranges    jsonb NOT NULL,
    versions  jsonb NOT NULL,
    source    text NOT NULL,
    loaded_at timestamptz NOT NULL,
    PRIMARY KEY (id, product)
);
CREATE INDEX software_vulns_aliases_idx ON software_vulns USING gin (aliases);

-- The patching collector records its coverage like the others.
ALTER TABLE collector_coverage DROP CONSTRAINT collector_coverage_collector_check;
ALTER TABLE collector_coverage ADD CONSTRAINT collector_coverage_collector_check
    CHECK (collector ~ '^(web|tls|mail|ports|discovery|patching|feed:[a-z0-9][a-z0-9_.-]{0,47})$');
