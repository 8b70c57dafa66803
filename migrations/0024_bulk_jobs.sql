-- Bulk work as jobs in PostgreSQL (issue 11 item 4): one row per job and one per target, so a
-- job survives a restart and several processes share it. A worker claims open items under
-- FOR UPDATE SKIP LOCKED, marks them running with a lease (a worker that died leaves its items
-- to be claimed again once the lease ends), applies each through the Core services and records
-- its outcome, guarded by its claim, so an item is recorded exactly once.

CREATE TABLE bulk_jobs (
    id              uuid PRIMARY KEY,
    -- suspend_user, assign_role, import_user, …: the handler that applies its items.
    kind            text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]{0,62}$'),
    -- Whose rights every item is checked against at apply time (NULL: the operator at the shell).
    requested_by    uuid REFERENCES users(id) ON DELETE SET NULL,
    -- The organization the job acts in, when its kind names one.
    organization_id uuid REFERENCES organizations(id) ON DELETE CASCADE,
    -- The kind's parameters (a role, an organization) and how the targets were chosen.
    parameters      jsonb NOT NULL DEFAULT '{}'::jsonb,
    dry_run         boolean NOT NULL,
    status          text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'cancelled')),
    total           integer NOT NULL CHECK (total >= 0),
    done            integer NOT NULL DEFAULT 0,
    skipped         integer NOT NULL DEFAULT 0,
    failed          integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    finished_at     timestamptz,
    -- user:<id> or operator.
    cancelled_by    text
);

-- The jobs list, newest first (keyset), all of them and one requester's.
CREATE INDEX bulk_jobs_newest ON bulk_jobs (created_at DESC, id DESC);
CREATE INDEX bulk_jobs_by_requester ON bulk_jobs (requested_by, created_at DESC, id DESC);

CREATE TABLE bulk_job_items (
    job_id          uuid NOT NULL REFERENCES bulk_jobs(id) ON DELETE CASCADE,
    ordinal         integer NOT NULL CHECK (ordinal >= 1),
    -- What the item acts on ({"user_id": …}, an import's row).
    payload         jsonb NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'skipped', 'failed')),
    -- What happened or would happen: "suspended", "would suspend", "already suspended", …
    reason          text,
    -- The claim that holds a running item and until when; an item whose lease ended is claimed again.
    claim           uuid,
    lease_until     timestamptz,
    processed_at    timestamptz,
    PRIMARY KEY (job_id, ordinal)
);

-- What the workers claim: only open items, so a finished job of 100,000 rows costs them nothing.
CREATE INDEX bulk_job_items_open ON bulk_job_items (job_id, ordinal) WHERE status IN ('pending', 'running');
