-- Second factors: TOTP and emailed-code credentials, recovery codes, per-client MFA policy.
-- TOTP secrets are sealed with AES-256-GCM under GATEHOUSE_ENCRYPTION_KEY (nonce || ciphertext
-- || tag, bound to the user); recovery codes are SHA-256 digests, each usable once.

CREATE TABLE mfa_credentials (
    id              uuid PRIMARY KEY,
    user_id         uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('totp', 'email')),
    sealed_secret   bytea,
    -- The newest RFC 6238 time step a code was accepted for: a code is never accepted twice.
    last_used_step  bigint,
    created_at      timestamptz NOT NULL,
    -- NULL while the enrolment waits for its first code; such a credential never counts.
    confirmed_at    timestamptz,
    CHECK (kind <> 'totp' OR sealed_secret IS NOT NULL)
);
-- At most one confirmed and one unconfirmed credential per user and kind.
CREATE UNIQUE INDEX mfa_credentials_confirmed ON mfa_credentials (user_id, kind) WHERE confirmed_at IS NOT NULL;
CREATE UNIQUE INDEX mfa_credentials_unconfirmed ON mfa_credentials (user_id, kind) WHERE confirmed_at IS NULL;

CREATE TABLE recovery_codes (
    user_id     uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    digest      bytea NOT NULL,
    created_at  timestamptz NOT NULL,
    used_at     timestamptz,
    PRIMARY KEY (user_id, digest)
);

ALTER TABLE clients ADD COLUMN require_mfa boolean NOT NULL DEFAULT false;
