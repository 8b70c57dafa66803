-- Users imported from another provider (issue 11 item 4), keyed by the id they had there so a
-- second run of the same file updates them instead of making duplicates. One row per
-- (source, external_id), at most one per user and source.

CREATE TABLE external_identities (
    -- The provider named at import ("import" unless the operator names one): a-z, 0-9, '-', '_'.
    source       text NOT NULL CHECK (source ~ '^[a-z0-9_-]{1,64}$'),
    external_id  text NOT NULL CHECK (char_length(external_id) BETWEEN 1 AND 256),
    user_id      uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    created_by   uuid REFERENCES users(id) ON DELETE SET NULL,
    updated_at   timestamptz NOT NULL,
    updated_by   uuid REFERENCES users(id) ON DELETE SET NULL,
    PRIMARY KEY (source, external_id),
    UNIQUE (source, user_id)
);

-- A user's identities, for the erasure below and the user's export.
CREATE INDEX external_identities_by_user ON external_identities (user_id);

-- An erasure keeps the users row (status 'erased', personal data cleared) for the audit trail's
-- pseudonymous id; the id another provider knew the person by is personal data and goes with it.
CREATE FUNCTION external_identities_erase() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM external_identities WHERE user_id = NEW.id;
    RETURN NEW;
END
$$;

CREATE TRIGGER external_identities_erase AFTER UPDATE OF status ON users
    FOR EACH ROW WHEN (NEW.status = 'erased' AND OLD.status IS DISTINCT FROM 'erased')
    EXECUTE FUNCTION external_identities_erase();
