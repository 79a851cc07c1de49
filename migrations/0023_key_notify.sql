-- Revocation notice for the API's key cache (api/key_cache.c, api/cache_listener.c).
-- Whatever changes what an API key may do (revoked_at, role, company, its secret or
-- prefix), or its deletion, notifies channel fairrate_key_changed with the key's id,
-- so that every server instance drops its cached row at once instead of after the key
-- cache time. last_used_at, written once a minute per key in use, notifies nothing.
-- NOTIFY is delivered when the transaction commits, never for one rolled back.

CREATE FUNCTION fairrate_notify_key() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('fairrate_key_changed', OLD.id::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER api_keys_notify_update
    AFTER UPDATE OF revoked_at, role, company_id, secret_sha256, prefix ON api_keys
    FOR EACH ROW EXECUTE FUNCTION fairrate_notify_key();
CREATE TRIGGER api_keys_notify_delete AFTER DELETE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION fairrate_notify_key();
