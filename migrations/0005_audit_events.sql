-- The audit trail: security events, append-only. Each row carries HMAC-SHA256 (under
-- GATEHOUSE_AUDIT_KEY) over its own fields and the previous row's MAC, appended under an
-- advisory lock so concurrent instances never fork the chain; `gatehouse audit verify`
-- recomputes it.
--
-- The triggers below refuse UPDATE, DELETE and TRUNCATE from everyone. The table's owner or a
-- superuser can still switch them off (ALTER TABLE ... DISABLE TRIGGER) and edit rows: the MAC
-- chain is what catches that.

CREATE TABLE audit_events (
    id            bigserial PRIMARY KEY,
    occurred_at   timestamptz NOT NULL,
    type          text NOT NULL,
    actor         text,
    subject       uuid,
    client_id     text,
    ip            text,
    user_agent    text,
    details       jsonb NOT NULL DEFAULT '{}',
    previous_mac  bytea NOT NULL,
    mac           bytea NOT NULL
);
CREATE INDEX audit_events_subject ON audit_events (subject, id);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

CREATE TRIGGER audit_events_no_truncate
    BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
