-- Back-test results published for a methodology version (principle 3): incident rates
-- by grade, relative risk against the top grade, ROC AUC for incidents in the year after
-- the rating. The back-test itself writes these rows; the API answers
-- /v1/methodology/versions/{version}/validation from them, and 404
-- "validation_not_published" until a version has one.
CREATE TABLE methodology_validation (
    version       text PRIMARY KEY REFERENCES methodology_versions (version),
    -- The figures as computed, e.g. {"window_days": 365, "companies": 9512,
    -- "by_grade": [{"grade": "A", "companies": 1200, "incidents": 3, "rate": 0.0025,
    -- "relative_risk": 1.0}, ...], "roc_auc": 0.71}.
    figures       jsonb NOT NULL CHECK (jsonb_typeof(figures) = 'object'),
    -- The ratings and incidents the back-test used: rated as of, followed up until.
    rated_as_of   timestamptz NOT NULL,
    followed_until timestamptz NOT NULL CHECK (followed_until > rated_as_of),
    computed_at   timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz NOT NULL DEFAULT now()
);
