-- The OpenID Connect core: users, clients, consents, browser sessions, refresh-token families.
-- Secrets are never stored as themselves: client secrets, session cookies and refresh tokens
-- are SHA-256 digests; passwords are argon2id PHC strings.

CREATE TABLE users (
    id              uuid PRIMARY KEY,
    email           text NOT NULL UNIQUE CHECK (email = lower(email)),
    email_verified  boolean NOT NULL DEFAULT false,
    name            text,
    given_name      text,
    family_name     text,
    picture         text,
    password_hash   text,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

CREATE TABLE clients (
    id                         text PRIMARY KEY,
    secret_digest              bytea,
    name                       text NOT NULL,
    redirect_uris              text[] NOT NULL,
    post_logout_redirect_uris  text[] NOT NULL DEFAULT '{}',
    grant_types                text[] NOT NULL,
    allowed_scopes             text[] NOT NULL DEFAULT '{}',
    created_at                 timestamptz NOT NULL
);

CREATE TABLE consents (
    user_id     uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id   text NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    scopes      text[] NOT NULL,
    granted_at  timestamptz NOT NULL,
    PRIMARY KEY (user_id, client_id)
);

CREATE TABLE browser_sessions (
    id            uuid PRIMARY KEY,
    token_digest  bytea NOT NULL UNIQUE,
    user_id       uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    auth_time     timestamptz NOT NULL,
    amr           text[] NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL,
    revoked_at    timestamptz,
    ip_address    text,
    user_agent    text
);
CREATE INDEX browser_sessions_user ON browser_sessions (user_id);

CREATE TABLE refresh_tokens (
    digest             bytea PRIMARY KEY,
    family_id          uuid NOT NULL,
    client_id          text NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    user_id            uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    scopes             text[] NOT NULL,
    session_id         uuid,
    auth_time          timestamptz NOT NULL,
    amr                text[] NOT NULL,
    created_at         timestamptz NOT NULL,
    expires_at         timestamptz NOT NULL,
    family_expires_at  timestamptz NOT NULL,
    used_at            timestamptz,
    revoked_at         timestamptz
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

-- Secrets the instances of one deployment share and generate themselves (e.g. the CSRF key),
-- so nothing extra must be configured to run several instances.
CREATE TABLE instance_secrets (
    name        text PRIMARY KEY,
    value       bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
