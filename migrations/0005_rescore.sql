-- Rescoring reads, for every company, the latest time its evidence was corrected (to
-- label a new rating 'correction'). Corrected evidence is a small part of all
-- evidence, so a partial index answers that without scanning the evidence table.
CREATE INDEX evidence_corrected_idx ON evidence (company_id, corrected_at)
    WHERE status = 'corrected';
