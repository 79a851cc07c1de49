-- When a collector first covered a company. A rating's "covered by as_of" reads this
-- (docs/methodology.md, clean_if_covered_by): unlike covered_at, it never moves, so a
-- stored rating's inputs stay the same when it is recomputed later.
ALTER TABLE collector_coverage ADD COLUMN first_covered_at timestamptz;
UPDATE collector_coverage SET first_covered_at = covered_at;
ALTER TABLE collector_coverage ALTER COLUMN first_covered_at SET NOT NULL;
ALTER TABLE collector_coverage ADD CHECK (first_covered_at <= covered_at);
