-- Finished bulk jobs are deleted with their items once BulkJobs.retention has passed (serve's
-- hourly sweep, BulkJobs.purgeFinished): they hold targets, outcomes and an import's rows, and
-- every item applied is in the audit trail for good. The sweep finds them by finish time.
CREATE INDEX bulk_jobs_finished ON bulk_jobs (finished_at) WHERE finished_at IS NOT NULL;

-- Set once a dry run's items have lost their secrets (confirmed, or too old to confirm), so the
-- hourly sweep reads each dry run's items once instead of on every pass until it is deleted.
ALTER TABLE bulk_jobs ADD COLUMN secrets_forgotten boolean NOT NULL DEFAULT false;
