-- A support session lives no longer than the administrator's own session it was started from
-- (issue 11 item 8): signing out there, being signed out everywhere, or that session expiring
-- ends the support session at its next use. A purged or erased administrator's session leaves
-- NULL, which ends it too. Sessions started before this migration have none and end at their
-- next use (they last 15 minutes at most).
ALTER TABLE browser_sessions
    ADD COLUMN impersonator_session_id uuid REFERENCES browser_sessions(id) ON DELETE SET NULL;
