-- Personal access tokens (issue 11 item 6). The key's text (ghpat_…) is shown to its owner once
-- and stored nowhere: only its SHA-256 digest, by which a presented key is found. A user's keys
-- go with the user (ON DELETE CASCADE); revoked keys stay (revoked_at) so that later uses are
-- recognised and audited as uses of a revoked key.

CREATE TABLE api_keys (
    id                  uuid PRIMARY KEY,
    token_digest        bytea NOT NULL UNIQUE CHECK (octet_length(token_digest) = 32),
    user_id             uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name                text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    -- Sorted scope strings: gatehouse:manage and permission strings the owner held at creation.
    scopes              text[] NOT NULL CHECK (cardinality(scopes) >= 1),
    created_at          timestamptz NOT NULL,
    expires_at          timestamptz NOT NULL CHECK (expires_at > created_at),
    -- Written at most once a minute per key (APIKeys.lastUseResolution).
    last_used_at        timestamptz,
    revoked_at          timestamptz,
    -- user:<id> or operator; a text, since the revoker may be the operator at the shell.
    revoked_by          text,
    -- When a refused use of this key was last audited (at most one event a minute per key).
    refusal_noticed_at  timestamptz
);

-- The owner's list, newest first, and the count of live keys.
CREATE INDEX api_keys_by_user ON api_keys (user_id, created_at DESC) WHERE revoked_at IS NULL;
