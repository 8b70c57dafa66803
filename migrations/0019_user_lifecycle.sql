-- The user lifecycle (issue 11 item 3): a status on every account, the time before which its
-- tokens no longer count, who changed what, and erasure.
--
-- status: active › suspended (an admin stopped it) › deactivated (the user or an admin closed it;
-- an admin may reactivate) › erased (GDPR erasure: the row stays as a tombstone holding only the
-- id and the facts of the erasure, so the id is never given to anyone else and the created_by /
-- updated_by columns of rows the user wrote keep naming the same pseudonymous id).
ALTER TABLE users ADD COLUMN status text NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'suspended', 'deactivated', 'erased'));
-- Access tokens issued (iat) before this instant are refused at /userinfo, /introspect and
-- /api/v1; set when an account is suspended, deactivated or erased. Read with the user row the
-- token checks already read, so it costs no extra query.
ALTER TABLE users ADD COLUMN credentials_not_before timestamptz;
ALTER TABLE users ADD COLUMN status_changed_at timestamptz;
ALTER TABLE users ADD COLUMN status_changed_by uuid REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE users ADD COLUMN created_by uuid REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE users ADD COLUMN updated_by uuid REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE users ADD COLUMN deleted_at timestamptz;
ALTER TABLE users ADD COLUMN deleted_by uuid REFERENCES users(id) ON DELETE SET NULL;
-- An erased account keeps no email (nor any other personal column: the erasure nulls them).
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
ALTER TABLE users ADD CONSTRAINT users_erased_has_no_email CHECK ((status = 'erased') = (email IS NULL));
ALTER TABLE users ADD CONSTRAINT users_erased_when_deleted CHECK ((status = 'erased') = (deleted_at IS NOT NULL));
CREATE INDEX users_status ON users (status) WHERE status <> 'active';

-- A refresh token stored for an account that is not active, or from a sign-in before its
-- credentials_not_before (an authorization code redeemed just after a suspension revoked the
-- families), is stored revoked from the start — as a token of a revoked family is: a refresh
-- then answers invalid_grant, introspection inactive. One primary-key read inside the INSERT.
CREATE FUNCTION refresh_tokens_account_standing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.revoked_at IS NULL AND EXISTS (
        SELECT 1 FROM users u WHERE u.id = NEW.user_id
          AND (u.status <> 'active' OR (u.credentials_not_before IS NOT NULL AND NEW.auth_time < u.credentials_not_before))) THEN
        NEW.revoked_at := NEW.created_at;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER refresh_tokens_account_standing
    BEFORE INSERT ON refresh_tokens
    FOR EACH ROW EXECUTE FUNCTION refresh_tokens_account_standing();
-- Counting active super_admins (the last one is never suspended, deactivated or erased).
CREATE INDEX platform_roles_role ON platform_roles (role, user_id);

-- The audit trail and erasure. Events written from now on keep personal data (the address and
-- user agent, an email in the details) out of the MACed body: it is stored in `personal` (JSON
-- with a random 16-byte salt) and only its SHA-256, `personal_digest`, is MACed (the "v2" form
-- of the chain). Erasing a user sets `personal` to NULL on the events about or by them; the
-- digest stays, so the chain verifies exactly as before, and without the salt the digest says
-- nothing about what was there. Rows written before this migration have no digest: their MAC
-- covers their personal fields, they still verify, and they keep those fields (see README,
-- "Administration").
ALTER TABLE audit_events ADD COLUMN personal bytea;
ALTER TABLE audit_events ADD COLUMN personal_digest bytea;
ALTER TABLE audit_events ADD COLUMN personal_erased_at timestamptz;
CREATE INDEX audit_events_actor ON audit_events (actor, id);

-- Still append-only, with one exception: erasing the personal part of a v2 row (and recording
-- when). Nothing the MAC covers may change.
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.personal_digest IS NOT NULL AND NEW.personal IS NULL AND NEW.personal_erased_at IS NOT NULL
       AND (NEW.id, NEW.occurred_at, NEW.type, NEW.actor, NEW.subject, NEW.client_id, NEW.ip, NEW.user_agent,
            NEW.details, NEW.previous_mac, NEW.mac, NEW.personal_digest)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.occurred_at, OLD.type, OLD.actor, OLD.subject, OLD.client_id, OLD.ip, OLD.user_agent,
            OLD.details, OLD.previous_mac, OLD.mac, OLD.personal_digest) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

-- The farewell mailed to an erased account is the one place its address outlives the erasure:
-- the row is marked, and once it is no longer pending (sent or given up) its recipient goes.
ALTER TABLE email_outbox ADD COLUMN forget_recipient boolean NOT NULL DEFAULT false;

CREATE FUNCTION email_outbox_forget_recipient() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.forget_recipient AND NEW.status <> 'pending' THEN
        NEW.recipient := 'erased@invalid';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER email_outbox_forget_recipient
    BEFORE UPDATE ON email_outbox
    FOR EACH ROW EXECUTE FUNCTION email_outbox_forget_recipient();
