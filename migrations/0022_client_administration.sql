-- Clients administered from the console and the API (issue 11 item 5): an owning organization
-- (its client_admins manage the client; NULL is a platform client), the secret a rotation
-- replaced with the end of its grace period, per-client token lifetimes in seconds (NULL: the
-- server's; never longer, checked in Core), and a revision that every update increments, so a
-- write based on a stale read is refused (ETag / If-Match).
ALTER TABLE clients
    ADD COLUMN organization_id             uuid REFERENCES organizations(id) ON DELETE CASCADE,
    ADD COLUMN previous_secret_digest      bytea,
    ADD COLUMN previous_secret_expires_at  timestamptz,
    ADD COLUMN access_token_lifetime       integer CHECK (access_token_lifetime > 0),
    ADD COLUMN refresh_token_idle_lifetime integer CHECK (refresh_token_idle_lifetime > 0),
    ADD COLUMN refresh_token_absolute_lifetime integer CHECK (refresh_token_absolute_lifetime > 0),
    ADD COLUMN revision                    bigint NOT NULL DEFAULT 1,
    ADD COLUMN updated_at                  timestamptz,
    ADD COLUMN created_by                  uuid REFERENCES users(id) ON DELETE SET NULL,
    ADD COLUMN updated_by                  uuid REFERENCES users(id) ON DELETE SET NULL,
    ADD CONSTRAINT clients_previous_secret CHECK ((previous_secret_digest IS NULL) = (previous_secret_expires_at IS NULL));

-- The console's and the API's lists: newest first by keyset, all or one organization's.
CREATE INDEX clients_listed ON clients (created_at DESC, id DESC);
CREATE INDEX clients_organization ON clients (organization_id, created_at DESC, id DESC) WHERE organization_id IS NOT NULL;
