import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

/// `BulkJobs.purgeFinished` deletes the jobs that finished more than `BulkJobs.retention` ago,
/// however many there are, and nothing younger or still open.
@Suite struct BulkJobRetentionTests {
    static let kind = BulkJobKind("suspend_user")

    static func job(createdAt: Date) -> BulkJob {
        BulkJob(kind: kind, requestedBy: nil, parameters: [:], dryRun: false, counts: BulkJobCounts(total: 0), createdAt: createdAt)
    }

    @Test("jobs finished more than 30 days ago are deleted in as many batches as it takes; younger and open jobs stay")
    func purgesPastRetention() async throws {
        let store = InMemoryBulkJobStore(), now = Date(timeIntervalSince1970: 1_796_000_000)
        #expect(BulkJobs.retention == 30 * 24 * 3600)
        // A job with no items is done when it is made: 23 of them past the retention.
        for index in 0..<23 {
            try await store.create(Self.job(createdAt: now.addingTimeInterval(-BulkJobs.retention - 60 - Double(index))), payloads: [])
        }
        let young = Self.job(createdAt: now.addingTimeInterval(-BulkJobs.retention + 60))
        try await store.create(young, payloads: [])
        let open = Self.job(createdAt: now.addingTimeInterval(-BulkJobs.retention - 3600))
        try await store.create(open, payloads: [["user_id": UUID().uuidString]])

        #expect(try await BulkJobs.purgeFinished(store, now: now) == 23)
        #expect(try await store.jobs(requestedBy: nil, before: nil, limit: 100).map(\.id).sorted { $0.uuidString < $1.uuidString }
                == [young.id, open.id].sorted { $0.uuidString < $1.uuidString })
        #expect(try await BulkJobs.purgeFinished(store, now: now) == 0)
        #expect(try await BulkJobs.purgeFinished(store, now: now.addingTimeInterval(120)) == 1, "the young one, a minute past its 30 days")
    }
}
