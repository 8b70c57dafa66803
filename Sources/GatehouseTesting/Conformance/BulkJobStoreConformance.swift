import Foundation
import GatehouseCore
import Testing

/// A bulk job store with the user store its jobs refer to: the real ones over a database of
/// their own (`BulkJobStores.postgres`, in GatehouseTestingStack: a claim sees every job in the
/// database, so checks must not share one) or the twins (`inMemory()`).
public struct BulkJobStores: Sendable {
    public var users: any UserStore
    public var jobs: any BulkJobStore

    public init(users: any UserStore, jobs: any BulkJobStore) {
        self.users = users
        self.jobs = jobs
    }

    public static func inMemory() -> BulkJobStores {
        BulkJobStores(users: InMemoryUserStore(), jobs: InMemoryBulkJobStore())
    }
}

/// The contract of `BulkJobStore` (Ports/BulkJobStore.swift).
public enum BulkJobStoreConformance {
    static let suspend = BulkJobKind("suspend_user")

    static func job(_ count: Int, requestedBy: UUID? = nil, at now: Date = Fixtures.now, dryRun: Bool = false) -> (BulkJob, [[String: String]]) {
        (BulkJob(kind: suspend, requestedBy: requestedBy, parameters: ["selection": "ids"], dryRun: dryRun,
                 counts: BulkJobCounts(total: count), createdAt: now),
         (1...max(1, count)).prefix(count).map { ["user_id": UUID().uuidString.lowercased(), "row": "\($0)"] })
    }

    public static let checks: [ConformanceCheck<BulkJobStores>] = [
        ConformanceCheck("BulkJobStore: a job and its items read back as made, numbered from 1 in order; no items: done at once") { stores async throws in
            let now = Fixtures.now
            let (made, payloads) = job(3, at: now, dryRun: true)
            try await stores.jobs.create(made, payloads: payloads)
            let read = try #require(try await stores.jobs.job(id: made.id))
            #expect(read == made)
            let items = try await stores.jobs.items(jobID: made.id, status: nil, after: nil, limit: 10)
            #expect(items.map(\.ordinal) == [1, 2, 3])
            #expect(items.map(\.payload) == payloads)
            #expect(items.allSatisfy { $0.status == .pending && $0.reason == nil && $0.processedAt == nil })
            #expect(try await stores.jobs.items(jobID: made.id, status: nil, after: BulkItemCursor(afterOrdinal: 1), limit: 1).map(\.ordinal) == [2])
            let (empty, _) = job(0, at: now)
            try await stores.jobs.create(empty, payloads: [])
            let emptyRead = try #require(try await stores.jobs.job(id: empty.id))
            #expect(emptyRead.status == .done && emptyRead.counts == BulkJobCounts(total: 0) && emptyRead.finishedAt == now)
            #expect(try await stores.jobs.job(id: UUID()) == nil)
        },
        ConformanceCheck("BulkJobStore: a claim takes pending items once, leases them and starts the job") { stores async throws in
            let now = Fixtures.now
            let (made, payloads) = job(5, at: now)
            try await stores.jobs.create(made, payloads: payloads)
            let first = try await stores.jobs.claim(limit: 3, now: now, leaseUntil: now.addingTimeInterval(60))
            #expect(first.map(\.item.ordinal) == [1, 2, 3])
            #expect(first.allSatisfy { $0.item.status == .running && $0.claim == first[0].claim })
            #expect(try await stores.jobs.job(id: made.id)?.status == .running)
            let second = try await stores.jobs.claim(limit: 10, now: now, leaseUntil: now.addingTimeInterval(60))
            #expect(second.map(\.item.ordinal) == [4, 5])
            #expect(second[0].claim != first[0].claim)
            #expect(try await stores.jobs.claim(limit: 10, now: now, leaseUntil: now.addingTimeInterval(60)).isEmpty)
        },
        ConformanceCheck("BulkJobStore: an outcome is recorded under its claim only, counted on the job; the last ends it") { stores async throws in
            let now = Fixtures.now
            let (made, payloads) = job(3, at: now)
            try await stores.jobs.create(made, payloads: payloads)
            let claimed = try await stores.jobs.claim(limit: 3, now: now, leaseUntil: now.addingTimeInterval(60))
            var stranger = claimed[0]
            stranger.claim = UUID()
            #expect(try await stores.jobs.record(.done("suspended"), for: stranger, at: now) == nil)
            let later = now.addingTimeInterval(2)
            let afterFirst = try #require(try await stores.jobs.record(.done("suspended"), for: claimed[0], at: later))
            #expect(afterFirst.counts == BulkJobCounts(total: 3, done: 1) && afterFirst.status == .running && afterFirst.finishedAt == nil)
            #expect(try await stores.jobs.record(.done("suspended"), for: claimed[0], at: later) == nil, "recorded once")
            _ = try await stores.jobs.record(.skipped("already suspended"), for: claimed[1], at: later)
            let last = try #require(try await stores.jobs.record(.failed("could not be applied"), for: claimed[2], at: later))
            #expect(last.counts == BulkJobCounts(total: 3, done: 1, skipped: 1, failed: 1))
            #expect(last.status == .done && last.finishedAt == later && last.updatedAt == later)
            let items = try await stores.jobs.items(jobID: made.id, status: nil, after: nil, limit: 10)
            #expect(items.map(\.status) == [.done, .skipped, .failed])
            #expect(items.map(\.reason) == ["suspended", "already suspended", "could not be applied"])
            #expect(items.allSatisfy { $0.processedAt == later })
            #expect(try await stores.jobs.items(jobID: made.id, status: .skipped, after: nil, limit: 10).map(\.ordinal) == [2])
        },
        ConformanceCheck("BulkJobStore: an item's secrets leave a real job's payload as its outcome is recorded, a dry run's when it is told to forget them") { stores async throws in
            let now = Fixtures.now
            for dryRun in [false, true] {
                let made = BulkJob(kind: BulkJobKind("import_user"), requestedBy: nil, parameters: [:], dryRun: dryRun,
                                   counts: BulkJobCounts(total: 1), createdAt: now)
                let row = ["email": "ada@example.com", "password_hash": "$2b$04$secret", "_line": "2"]
                try await stores.jobs.create(made, payloads: [row])
                let claimed = try #require(try await stores.jobs.claim(limit: 1, now: now, leaseUntil: now.addingTimeInterval(60), job: made.id).first)
                #expect(claimed.item.payload == row, "the handler gets the whole row")
                _ = try await stores.jobs.record(.done(dryRun ? "would create" : "created"), for: claimed, at: now)
                let kept = try await stores.jobs.items(jobID: made.id, status: nil, after: nil, limit: 10).map(\.payload)
                #expect(kept == [dryRun ? row : ["email": "ada@example.com", "_line": "2"]], dryRun ? "a dry run keeps it for its confirmation" : "used: gone")
                try await stores.jobs.forgetSecrets(jobID: made.id)
                #expect(try await stores.jobs.items(jobID: made.id, status: nil, after: nil, limit: 10).map(\.payload)
                        == [["email": "ada@example.com", "_line": "2"]])
            }
        },
        ConformanceCheck("BulkJobStore: the secrets of dry runs that finished before a time are dropped; a later or open dry run keeps them") { stores async throws in
            let now = Fixtures.now
            let row = ["email": "ada@example.com", "password_hash": "$2b$04$secret"]
            var made: [BulkJob] = []
            for (index, finishes) in [true, true, false].enumerated() {
                let job = BulkJob(kind: BulkJobKind("import_user"), requestedBy: nil, parameters: [:], dryRun: true,
                                  counts: BulkJobCounts(total: 1), createdAt: now.addingTimeInterval(Double(index)))
                try await stores.jobs.create(job, payloads: [row])
                if finishes {
                    let claimed = try #require(try await stores.jobs.claim(limit: 1, now: now, leaseUntil: now.addingTimeInterval(60), job: job.id).first)
                    _ = try await stores.jobs.record(.done("would create"), for: claimed, at: now.addingTimeInterval(Double(index * 100)))
                }
                made.append(job)
            }
            // The first finished at now, the second at now + 100, the third is still open.
            #expect(try await stores.jobs.forgetSecrets(ofDryRunsFinishedBefore: now.addingTimeInterval(50)) == 1)
            var payloads: [[[String: String]]] = []
            for job in made { payloads.append(try await stores.jobs.items(jobID: job.id, status: nil, after: nil, limit: 10).map(\.payload)) }
            #expect(payloads == [[["email": "ada@example.com"]], [row], [row]])
            #expect(try await stores.jobs.forgetSecrets(ofDryRunsFinishedBefore: now.addingTimeInterval(50)) == 0, "once")
        },
        ConformanceCheck("BulkJobStore: finished jobs that finished before a time are deleted with their items, oldest first, up to the limit; later or open jobs stay") { stores async throws in
            let now = Fixtures.now
            // Finished at now - 300, now - 200 (cancelled) and now - 100; one finished at now; one still open.
            var made: [BulkJob] = []
            for (index, age) in [300.0, 200, 100, 0].enumerated() {
                let (created, payloads) = BulkJobStoreConformance.job(2, at: now.addingTimeInterval(-age - 10))
                try await stores.jobs.create(created, payloads: payloads)
                if index == 1 {
                    _ = try await stores.jobs.cancel(id: created.id, by: "operator", at: now.addingTimeInterval(-age))
                } else {
                    for claimed in try await stores.jobs.claim(limit: 2, now: now, leaseUntil: now.addingTimeInterval(60), job: created.id) {
                        _ = try await stores.jobs.record(.done("suspended"), for: claimed, at: now.addingTimeInterval(-age))
                    }
                }
                made.append(created)
            }
            let (open, openPayloads) = BulkJobStoreConformance.job(1, at: now.addingTimeInterval(-400))
            try await stores.jobs.create(open, payloads: openPayloads)

            #expect(try await stores.jobs.deleteJobs(finishedBefore: now.addingTimeInterval(-50), limit: 2) == 2)
            var left: [Bool] = []
            for job in made + [open] { left.append(try await stores.jobs.job(id: job.id) != nil) }
            #expect(left == [false, false, true, true, true], "the two oldest finished jobs went first")
            #expect(try await stores.jobs.items(jobID: made[0].id, status: nil, after: nil, limit: 10).isEmpty, "with their items")
            #expect(try await stores.jobs.deleteJobs(finishedBefore: now.addingTimeInterval(-50), limit: 2) == 1)
            #expect(try await stores.jobs.deleteJobs(finishedBefore: now.addingTimeInterval(-50), limit: 2) == 0)
            #expect(try await stores.jobs.job(id: made[3].id) != nil, "finished after the time")
            #expect(try await stores.jobs.job(id: open.id)?.status == .queued, "open: never deleted")
            #expect(try await stores.jobs.items(jobID: made[3].id, status: nil, after: nil, limit: 10).count == 2)
        },
        ConformanceCheck("BulkJobStore: items of a claim whose lease ended are claimed again, and the old claim records nothing") { stores async throws in
            let now = Fixtures.now
            let (made, payloads) = job(2, at: now)
            try await stores.jobs.create(made, payloads: payloads)
            let dead = try await stores.jobs.claim(limit: 2, now: now, leaseUntil: now.addingTimeInterval(30))
            #expect(try await stores.jobs.claim(limit: 2, now: now.addingTimeInterval(29), leaseUntil: now.addingTimeInterval(90)).isEmpty)
            let again = try await stores.jobs.claim(limit: 2, now: now.addingTimeInterval(31), leaseUntil: now.addingTimeInterval(90))
            #expect(again.map(\.item.ordinal) == [1, 2])
            #expect(try await stores.jobs.record(.done("suspended"), for: dead[0], at: now) == nil)
            #expect(try await stores.jobs.record(.done("suspended"), for: again[0], at: now)?.counts.done == 1)
        },
        ConformanceCheck("BulkJobStore: a cancelled job's pending items are never claimed; a finished job cancels to itself") { stores async throws in
            let now = Fixtures.now
            let (made, payloads) = job(3, at: now)
            try await stores.jobs.create(made, payloads: payloads)
            let running = try await stores.jobs.claim(limit: 1, now: now, leaseUntil: now.addingTimeInterval(60))
            let cancelled = try #require(try await stores.jobs.cancel(id: made.id, by: "operator", at: now))
            #expect(cancelled.status == .cancelled && cancelled.finishedAt == now)
            #expect(try await stores.jobs.claim(limit: 10, now: now, leaseUntil: now.addingTimeInterval(60)).isEmpty)
            let recorded = try #require(try await stores.jobs.record(.done("suspended"), for: running[0], at: now))
            #expect(recorded.status == .cancelled && recorded.counts.done == 1, "an item running at the cancel still records")
            #expect(try await stores.jobs.cancel(id: made.id, by: "operator", at: now)?.status == .cancelled)
            let (empty, _) = job(0, at: now)
            try await stores.jobs.create(empty, payloads: [])
            #expect(try await stores.jobs.cancel(id: empty.id, by: "operator", at: now)?.status == .done)
            #expect(try await stores.jobs.cancel(id: UUID(), by: "operator", at: now) == nil)
        },
        ConformanceCheck("BulkJobStore: jobs list newest first by keyset, all or one requester's") { stores async throws in
            let requester = Fixtures.user()
            try await stores.users.create(requester)
            let base = Fixtures.now
            var made: [BulkJob] = []
            for offset in 0..<3 {
                let (job, payloads) = job(1, requestedBy: offset == 1 ? nil : requester.id, at: base.addingTimeInterval(Double(offset)))
                try await stores.jobs.create(job, payloads: payloads)
                made.append(job)
            }
            let mine = try await stores.jobs.jobs(requestedBy: requester.id, before: nil, limit: 10)
            #expect(mine.map(\.id) == [made[2].id, made[0].id])
            let page = try await stores.jobs.jobs(requestedBy: requester.id, before: BulkJobCursor(after: mine[0]), limit: 10)
            #expect(page.map(\.id) == [made[0].id])
            let all = try await stores.jobs.jobs(requestedBy: nil, before: nil, limit: 2)
            #expect(all.map(\.id) == [made[2].id, made[1].id])
        },
        ConformanceCheck("BulkJobStore: claims at once never share an item") { stores async throws in
            let now = Fixtures.now
            let (made, payloads) = job(60, at: now)
            try await stores.jobs.create(made, payloads: payloads)
            let batches = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        var mine: [Int] = []
                        while true {
                            let claimed = try await stores.jobs.claim(limit: 4, now: now, leaseUntil: now.addingTimeInterval(60))
                            if claimed.isEmpty { return mine }
                            mine += claimed.map(\.item.ordinal)
                        }
                    }
                }
                return try await group.reduce(into: [[Int]]()) { $0.append($1) }
            }
            let all = batches.flatMap { $0 }
            #expect(all.count == 60 && Set(all) == Set(1...60))
        },
    ]
}
