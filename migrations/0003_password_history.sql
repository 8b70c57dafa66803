-- Password history and age (PasswordPolicy): the argon2id hashes of each account's recent
-- passwords, for the no-reuse rule, and when the password last changed, for the optional
-- maximum age. Only as many hashes are kept as the policy needs; they go with the account.

CREATE TABLE password_history (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    password_hash  text NOT NULL,
    created_at     timestamptz NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, created_at DESC, id DESC);

-- NULL until the password is first changed; readers fall back to users.created_at.
ALTER TABLE users ADD COLUMN password_changed_at timestamptz;
