-- Only analyst and admin keys review disputes (docs/disputes.md, "Rules beyond the
-- table"). The store looks the named reviewer up first and answers 422
-- invalid_assignee for no such key, a revoked key or another role; this trigger keeps
-- any other writer from giving a dispute to an investor or company key. It checks the
-- role only: a reviewer whose key is revoked later keeps the disputes it holds until
-- staff reassign them. A key's role never changes (api_keys has no such update).
CREATE FUNCTION disputes_assignee_is_staff() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM api_keys
                    WHERE id = NEW.assignee_key_id AND role IN ('analyst', 'admin')) THEN
        RAISE EXCEPTION 'dispute %: key % is not an analyst or admin key',
            NEW.id, NEW.assignee_key_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER disputes_assignee_staff_insert BEFORE INSERT ON disputes
    FOR EACH ROW WHEN (NEW.assignee_key_id IS NOT NULL)
    EXECUTE FUNCTION disputes_assignee_is_staff();
CREATE TRIGGER disputes_assignee_staff_update BEFORE UPDATE OF assignee_key_id ON disputes
    FOR EACH ROW WHEN (NEW.assignee_key_id IS NOT NULL
                       AND NEW.assignee_key_id IS DISTINCT FROM OLD.assignee_key_id)
    EXECUTE FUNCTION disputes_assignee_is_staff();
