-- A reset link mailed to the account's address proves the mailbox; the forced change of an
-- expired password (issued at sign-in, never mailed) does not, so completing it must neither
-- mark the email verified nor lift a lock.
ALTER TABLE password_reset_tokens ADD COLUMN proves_mailbox boolean NOT NULL DEFAULT true;
