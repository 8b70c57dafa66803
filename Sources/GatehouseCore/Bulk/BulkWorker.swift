import Foundation

/// Applies bulk jobs' items (issue 11 item 4). Any number run at once, in one process or many:
/// each claims a small batch (`BulkJobStore.claim`: `FOR UPDATE SKIP LOCKED`, a lease), applies
/// every item through its kind's handler with the requester read from the database for the
/// batch (a requester no longer active holds no role: every item is then refused), and records
/// each outcome under its claim. A worker that dies leaves its items leased; once the lease
/// ends another claims them and applies them. The handlers' actions are idempotent in what
/// they leave (suspending an account already suspended changes nothing and is reported
/// skipped), so an item whose action committed just before the crash is not done twice.
public struct BulkWorker: Sendable {
    let store: any BulkJobStore
    let handlers: BulkHandlers
    let principals: Principals
    let users: any UserStore
    let progress: BulkProgress
    let audit: any AuditLog
    let clock: any Clock
    /// How many items one claim takes.
    let batchSize: Int
    /// How long a claim holds its items before another worker may take them.
    let lease: TimeInterval

    public init(store: any BulkJobStore, handlers: BulkHandlers, principals: Principals, users: any UserStore, progress: BulkProgress,
                audit: any AuditLog, clock: any Clock, batchSize: Int = 10, lease: TimeInterval = 120) {
        self.store = store
        self.handlers = handlers
        self.principals = principals
        self.users = users
        self.progress = progress
        self.audit = audit
        self.clock = clock
        self.batchSize = max(1, batchSize)
        self.lease = lease
    }

    /// Claims one batch (of `job` alone, when named) and applies it; returns how many items it
    /// took (0: nothing to do).
    @discardableResult
    public func runOnce(job only: UUID? = nil) async throws -> Int {
        let now = clock.now
        let claimed = try await store.claim(limit: batchSize, now: now, leaseUntil: now.addingTimeInterval(lease), job: only)
        var jobs: [UUID: BulkJob] = [:]
        var requesters: [UUID: Principal] = [:]
        for held in claimed {
            let jobID = held.item.jobID
            if jobs[jobID] == nil { jobs[jobID] = try await store.job(id: jobID) }
            guard let job = jobs[jobID] else { continue }
            let principal: Principal
            if let requester = job.requestedBy {
                if let known = requesters[requester] {
                    principal = known
                } else {
                    principal = try await self.principal(requester)
                    requesters[requester] = principal
                }
            } else {
                principal = .serverOperator
            }
            let outcome = await apply(held.item, of: job, by: principal)
            guard let updated = try await store.record(outcome, for: held, at: clock.now) else { continue }
            jobs[jobID] = updated
            if updated.status == .done, updated.counts.processed == updated.counts.total {
                await audit.record(AuditEvent(type: .bulkJobFinished, occurredAt: clock.now, actor: principal.auditActor,
                                              subject: job.requestedBy, details: BulkJobs.facts(updated).merging(
                                                  ["done": String(updated.counts.done), "skipped": String(updated.counts.skipped),
                                                   "failed": String(updated.counts.failed)]) { first, _ in first }))
            }
            await progress.report(updated)
        }
        return claimed.count
    }

    /// Runs batches until no item is left to claim (tests, the benchmark); of `job` alone when
    /// named, so a test on a shared database applies its own job and no other test's.
    public func drain(job: UUID? = nil) async throws {
        while try await runOnce(job: job) > 0 {}
    }

    /// Runs until the task is cancelled: a batch after another while there is work, a pause of
    /// `idle` when there is none or a batch failed (`failure` hears why).
    public func run(idle: Duration, failure: @Sendable (any Error) -> Void) async {
        while !Task.isCancelled {
            var claimed = 0
            do {
                claimed = try await runOnce()
            } catch {
                failure(error)
            }
            if claimed == 0 { try? await Task.sleep(for: idle) }
        }
    }

    /// The requester as the database has them now; one no longer active holds no role.
    func principal(_ userID: UUID) async throws -> Principal {
        guard let user = try await users.find(id: userID), user.status == .active else {
            return Principal(userID: userID, roles: RoleRules.Actor())
        }
        return try await principals.principal(userID: userID)
    }

    func apply(_ item: BulkItem, of job: BulkJob, by principal: Principal) async -> BulkItemOutcome {
        guard let handler = handlers.handler(for: job.kind) else { return .failed("no handler for this kind") }
        do {
            return try await handler.apply(item, of: job, by: principal)
        } catch {
            return .failed("could not be applied")
        }
    }
}
