-- The user directory (issue 11 item 1): find users by a part of their email or name in a
-- million rows, page them by creation or last sign-in with keyset cursors.
--
-- pg_trgm ships with PostgreSQL (Debian's postgresql-15 package) and is a trusted extension:
-- the database's owner may create it without being a superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Contains-searches (`LIKE '%ada%'`, `ILIKE`) and prefix searches on email and name: the GIN
-- trigram indexes find the rows holding every trigram of the text instead of reading them all.
CREATE INDEX users_email_trigrams ON users USING gin (email gin_trgm_ops);
CREATE INDEX users_name_trigrams ON users USING gin (name gin_trgm_ops);

-- When the user last started a session (written with the session, see PostgresSessionStore);
-- '-infinity' for never, so the keyset order needs no NULL case. A constant default: adding
-- the column rewrites no row.
ALTER TABLE users ADD COLUMN last_sign_in_at timestamptz NOT NULL DEFAULT '-infinity';

-- The directory's two orders, each (key, id) for keyset pages in either direction.
CREATE INDEX users_created_page ON users (created_at, id);
CREATE INDEX users_last_sign_in_page ON users (last_sign_in_at, id);
-- The role filter (`client_admin`s anywhere) without reading every membership.
CREATE INDEX memberships_role ON memberships (role, user_id);

-- The console's dashboard counts, each from an index: sign-ins and failures of the last day,
-- live sessions.
CREATE INDEX audit_events_type_time ON audit_events (type, occurred_at);
CREATE INDEX browser_sessions_live ON browser_sessions (expires_at) WHERE revoked_at IS NULL;
