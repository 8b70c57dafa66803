-- Support sign-in (issue 11 item 8): a browser session of a user in which an administrator acts
-- as them, marked by its reason (never NULL in one) and the administrator. The rows are the user's record of who
-- acted as them (`/account`, "Support sign-ins"): the purge of ended sessions keeps them, and
-- erasing the user deletes them with their other sessions. An erased administrator's account
-- stays as a tombstone (the reference stays, their address reads as gone); a deleted one leaves
-- NULL, and such a session can no longer be used (nobody stands behind it).
ALTER TABLE browser_sessions
    ADD COLUMN impersonator_id uuid REFERENCES users(id) ON DELETE SET NULL,
    ADD COLUMN support_reason text CHECK (char_length(support_reason) <= 500),
    ADD CONSTRAINT browser_sessions_support_marked CHECK (impersonator_id IS NULL OR support_reason IS NOT NULL);

-- The user's support sign-ins, newest first.
CREATE INDEX browser_sessions_support ON browser_sessions (user_id, created_at DESC) WHERE support_reason IS NOT NULL;
