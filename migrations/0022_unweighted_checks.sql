-- Checks the collectors record before a published methodology weighs them (issue
-- "accurate evidence"): their codes, factor, severity and texts, loaded by
-- `fairrate migrate` from methodology/unweighted/checks.json (the whole table is
-- replaced by the file's content). Evidence of these codes is accepted by the
-- importers and the scanner, shown to the company marked unweighted, and counted by
-- no rating; a code named by a published methodology takes that definition instead.
CREATE TABLE unweighted_checks (
    code        text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*\.[a-z0-9_.]+$'),
    factor      text NOT NULL CHECK (factor ~ '^[a-z][a-z0-9_]*$'),
    severity    text NOT NULL
                CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
    title       text NOT NULL CHECK (title <> ''),
    description text NOT NULL CHECK (description <> ''),
    CHECK (starts_with(code, factor || '.'))
);
