import Foundation
import GatehouseCore

/// `BulkJobStore` in memory, as `PostgresBulkJobStore` behaves (`BulkJobStoreConformance`): an
/// actor, so a claim is atomic the way `FOR UPDATE SKIP LOCKED` makes it in PostgreSQL.
public actor InMemoryBulkJobStore: BulkJobStore {
    struct Row {
        var item: BulkItem
        var claim: UUID?
        var leaseUntil: Date?
    }

    var jobsByID: [UUID: BulkJob] = [:]
    var itemsByJob: [UUID: [Row]] = [:]

    public init() {}

    public func create(_ job: BulkJob, payloads: [[String: String]]) async throws {
        guard jobsByID[job.id] == nil else { throw StoreError.conflict("the job's id is taken") }
        var stored = job
        stored.counts = BulkJobCounts(total: payloads.count)
        if payloads.isEmpty {
            stored.status = .done
            stored.finishedAt = job.finishedAt ?? job.createdAt
        }
        jobsByID[job.id] = stored
        itemsByJob[job.id] = payloads.enumerated().map { Row(item: BulkItem(jobID: job.id, ordinal: $0.offset + 1, payload: $0.element)) }
    }

    public func job(id: UUID) async throws -> BulkJob? { jobsByID[id] }

    public func jobs(requestedBy: UUID?, before: BulkJobCursor?, limit: Int) async throws -> [BulkJob] {
        func key(_ date: Date, _ id: UUID) -> (Date, String) { (date, id.uuidString) }
        return jobsByID.values
            .filter { job in requestedBy.map { job.requestedBy == $0 } ?? true }
            .filter { job in before.map { key(job.createdAt, job.id) < key($0.createdAt, $0.id) } ?? true }
            .sorted { key($0.createdAt, $0.id) > key($1.createdAt, $1.id) }
            .prefix(max(0, limit)).map { $0 }
    }

    public func items(jobID: UUID, status: BulkItemStatus?, after: BulkItemCursor?, limit: Int) async throws -> [BulkItem] {
        (itemsByJob[jobID] ?? []).map(\.item)
            .filter { item in status.map { item.status == $0 } ?? true }
            .filter { $0.ordinal > (after?.afterOrdinal ?? 0) }
            .prefix(max(0, limit)).map { $0 }
    }

    public func claim(limit: Int, now: Date, leaseUntil: Date, job: UUID?) async throws -> [ClaimedBulkItem] {
        let claim = UUID()
        var claimed: [ClaimedBulkItem] = []
        for jobID in jobsByID.keys.sorted(by: { $0.uuidString < $1.uuidString }) where jobsByID[jobID]?.status.isOpen == true && (job == nil || job == jobID) {
            guard var rows = itemsByJob[jobID] else { continue }
            for index in rows.indices where claimed.count < limit {
                let row = rows[index]
                let open = row.item.status == .pending || (row.item.status == .running && (row.leaseUntil.map { $0 < now } ?? true))
                guard open else { continue }
                rows[index].item.status = .running
                rows[index].claim = claim
                rows[index].leaseUntil = leaseUntil
                claimed.append(ClaimedBulkItem(item: rows[index].item, claim: claim))
            }
            itemsByJob[jobID] = rows
            if claimed.contains(where: { $0.item.jobID == jobID }), jobsByID[jobID]?.status == .queued {
                jobsByID[jobID]?.status = .running
                jobsByID[jobID]?.updatedAt = now
            }
            if claimed.count >= limit { break }
        }
        return claimed
    }

    public func record(_ outcome: BulkItemOutcome, for claimed: ClaimedBulkItem, at now: Date) async throws -> BulkJob? {
        let jobID = claimed.item.jobID
        guard var rows = itemsByJob[jobID], var job = jobsByID[jobID],
              let index = rows.firstIndex(where: { $0.item.ordinal == claimed.item.ordinal }),
              rows[index].item.status == .running, rows[index].claim == claimed.claim else { return nil }
        rows[index].item.status = outcome.status
        rows[index].item.reason = outcome.reason
        rows[index].item.processedAt = now
        if !job.dryRun { rows[index].item = rows[index].item.withoutSecrets }
        rows[index].claim = nil
        rows[index].leaseUntil = nil
        itemsByJob[jobID] = rows
        let wasRunning = job.status == .running
        job.counts.count(outcome.status)
        job.updatedAt = now
        if wasRunning, job.counts.processed >= job.counts.total {
            job.status = .done
            job.finishedAt = now
        }
        jobsByID[jobID] = job
        return job
    }

    public func forgetSecrets(ofDryRunsFinishedBefore before: Date) async throws -> Int {
        var forgotten = 0
        for (id, job) in jobsByID where job.dryRun && (job.finishedAt.map { $0 < before } ?? false) {
            itemsByJob[id] = itemsByJob[id]?.map { row in
                var row = row
                if !BulkItem.secretKeys.isDisjoint(with: row.item.payload.keys) { forgotten += 1 }
                row.item = row.item.withoutSecrets
                return row
            }
        }
        return forgotten
    }

    public func forgetSecrets(jobID: UUID) async throws {
        itemsByJob[jobID] = itemsByJob[jobID]?.map { row in
            var row = row
            row.item = row.item.withoutSecrets
            return row
        }
    }

    public func deleteJobs(finishedBefore before: Date, limit: Int) async throws -> Int {
        let old = jobsByID.values
            .filter { !$0.status.isOpen && ($0.finishedAt.map { $0 < before } ?? false) }
            .sorted { ($0.finishedAt ?? .distantPast, $0.id.uuidString) < ($1.finishedAt ?? .distantPast, $1.id.uuidString) }
            .prefix(max(0, limit))
        for job in old {
            jobsByID[job.id] = nil
            itemsByJob[job.id] = nil
        }
        return old.count
    }

    public func cancel(id: UUID, by actor: String, at now: Date) async throws -> BulkJob? {
        guard var job = jobsByID[id] else { return nil }
        guard job.status.isOpen else { return job }
        job.status = .cancelled
        job.updatedAt = now
        job.finishedAt = now
        jobsByID[id] = job
        return job
    }
}
