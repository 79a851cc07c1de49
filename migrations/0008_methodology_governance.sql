-- Methodology governance (principle 4). A draft lives in methodology_versions with
-- status 'draft'; these tables keep what its review produced and what its switch did.

-- The impact preview of a version: every company rated under it and under the version
-- in force (baseline), from the same evidence at the same time, summarised (score
-- deltas, grade migration matrix, top movers, confidence changes, insufficient data).
-- One per version, replaced by each new preview; publishing requires one computed for
-- the definition being published (definition_sha256), and it stays as the version's
-- published aggregate impact.
CREATE TABLE methodology_previews (
    version           text PRIMARY KEY
                      REFERENCES methodology_versions (version) ON DELETE CASCADE,
    baseline_version  text NOT NULL REFERENCES methodology_versions (version),
    definition_sha256 text NOT NULL CHECK (definition_sha256 ~ '^[0-9a-f]{64}$'),
    as_of             timestamptz NOT NULL,
    companies         integer NOT NULL CHECK (companies >= 0),
    impact            jsonb NOT NULL CHECK (jsonb_typeof(impact) = 'object'),
    computed_at       timestamptz NOT NULL DEFAULT now()
);

-- The switch to a published version: once its effective time has passed, every
-- company was rescored under it (`fairrate tick`), without an operator. One row per
-- version; its presence means the switch is done.
CREATE TABLE methodology_switches (
    version     text PRIMARY KEY REFERENCES methodology_versions (version),
    as_of       timestamptz NOT NULL,
    companies   integer NOT NULL CHECK (companies >= 0),
    new_rows    integer NOT NULL CHECK (new_rows >= 0),
    switched_at timestamptz NOT NULL DEFAULT now()
);
