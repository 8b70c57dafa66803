import ArgumentParser
import Foundation
import GatehouseCore
import GatehousePostgres
import GatehouseRedis

/// `gatehouse bulk run | show`: bulk jobs from the server's shell (issue 11 item 4), through the
/// same Core services as the console and the API (`BulkJobs`, `BulkWorker`), acting as the
/// operator (`Principal.serverOperator`). `run` makes the job and applies it in this process with
/// the real worker (as `serve` does), then prints what it did and how fast: the benchmark
/// (`bench/bulk_suspend`) times it.
struct BulkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bulk", abstract: "Bulk jobs: many users at once.",
                                                    subcommands: [Run.self, Work.self, Show.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a bulk job and apply it here: suspend_user, reactivate_user, delete_user, assign_role, remove_role.")
        @Argument(help: "The kind of job.") var kind: String
        @Flag(help: "Every user in the directory.") var everyone = false
        @Option(name: .customLong("user"), help: "A user's id (repeat the option).") var users: [String] = []
        @Option(help: "assign_role/remove_role: the organization's id.") var organization: String?
        @Option(help: "assign_role/remove_role: client_admin or client_user.") var role: String?
        @Flag(help: "Report what each item would do; change nothing.") var dryRun = false
        @Option(help: "Workers in this process.") var workers = 4
        @Option(help: "Seconds a claim holds its items before another process may take them (a process that dies leaves them that long).")
        var lease = 120

        func validate() throws {
            guard (1...3600).contains(lease) else { throw ValidationError("--lease must be 1 to 3600 seconds") }
            guard everyone != !users.isEmpty else { throw ValidationError("give either --everyone or --user <id> (repeatable)") }
            guard BulkJobKind(rawValue: kind) != nil else { throw ValidationError("\(kind) is not a kind of bulk job") }
            guard (1...32).contains(workers) else { throw ValidationError("--workers must be 1 to 32") }
        }

        func run() async throws {
            let ids = try users.map { text in
                guard let id = UUID(uuidString: text) else { throw ValidationError("\(text) is not a user id") }
                return id
            }
            var parameters: [String: String] = [:]
            parameters["organization_id"] = organization
            parameters["role"] = role
            let (job, seconds) = try await withBulkServices(lease: lease) { services in
                let started = ContinuousClock.now
                let job = try await services.jobs.create(kind: BulkJobKind(rawValue: kind)!, targets: everyone ? .matching(UserSearch()) : .users(ids),
                                                         parameters: parameters, dryRun: dryRun, by: .serverOperator)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<workers { group.addTask { try await services.worker.drain() } }
                    try await group.waitForAll()
                }
                let elapsed = ContinuousClock.now - started
                let finished = try await services.jobs.job(job.id, by: .serverOperator)
                return (finished, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            }
            let counts = job.counts
            print("job \(job.id.uuidString.lowercased()) \(job.kind)\(job.dryRun ? " (dry run)" : ""): \(job.status.rawValue), "
                  + "\(counts.total) items: \(counts.done) done, \(counts.skipped) skipped, \(counts.failed) failed in "
                  + String(format: "%.2f s (%.0f items/s)", seconds, Double(counts.total) / max(seconds, 0.001)))
        }
    }

    struct Work: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply every open bulk job's items in this process until none is left to claim, as serve's worker does "
                + "(items a process that died still holds are taken once their lease ends).")
        @Option(help: "Workers in this process.") var workers = 4

        func validate() throws {
            guard (1...32).contains(workers) else { throw ValidationError("--workers must be 1 to 32") }
        }

        func run() async throws {
            try await withBulkServices { services in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<workers { group.addTask { try await services.worker.drain() } }
                    try await group.waitForAll()
                }
            }
            print("no bulk job item left to claim")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A bulk job's counts and its skipped and failed items.")
        @Argument(help: "The job's id.") var job: String

        func run() async throws {
            guard let id = UUID(uuidString: job) else { throw ValidationError("\(job) is not a job id") }
            try await withBulkServices { services in
                let found = try await services.jobs.job(id, by: .serverOperator)
                let counts = found.counts
                print("job \(id.uuidString.lowercased()) \(found.kind)\(found.dryRun ? " (dry run)" : ""): \(found.status.rawValue), "
                      + "\(counts.total) items: \(counts.done) done, \(counts.skipped) skipped, \(counts.failed) failed")
                var after: BulkItemCursor?
                for status in [BulkItemStatus.skipped, .failed] {
                    after = nil
                    while true {
                        let page = try await services.jobs.items(of: id, status: status, after: after, limit: 200, by: .serverOperator)
                        for item in page {
                            print("  #\(item.ordinal) \(item.payload.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")): "
                                  + "\(status.rawValue): \(item.reason ?? "")")
                        }
                        guard page.count == 200, let last = page.last else { break }
                        after = BulkItemCursor(afterOrdinal: last.ordinal)
                    }
                }
            }
        }
    }
}

struct BulkServices {
    let jobs: BulkJobs
    let worker: BulkWorker
}

/// Runs `body` with the bulk services on open backends; a refusal ends the command with its sentence.
func withBulkServices<T>(lease: Int = 120, _ body: (BulkServices) async throws -> T) async throws -> T {
    let config = try loadConfiguration(requiring: [.database])
    let auditKey = try loadAuditKeySource(config)
    return try await withBackends(config, needsRedis: config.redisURL != nil) { backends in
        let audit = try await backends.auditLog(auditKey)
        let events = backends.redis.map { RedisLiveEventBus(pool: $0, clock: backends.clock) }
        let users = backends.users, memberships = backends.memberships, organizations = backends.organizations
        let lifecycle = UserLifecycle(users: users, memberships: memberships, store: backends.lifecycle, audit: audit, clock: backends.clock,
                                      events: events)
        let handlers = BulkUserActions.handlers(
            lifecycle: lifecycle,
            administration: OrganizationAdministration(organizations: organizations, memberships: memberships, users: users, audit: audit,
                                                       clock: backends.clock),
            customRoles: CustomRoles(roles: backends.customRoles, organizations: organizations, memberships: memberships, users: users,
                                     audit: audit, clock: backends.clock),
            invitations: Invitations(invitations: backends.invitations, organizations: organizations, memberships: memberships,
                                     users: users, crypto: backends.crypto, audit: audit, clock: backends.clock, events: events))
        let store = backends.bulkJobs
        let jobs = BulkJobs(store: store, handlers: handlers, directory: UserDirectory(store: backends.userDirectory, memberships: memberships),
                            audit: audit, clock: backends.clock)
        let worker = BulkWorker(store: store, handlers: handlers,
                                principals: Principals(memberships: memberships, customRoles: backends.customRoles), users: users,
                                progress: BulkProgress(events: events, clock: backends.clock), audit: audit, clock: backends.clock,
                                lease: TimeInterval(lease))
        do {
            return try await body(BulkServices(jobs: jobs, worker: worker))
        } catch let refusal as BulkJobs.Refusal {
            throw OperatorError(BulkRefusalWords.words(refusal))
        }
    }
}

enum BulkRefusalWords {
    static func words(_ refusal: BulkJobs.Refusal) -> String {
        switch refusal {
        case .notAnAdministrator, .notPermitted: "not allowed"
        case .unknownKind: "no such kind of bulk job (suspend_user, reactivate_user, delete_user, assign_role, remove_role, resend_invitation)"
        case .targetsDoNotFitKind: "that kind of job does not act on users"
        case .invalidParameters(let why): why
        case .tooManyTargets: "more than \(BulkJobs.maximumItems) targets"
        case .notFound: "no such job"
        case .notOpen(let status): "the job is \(status.rawValue)"
        }
    }
}
