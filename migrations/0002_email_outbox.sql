-- The email outbox: every mail is a row written by the flow that sends it (in its own request)
-- and drained by a background sender in any instance. A sender claims due rows with
-- SELECT ... FOR UPDATE SKIP LOCKED and holds them under a lease (lease_id until lease_expires_at),
-- so instances never send one row twice while a lease runs; a crashed sender's lease runs out and
-- the row is claimed again (at least once, always with the same message_id).

CREATE TABLE email_outbox (
    id                uuid PRIMARY KEY,
    -- The Message-ID header, <...@host>, fixed at enqueue so every attempt sends the same message.
    message_id        text NOT NULL UNIQUE,
    recipient         text NOT NULL,
    subject           text NOT NULL,
    text_body         text NOT NULL,
    html_body         text,
    status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    -- Claims so far (each claim is an attempt, also one whose sender crashed).
    attempts          integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at   timestamptz NOT NULL,
    last_error        text,
    created_at        timestamptz NOT NULL,
    sent_at           timestamptz,
    lease_id          uuid,
    lease_expires_at  timestamptz,
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);

-- Claiming: the pending rows in due order (small, since sent and failed rows drop out of it).
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE status = 'pending';
-- The development mailbox: the newest first.
CREATE INDEX email_outbox_created ON email_outbox (created_at DESC);
