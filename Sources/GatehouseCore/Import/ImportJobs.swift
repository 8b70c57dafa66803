import Foundation

/// Starting imports as bulk jobs (`ImportJobHandler`): a file's rows become a job's items; a dry
/// run's job can then be confirmed, which makes the real job from the same rows (the file is not
/// sent twice). A row's password hash is never shown and is not kept once used
/// (`BulkItem.secretKeys`). The console and `POST /api/v1/imports` start them here; the workers apply them.
public struct ImportJobs: Sendable {
    let jobs: BulkJobs

    public init(jobs: BulkJobs) {
        self.jobs = jobs
    }

    /// Why a dry run cannot be confirmed (besides `BulkJobs.Refusal`).
    public enum Refusal: Error, Sendable, Equatable {
        /// The job is not a dry run of an import.
        case notAnImportDryRun
        /// The dry run has not finished yet.
        case notFinished
        /// The dry run finished more than `confirmWindow` ago: its rows' secrets are gone.
        case expired
    }

    /// How long a finished dry run can be confirmed. After it, the hourly sweep drops its rows'
    /// secrets (`forgetStaleSecrets`): a password hash is kept only while it may still be used.
    public static let confirmWindow: TimeInterval = 24 * 3600

    /// Whether `job`, a finished dry run, can no longer be confirmed (`confirmWindow`).
    public func expired(_ job: BulkJob) -> Bool {
        guard job.dryRun, let finished = job.finishedAt else { return false }
        return jobs.clock.now >= finished.addingTimeInterval(Self.confirmWindow)
    }

    /// Drops the secrets of dry runs that can no longer be confirmed (`confirmWindow`); returns
    /// how many rows lost one. `gatehouse serve` runs it every hour.
    public static func forgetStaleSecrets(_ store: any BulkJobStore, now: Date) async throws -> Int {
        try await store.forgetSecrets(ofDryRunsFinishedBefore: now.addingTimeInterval(-confirmWindow))
    }

    /// An import's job, when the caller sees it (`BulkJobs.Refusal.notFound` for any other job).
    public func job(_ id: UUID, by principal: Principal) async throws -> BulkJob {
        let job = try await jobs.job(id, by: principal)
        guard ImportJobHandler.importKind(job.kind) != nil else { throw BulkJobs.Refusal.notFound }
        return job
    }

    /// A page of an import's results by row (keyset on the item's ordinal).
    public func items(of id: UUID, after: BulkItemCursor?, limit: Int, by principal: Principal) async throws -> [BulkItem] {
        _ = try await job(id, by: principal)
        return try await jobs.items(of: id, after: after, limit: limit, by: principal)
    }

    /// A job for every row of `file`.
    public func start(_ file: ImportFile, source: String, dryRun: Bool, by principal: Principal) async throws -> BulkJob {
        var parameters: [String: String] = [:]
        if file.kind == .users { parameters["source"] = source }
        return try await jobs.create(kind: ImportJobHandler.kind(file.kind), targets: .payloads(file.rows.map(ImportJobHandler.payload)),
                                     parameters: parameters, dryRun: dryRun, by: principal)
    }

    /// The real job for the rows of the finished dry run `id`.
    public func confirm(_ id: UUID, by principal: Principal) async throws -> BulkJob {
        let dryRun = try await job(id, by: principal)
        guard dryRun.dryRun else { throw Refusal.notAnImportDryRun }
        guard dryRun.status == .done else { throw Refusal.notFinished }
        guard !expired(dryRun) else { throw Refusal.expired }
        var payloads: [[String: String]] = []
        var after: BulkItemCursor?
        while true {
            let page = try await jobs.itemsKeepingSecrets(of: id, after: after, limit: BulkJobs.maximumPageSize, by: principal)
            payloads += page.map(\.payload)
            guard page.count == BulkJobs.maximumPageSize, let last = page.last else { break }
            after = BulkItemCursor(afterOrdinal: last.ordinal)
        }
        var parameters = dryRun.parameters
        parameters.removeValue(forKey: "selection")
        parameters["confirms"] = id.uuidString.lowercased()
        let job = try await jobs.create(kind: dryRun.kind, targets: .payloads(payloads), parameters: parameters, dryRun: false, by: principal)
        // The rows live on in the real job; the dry run's copies of their secrets go.
        try await jobs.forgetSecrets(of: id)
        return job
    }
}
