-- Invitations (issue 10 item 4): single use, 256-bit token stored only as its SHA-256 digest,
-- expiring (GATEHOUSE_INVITE_TTL, 7 days by default). Organization roles name their
-- organization; platform roles name none.

CREATE TABLE invitations (
    id               uuid PRIMARY KEY,
    token_digest     bytea NOT NULL UNIQUE,
    email            text NOT NULL CHECK (email = lower(email)),
    role             text NOT NULL CHECK (role IN ('site_admin', 'operator', 'client_admin', 'client_user')),
    organization_id  uuid REFERENCES organizations(id) ON DELETE CASCADE,
    invited_by       uuid REFERENCES users(id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL,
    accepted_at      timestamptz,
    accepted_by      uuid REFERENCES users(id) ON DELETE SET NULL,
    revoked_at       timestamptz,
    revoked_by       uuid REFERENCES users(id) ON DELETE SET NULL,
    -- Set when a resend replaced this invitation with a new link.
    replaced_by      uuid REFERENCES invitations(id) ON DELETE SET NULL,
    -- Set once the expiry has been noticed (and announced): the row stops being pending.
    expired_at       timestamptz,
    CHECK ((role IN ('client_admin', 'client_user')) = (organization_id IS NOT NULL))
);

-- One pending invitation per address and place (an organization, or the platform): a second
-- invitation there answers 409.
CREATE UNIQUE INDEX invitations_pending ON invitations (email, organization_id) NULLS NOT DISTINCT
    WHERE accepted_at IS NULL AND revoked_at IS NULL AND expired_at IS NULL;
-- The inviter's list and an organization's list, newest first.
CREATE INDEX invitations_by_inviter ON invitations (invited_by, created_at DESC);
CREATE INDEX invitations_by_organization ON invitations (organization_id, created_at DESC);
-- The expiry sweep.
CREATE INDEX invitations_expiring ON invitations (expires_at)
    WHERE accepted_at IS NULL AND revoked_at IS NULL AND expired_at IS NULL;
