-- The scan queue: one job per domain asset, with the time it is next due and how
-- often it is rescanned. Workers on any number of machines claim due jobs with
-- FOR UPDATE SKIP LOCKED and hold a lease; a job whose lease ran out (its worker died)
-- is claimable again. collector/scan_queue.c is the only writer.
CREATE TABLE scan_jobs (
    id               bigserial PRIMARY KEY,
    company_id       bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    asset_id         bigint NOT NULL UNIQUE REFERENCES assets (id) ON DELETE CASCADE,
    due_at           timestamptz NOT NULL,
    interval_seconds integer NOT NULL DEFAULT 86400
                     CHECK (interval_seconds BETWEEN 60 AND 31536000),
    leased_by        text CHECK (length(leased_by) <= 200),
    lease_until      timestamptz,
    -- Claims since the last clean finish: a job that keeps failing backs off.
    attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    scans            bigint NOT NULL DEFAULT 0 CHECK (scans >= 0),
    last_started_at  timestamptz,
    last_finished_at timestamptz,
    last_error       text CHECK (length(last_error) <= 500),
    CHECK ((leased_by IS NULL) = (lease_until IS NULL))
);
-- Claims look for due jobs and for leases that ran out, oldest first.
CREATE INDEX scan_jobs_due_idx ON scan_jobs (due_at) WHERE lease_until IS NULL;
CREATE INDEX scan_jobs_lease_idx ON scan_jobs (lease_until) WHERE lease_until IS NOT NULL;
CREATE INDEX scan_jobs_company_idx ON scan_jobs (company_id);
