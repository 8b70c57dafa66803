import Foundation

/// Bulk jobs and their items (issue 11 item 4; PostgreSQL: `bulk_jobs`, `bulk_job_items`).
/// Several workers, in one process or many, claim items at once: a claim never hands out an item
/// another claim holds, and an outcome is recorded only under the claim that holds the item, so
/// each item ends exactly once.
public protocol BulkJobStore: Sendable {
    /// Stores the job (its `counts.total` is `payloads.count`) and one pending item per payload,
    /// numbered from 1 in order, in one transaction. A job with no items is stored `done`.
    func create(_ job: BulkJob, payloads: [[String: String]]) async throws
    /// The job, nil when there is none.
    func job(id: UUID) async throws -> BulkJob?
    /// Jobs newest first (created, then id descending), strictly older than `before`; only those
    /// `requestedBy` asked for when it is given.
    func jobs(requestedBy: UUID?, before: BulkJobCursor?, limit: Int) async throws -> [BulkJob]
    /// The job's items by ordinal, strictly after `after`; only those with `status` when given.
    func items(jobID: UUID, status: BulkItemStatus?, after: BulkItemCursor?, limit: Int) async throws -> [BulkItem]
    /// Claims up to `limit` items of open jobs (`queued` or `running`) that are pending, or running
    /// under a lease that ended before `now`, skipping items another claim is taking at this very
    /// moment (`FOR UPDATE SKIP LOCKED`): each becomes `running` under a new claim token, leased
    /// until `leaseUntil`, and its job `running`. Ordered by job, then ordinal.
    /// `job`: only that job's items (a test draining its own job on a shared database); nil: any.
    func claim(limit: Int, now: Date, leaseUntil: Date, job: UUID?) async throws -> [ClaimedBulkItem]
    /// Records a claimed item's outcome and counts it on its job, atomically; the job becomes
    /// `done` (with `finishedAt`) when this was its last item. Unless the job is a dry run (whose
    /// rows a confirmation copies), the item's `BulkItem.secretKeys` leave its payload then.
    /// Returns the job as it now is, or nil when the claim no longer holds the item (its lease
    /// ended and another claim took it): then nothing is written.
    func record(_ outcome: BulkItemOutcome, for claimed: ClaimedBulkItem, at now: Date) async throws -> BulkJob?
    /// Drops `BulkItem.secretKeys` from every item of the job (a dry run once confirmed).
    func forgetSecrets(jobID: UUID) async throws
    /// Drops `BulkItem.secretKeys` from the items of every dry run that finished before `before`;
    /// returns how many items lost one.
    func forgetSecrets(ofDryRunsFinishedBefore before: Date) async throws -> Int
    /// Deletes up to `limit` finished jobs (done or cancelled) that finished before `before`,
    /// oldest first, with their items; returns how many. Open jobs are never deleted. Several
    /// instances may call it at once: a job another call is deleting is skipped.
    func deleteJobs(finishedBefore before: Date, limit: Int) async throws -> Int
    /// Cancels an open job: its pending items are never claimed (items running now still record).
    /// Returns the job as it now is; nil when there is none. A job already done or cancelled is
    /// returned unchanged.
    func cancel(id: UUID, by actor: String, at now: Date) async throws -> BulkJob?
}

extension BulkJobStore {
    /// Claims items of any open job.
    public func claim(limit: Int, now: Date, leaseUntil: Date) async throws -> [ClaimedBulkItem] {
        try await claim(limit: limit, now: now, leaseUntil: leaseUntil, job: nil)
    }
}
