import Foundation

/// Bulk jobs as the console, the API and the shell make and read them (issue 11 item 4): one
/// service, so the three cannot disagree. Making a job checks the requester and the kind's
/// parameters, expands the targets into items and stores them; the work itself is
/// `BulkWorker`'s, which checks every item again, as the requester is then.
///
/// Who sees a job: whoever asked for it, and the platform roles (who see every user anyway).
/// Anyone else is answered as if there were no such job.
public struct BulkJobs: Sendable {
    let store: any BulkJobStore
    let handlers: BulkHandlers
    let directory: UserDirectory
    let audit: any AuditLog
    let clock: any Clock

    /// The most items one job may have.
    public static let maximumItems = 100_000
    /// The most items or jobs one page lists.
    public static let maximumPageSize = 200
    /// How long a finished job is kept with its items (targets, outcomes, an import's rows):
    /// `purgeFinished` deletes it then. What each item did stays in the audit trail.
    public static let retention: TimeInterval = 30 * 24 * 3600

    /// Deletes the jobs that finished more than `retention` ago, a few at a time (one job may
    /// have `maximumItems` items, all deleted with it); returns how many. `gatehouse serve` runs
    /// it every hour.
    public static func purgeFinished(_ store: any BulkJobStore, now: Date) async throws -> Int {
        let before = now.addingTimeInterval(-retention), batch = 10
        var purged = 0
        while true {
            let deleted = try await store.deleteJobs(finishedBefore: before, limit: batch)
            purged += deleted
            if deleted < batch { return purged }
        }
    }

    public init(store: any BulkJobStore, handlers: BulkHandlers, directory: UserDirectory, audit: any AuditLog, clock: any Clock) {
        self.store = store
        self.handlers = handlers
        self.directory = directory
        self.audit = audit
        self.clock = clock
    }

    /// Why a request was refused; each maps to one status (noted) in the API and one message on the page.
    public enum Refusal: Error, Equatable, Sendable {
        /// 403: bulk work is for administrators (a platform role or a `client_admin`).
        case notAnAdministrator
        /// 400: no handler applies this kind.
        case unknownKind
        /// 400: targets of another kind than the job's (users for an invitations job, …).
        case targetsDoNotFitKind
        /// 400: a parameter is missing or wrong; the text (fixed, never the input) says which.
        case invalidParameters(String)
        /// 400: more than `maximumItems` targets.
        case tooManyTargets
        /// 404: no such job, or one the caller may not see (the same answer).
        case notFound
        /// 403: the caller may not ask for this.
        case notPermitted
        /// 409: the job is no longer open (done or cancelled).
        case notOpen(BulkJobStatus)
    }

    /// Whether the caller may ask for bulk work at all.
    public static func mayRequest(_ principal: Principal) -> Bool {
        ConsoleUserAccess.scope(of: principal.roles) != nil
    }

    /// Whether the caller sees the job.
    public static func sees(_ principal: Principal, _ job: BulkJob) -> Bool {
        guard mayRequest(principal) else { return false }
        if principal.roles.platformRole != nil { return true }
        return principal.userID != nil && job.requestedBy == principal.userID
    }

    // MARK: - Making a job

    /// A new job of `kind` over `targets`, queued for the workers (a dry run too: the workers
    /// answer for each item what it would do). The targets are expanded now.
    public func create(kind: BulkJobKind, targets: BulkTargets, parameters: [String: String] = [:], dryRun: Bool,
                       by principal: Principal) async throws -> BulkJob {
        guard Self.mayRequest(principal) else { throw Refusal.notAnAdministrator }
        guard let handler = handlers.handler(for: kind) else { throw Refusal.unknownKind }
        guard handler.targetKind == targets.kind else { throw Refusal.targetsDoNotFitKind }
        let organizationID = try await handler.validate(parameters, by: principal)
        let payloads = try await expand(targets, by: principal)
        let now = clock.now
        var recorded = parameters
        recorded["selection"] = Self.selection(targets)
        let job = BulkJob(kind: kind, requestedBy: principal.userID, organizationID: organizationID, parameters: recorded, dryRun: dryRun,
                          status: payloads.isEmpty ? .done : .queued, counts: BulkJobCounts(total: payloads.count), createdAt: now,
                          finishedAt: payloads.isEmpty ? now : nil)
        try await store.create(job, payloads: payloads)
        await audit.record(AuditEvent(type: .bulkJobCreated, occurredAt: now, actor: principal.auditActor, subject: principal.userID,
                                      details: Self.facts(job)))
        return job
    }

    /// How the targets were chosen, as the job keeps it.
    static func selection(_ targets: BulkTargets) -> String {
        switch targets {
        case .users: "ids"
        case .matching: "filter"
        case .invitations: "ids"
        case .payloads: "rows"
        }
    }

    func expand(_ targets: BulkTargets, by principal: Principal) async throws -> [[String: String]] {
        switch targets {
        case .users(let ids):
            return try Self.distinct(ids).map { ["user_id": Self.text($0)] }
        case .invitations(let ids):
            return try Self.distinct(ids).map { ["invitation_id": Self.text($0)] }
        case .payloads(let rows):
            guard rows.count <= Self.maximumItems else { throw Refusal.tooManyTargets }
            return rows
        case .matching(let search):
            var page = search
            page.limit = UserSearch.maximumLimit
            page.position = nil
            var payloads: [[String: String]] = []
            while true {
                let found = try await directory.search(page, by: principal)
                payloads += found.users.map { ["user_id": Self.text($0.user.id)] }
                guard payloads.count <= Self.maximumItems else { throw Refusal.tooManyTargets }
                guard let next = found.next else { return payloads }
                page.position = next
            }
        }
    }

    static func distinct(_ ids: [UUID]) throws -> [UUID] {
        var seen = Set<UUID>()
        let unique = ids.filter { seen.insert($0).inserted }
        guard unique.count <= maximumItems else { throw Refusal.tooManyTargets }
        return unique
    }

    /// The job a finished dry run described, for real: the same kind, parameters and targets
    /// (the dry run's items, so a filter is not read again), every item checked again when it
    /// is applied. Only whoever sees the dry run may; `.notOpen` while the dry run still runs.
    public func confirm(_ dryRunID: UUID, by principal: Principal) async throws -> BulkJob {
        let dryRun = try await job(dryRunID, by: principal)
        guard dryRun.dryRun else { throw Refusal.invalidParameters("only a dry run is confirmed") }
        guard dryRun.status == .done else { throw Refusal.notOpen(dryRun.status) }
        guard let handler = handlers.handler(for: dryRun.kind) else { throw Refusal.unknownKind }
        var payloads: [[String: String]] = []
        var after: BulkItemCursor?
        while true {
            let page = try await store.items(jobID: dryRunID, status: nil, after: after, limit: Self.maximumPageSize)
            payloads += page.map(\.payload)
            guard page.count == Self.maximumPageSize, let last = page.last else { break }
            after = BulkItemCursor(afterOrdinal: last.ordinal)
        }
        var parameters = dryRun.parameters
        parameters["selection"] = nil
        let organizationID = try await handler.validate(parameters, by: principal)
        parameters["selection"] = dryRun.parameters["selection"]
        parameters["dry_run_id"] = Self.text(dryRunID)
        let now = clock.now
        let job = BulkJob(kind: dryRun.kind, requestedBy: principal.userID, organizationID: organizationID, parameters: parameters,
                          dryRun: false, status: payloads.isEmpty ? .done : .queued, counts: BulkJobCounts(total: payloads.count),
                          createdAt: now, finishedAt: payloads.isEmpty ? now : nil)
        try await store.create(job, payloads: payloads)
        await audit.record(AuditEvent(type: .bulkJobCreated, occurredAt: now, actor: principal.auditActor, subject: principal.userID,
                                      details: Self.facts(job)))
        return job
    }

    // MARK: - Reading

    /// The job, when the caller sees it.
    public func job(_ id: UUID, by principal: Principal) async throws -> BulkJob {
        guard Self.mayRequest(principal) else { throw Refusal.notAnAdministrator }
        guard let job = try await store.job(id: id), Self.sees(principal, job) else { throw Refusal.notFound }
        return job
    }

    /// A page of the job's items by ordinal (keyset), only those with `status` when given.
    public func items(of id: UUID, status: BulkItemStatus? = nil, after: BulkItemCursor?, limit: Int, by principal: Principal) async throws
        -> [BulkItem] {
        try await itemsKeepingSecrets(of: id, status: status, after: after, limit: limit, by: principal).map(\.withoutSecrets)
    }

    /// `items`, with the payloads whole: for confirming a dry run into its real job, never shown.
    func itemsKeepingSecrets(of id: UUID, status: BulkItemStatus? = nil, after: BulkItemCursor?, limit: Int, by principal: Principal)
        async throws -> [BulkItem] {
        _ = try await job(id, by: principal)
        return try await store.items(jobID: id, status: status, after: after, limit: min(max(limit, 1), Self.maximumPageSize))
    }

    /// A confirmed dry run's items no longer need their secrets (`BulkItem.secretKeys`).
    func forgetSecrets(of id: UUID) async throws {
        try await store.forgetSecrets(jobID: id)
    }

    /// The jobs the caller sees, newest first (keyset): every job for the platform roles, one's
    /// own for a `client_admin`.
    public func list(before: BulkJobCursor?, limit: Int, by principal: Principal) async throws -> [BulkJob] {
        guard Self.mayRequest(principal) else { throw Refusal.notAnAdministrator }
        let limit = min(max(limit, 1), Self.maximumPageSize)
        if principal.roles.platformRole != nil { return try await store.jobs(requestedBy: nil, before: before, limit: limit) }
        guard let userID = principal.userID else { return [] }
        return try await store.jobs(requestedBy: userID, before: before, limit: limit)
    }

    // MARK: - Stopping

    /// Cancels an open job the caller sees: items not yet claimed are never applied.
    public func cancel(_ id: UUID, by principal: Principal) async throws -> BulkJob {
        let job = try await job(id, by: principal)
        guard job.status.isOpen else { throw Refusal.notOpen(job.status) }
        let now = clock.now
        guard let cancelled = try await store.cancel(id: id, by: principal.auditActor, at: now) else { throw Refusal.notFound }
        guard cancelled.status == .cancelled else { throw Refusal.notOpen(cancelled.status) }
        await audit.record(AuditEvent(type: .bulkJobCancelled, occurredAt: now, actor: principal.auditActor, subject: principal.userID,
                                      details: Self.facts(cancelled)))
        return cancelled
    }

    // MARK: - Records

    static func facts(_ job: BulkJob) -> [String: String] {
        var facts = ["job_id": text(job.id), "kind": job.kind.rawValue, "dry_run": job.dryRun ? "true" : "false",
                     "total": String(job.counts.total)]
        if let organizationID = job.organizationID { facts["organization_id"] = text(organizationID) }
        return facts
    }

    static func text(_ id: UUID) -> String { id.uuidString.lowercased() }
}

extension AuditEventType {
    public static let bulkJobCreated = AuditEventType("bulk_job_created")
    public static let bulkJobCancelled = AuditEventType("bulk_job_cancelled")
    public static let bulkJobFinished = AuditEventType("bulk_job_finished")
}
