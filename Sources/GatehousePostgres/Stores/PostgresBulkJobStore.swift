import Foundation
public import GatehouseCore

/// Bulk jobs in PostgreSQL (`bulk_jobs`, `bulk_job_items`, migration 0024). Workers claim open
/// items with `FOR UPDATE SKIP LOCKED` (two claims at once never take the same row) and lease
/// them; an outcome is written only where the item is still held by its claim, and counted on
/// the job in the same statement, so counts and items never disagree.
public struct PostgresBulkJobStore: BulkJobStore {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let columns = """
        id, kind, requested_by, organization_id, parameters::text AS parameters, dry_run, status, total, done, skipped, failed,
        created_at, updated_at, finished_at
        """

    public func create(_ job: BulkJob, payloads: [[String: String]]) async throws {
        let parameters = try Self.json(job.parameters)
        let rows = try payloads.map(Self.json)
        let finished = payloads.isEmpty
        try await pool.transaction { connection in
            _ = try connection.query(
                """
                INSERT INTO bulk_jobs (id, kind, requested_by, organization_id, parameters, dry_run, status, total, created_at, updated_at,
                                       finished_at)
                VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $9, $10)
                """,
                [.uuid(job.id), .text(job.kind.rawValue), .uuid(job.requestedBy), .uuid(job.organizationID), .text(parameters),
                 .bool(job.dryRun), .text(finished ? BulkJobStatus.done.rawValue : job.status.rawValue), .int(rows.count),
                 .timestamp(job.createdAt), finished ? .timestamp(job.finishedAt ?? job.createdAt) : .null])
            // One statement for every item: the payloads travel as one text[] and are numbered by unnest.
            if !rows.isEmpty {
                _ = try connection.query(
                    """
                    INSERT INTO bulk_job_items (job_id, ordinal, payload)
                    SELECT $1, t.ordinal::integer, t.payload::jsonb FROM unnest($2::text[]) WITH ORDINALITY AS t(payload, ordinal)
                    """, [.uuid(job.id), .textArray(rows)])
            }
        }
    }

    public func job(id: UUID) async throws -> BulkJob? {
        try await pool.query("SELECT \(Self.columns) FROM bulk_jobs WHERE id = $1", [.uuid(id)]).rows.first.map(Self.job)
    }

    public func jobs(requestedBy: UUID?, before: BulkJobCursor?, limit: Int) async throws -> [BulkJob] {
        var conditions: [String] = []
        var parameters: [PostgresValue] = []
        if let requestedBy {
            parameters.append(.uuid(requestedBy))
            conditions.append("requested_by = $\(parameters.count)")
        }
        if let before {
            parameters += [.timestamp(before.createdAt), .uuid(before.id)]
            conditions.append("(created_at, id) < ($\(parameters.count - 1), $\(parameters.count))")
        }
        parameters.append(.int(max(0, limit)))
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try await pool.query(
            "SELECT \(Self.columns) FROM bulk_jobs \(filter) ORDER BY created_at DESC, id DESC LIMIT $\(parameters.count)",
            parameters).rows.map(Self.job)
    }

    public func items(jobID: UUID, status: BulkItemStatus?, after: BulkItemCursor?, limit: Int) async throws -> [BulkItem] {
        try await pool.query(
            """
            SELECT job_id, ordinal, payload::text AS payload, status, reason, processed_at FROM bulk_job_items
            WHERE job_id = $1 AND ordinal > $2 AND ($3::text IS NULL OR status = $3)
            ORDER BY ordinal LIMIT $4
            """, [.uuid(jobID), .int(after?.afterOrdinal ?? 0), .text(status?.rawValue), .int(max(0, limit))]).rows.map(Self.item)
    }

    public func claim(limit: Int, now: Date, leaseUntil: Date, job: UUID?) async throws -> [ClaimedBulkItem] {
        let claim = UUID()
        return try await pool.transaction { connection in
            let rows = try connection.query(
                """
                WITH picked AS (
                    SELECT i.job_id, i.ordinal FROM bulk_job_items i JOIN bulk_jobs j ON j.id = i.job_id
                    WHERE i.status IN ('pending', 'running') AND j.status IN ('queued', 'running')
                      AND (i.status = 'pending' OR i.lease_until < $1) AND ($5::uuid IS NULL OR i.job_id = $5)
                    ORDER BY i.job_id, i.ordinal
                    LIMIT $2
                    FOR UPDATE OF i SKIP LOCKED
                )
                UPDATE bulk_job_items i SET status = 'running', claim = $3, lease_until = $4
                FROM picked WHERE i.job_id = picked.job_id AND i.ordinal = picked.ordinal
                RETURNING i.job_id, i.ordinal, i.payload::text AS payload, i.status, i.reason, i.processed_at
                """, [.timestamp(now), .int(max(0, limit)), .uuid(claim), .timestamp(leaseUntil), .optionalUUID(job)]).rows
            let items = try rows.map(Self.item).sorted { ($0.jobID.uuidString, $0.ordinal) < ($1.jobID.uuidString, $1.ordinal) }
            let jobIDs = Set(items.map(\.jobID))
            if !jobIDs.isEmpty {
                _ = try connection.query(
                    "UPDATE bulk_jobs SET status = 'running', updated_at = $2 WHERE id = ANY($1::uuid[]) AND status = 'queued'",
                    [.textArray(jobIDs.map { $0.uuidString.lowercased() }), .timestamp(now)])
            }
            return items.map { ClaimedBulkItem(item: $0, claim: claim) }
        }
    }

    public func record(_ outcome: BulkItemOutcome, for claimed: ClaimedBulkItem, at now: Date) async throws -> BulkJob? {
        let item = claimed.item
        let done = outcome.status == .done ? 1 : 0, skipped = outcome.status == .skipped ? 1 : 0, failed = outcome.status == .failed ? 1 : 0
        return try await pool.query(
            """
            WITH item AS (
                UPDATE bulk_job_items SET status = $3, reason = $4, processed_at = $5, claim = NULL, lease_until = NULL,
                       payload = CASE WHEN (SELECT dry_run FROM bulk_jobs WHERE id = $1) THEN payload ELSE payload - $10::text[] END
                WHERE job_id = $1 AND ordinal = $2 AND status = 'running' AND claim = $6
                RETURNING job_id
            )
            UPDATE bulk_jobs j SET done = done + $7, skipped = skipped + $8, failed = failed + $9, updated_at = $5,
                   status = CASE WHEN status = 'running' AND done + skipped + failed + 1 >= total THEN 'done' ELSE status END,
                   finished_at = CASE WHEN status = 'running' AND done + skipped + failed + 1 >= total THEN $5 ELSE finished_at END
            FROM item WHERE j.id = item.job_id
            RETURNING \(Self.columns.replacingOccurrences(of: "parameters::text", with: "j.parameters::text"))
            """,
            [.uuid(item.jobID), .int(item.ordinal), .text(outcome.status.rawValue), .text(outcome.reason), .timestamp(now),
             .uuid(claimed.claim), .int(done), .int(skipped), .int(failed), .textArray(BulkItem.secretKeys.sorted())]).rows.first.map(Self.job)
    }

    /// Marks each dry run swept (`secrets_forgotten`, migration 0028) in the same statement, so
    /// the next pass reads none of its items again.
    public func forgetSecrets(ofDryRunsFinishedBefore before: Date) async throws -> Int {
        try await pool.query(
            """
            WITH stale AS (
                UPDATE bulk_jobs SET secrets_forgotten = true
                WHERE dry_run AND finished_at < $1 AND NOT secrets_forgotten
                RETURNING id
            )
            UPDATE bulk_job_items i SET payload = i.payload - $2::text[]
            FROM stale WHERE i.job_id = stale.id AND i.payload ?| $2::text[]
            RETURNING i.ordinal
            """, [.timestamp(before), .textArray(BulkItem.secretKeys.sorted())]).rows.count
    }

    public func forgetSecrets(jobID: UUID) async throws {
        try await pool.transaction { connection in
            _ = try connection.query("UPDATE bulk_job_items SET payload = payload - $2::text[] WHERE job_id = $1 AND payload ?| $2::text[]",
                                     [.uuid(jobID), .textArray(BulkItem.secretKeys.sorted())])
            _ = try connection.query("UPDATE bulk_jobs SET secrets_forgotten = true WHERE id = $1", [.uuid(jobID)])
        }
    }

    public func deleteJobs(finishedBefore before: Date, limit: Int) async throws -> Int {
        try await pool.query(
            """
            DELETE FROM bulk_jobs WHERE id IN (
                SELECT id FROM bulk_jobs WHERE finished_at < $1 AND status IN ('done', 'cancelled')
                ORDER BY finished_at LIMIT $2 FOR UPDATE SKIP LOCKED
            )
            RETURNING id
            """, [.timestamp(before), .int(max(0, limit))]).rows.count
    }

    public func cancel(id: UUID, by actor: String, at now: Date) async throws -> BulkJob? {
        if let cancelled = try await pool.query(
            """
            UPDATE bulk_jobs SET status = 'cancelled', cancelled_by = $2, updated_at = $3, finished_at = $3
            WHERE id = $1 AND status IN ('queued', 'running')
            RETURNING \(Self.columns)
            """, [.uuid(id), .text(actor), .timestamp(now)]).rows.first {
            return try Self.job(cancelled)
        }
        return try await job(id: id)
    }

    // MARK: - Rows

    static func job(_ row: PostgresRow) throws -> BulkJob {
        guard let kind = BulkJobKind(rawValue: try row.string("kind")),
              let status = BulkJobStatus(rawValue: try row.string("status")) else {
            throw PostgresError(message: "bulk_jobs holds a kind or status this version does not know")
        }
        return BulkJob(id: try row.uuid("id"), kind: kind, requestedBy: try row.optionalUUID("requested_by"),
                       organizationID: try row.optionalUUID("organization_id"), parameters: try dictionary(row.string("parameters")),
                       dryRun: try row.bool("dry_run"), status: status,
                       counts: BulkJobCounts(total: try row.int("total"), done: try row.int("done"), skipped: try row.int("skipped"),
                                             failed: try row.int("failed")),
                       createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"),
                       finishedAt: try row.optionalDate("finished_at"))
    }

    static func item(_ row: PostgresRow) throws -> BulkItem {
        guard let status = BulkItemStatus(rawValue: try row.string("status")) else {
            throw PostgresError(message: "bulk_job_items holds a status this version does not know")
        }
        return BulkItem(jobID: try row.uuid("job_id"), ordinal: try row.int("ordinal"), payload: try dictionary(row.string("payload")),
                        status: status, reason: try row.optionalString("reason"), processedAt: try row.optionalDate("processed_at"))
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func json(_ values: [String: String]) throws -> String {
        String(decoding: try encoder.encode(values), as: UTF8.self)
    }

    /// A jsonb object of strings; any other value (a number an import wrote) reads as its JSON text.
    static func dictionary(_ text: String) throws -> [String: String] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw PostgresError(message: "a bulk job's jsonb is not an object")
        }
        return object.mapValues { value in
            if let string = value as? String { return string }
            if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]) {
                return String(decoding: data, as: UTF8.self)
            }
            return "\(value)"
        }
    }
}
