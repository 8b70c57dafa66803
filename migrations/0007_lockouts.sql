-- Account lockouts (brute-force protection). Durable, so a Redis restart cannot lift a lock.
-- `subject` is the SHA-256 of the limiter subject ("password:<normalized email>" or
-- "second-factor:<user id>"): emails with no account are locked exactly like real ones, and no
-- address an attacker typed is kept in clear.

CREATE TABLE account_lockouts (
    subject       bytea PRIMARY KEY,
    locked_at     timestamptz NOT NULL,
    locked_until  timestamptz NOT NULL
);
CREATE INDEX account_lockouts_until ON account_lockouts (locked_until);
