-- Mail bodies hold reset links, verification codes and sign-in codes. They are kept only while
-- the mail may still be sent: once it left (or was given up) the bodies are removed and the
-- subject, which may carry the code too, is replaced by its redacted form. What remains is the
-- delivery record: recipient, subject, times, status, attempts, Message-ID and last error.
-- (Development mode keeps bodies for /dev/mailbox; serve outside it removes them at start.)

ALTER TABLE email_outbox ALTER COLUMN text_body DROP NOT NULL;
-- The subject to keep once the mail is gone, when the subject itself carries a secret.
ALTER TABLE email_outbox ADD COLUMN redacted_subject text;
-- When the bodies were removed.
ALTER TABLE email_outbox ADD COLUMN body_removed_at timestamptz;
-- A mail that may still be sent has its body.
ALTER TABLE email_outbox ADD CONSTRAINT email_outbox_pending_has_body CHECK (status <> 'pending' OR text_body IS NOT NULL);

-- Mail written before this migration: the code-carrying subjects were "NNNNNN is your … code".
UPDATE email_outbox SET redacted_subject = regexp_replace(subject, '^[0-9]{6} ', '[code] ')
WHERE subject ~ '^[0-9]{6} is your ';
UPDATE email_outbox
SET text_body = NULL, html_body = NULL, subject = COALESCE(redacted_subject, subject), redacted_subject = NULL,
    body_removed_at = now()
WHERE status <> 'pending';

-- Delivered mail whose body is still kept (written in development mode): found at start-up.
CREATE INDEX email_outbox_kept_bodies ON email_outbox (id) WHERE status <> 'pending' AND text_body IS NOT NULL;
