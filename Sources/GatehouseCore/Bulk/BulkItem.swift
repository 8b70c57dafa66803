import Foundation

/// One target of a job: what it acts on (`payload`: `{"user_id": …}`, an import's row), and once
/// applied, how it ended and why.
public struct BulkItem: Sendable, Equatable {
    public var jobID: UUID
    /// Its place in the job, from 1, in the order the targets were given.
    public var ordinal: Int
    public var payload: [String: String]
    public var status: BulkItemStatus
    /// What happened or, in a dry run, would happen ("suspended", "would suspend", "already suspended").
    public var reason: String?
    public var processedAt: Date?

    public init(jobID: UUID, ordinal: Int, payload: [String: String], status: BulkItemStatus = .pending, reason: String? = nil,
                processedAt: Date? = nil) {
        self.jobID = jobID
        self.ordinal = ordinal
        self.payload = payload
        self.status = status
        self.reason = reason
        self.processedAt = processedAt
    }
}

extension BulkItem {
    /// Payload keys that are the handler's input alone (an imported password hash): never shown
    /// (`BulkJobs.items`), dropped from a real job's item as its outcome is recorded, and from a
    /// dry run's items when it is confirmed (`BulkJobStore`): a copy of a user's password hash
    /// kept in a job would outlive their next password change.
    public static let secretKeys: Set<String> = ["password_hash"]

    /// The item as it may be shown: without `secretKeys`.
    public var withoutSecrets: BulkItem {
        var item = self
        item.payload = payload.filter { !Self.secretKeys.contains($0.key) }
        return item
    }
}

public enum BulkItemStatus: String, Sendable, CaseIterable, Codable {
    /// Waiting for a worker.
    case pending
    /// Claimed by a worker, under a lease.
    case running
    /// Applied (in a dry run: would be applied).
    case done
    /// Not applied, with why (not allowed, already in that state, no such user).
    case skipped
    /// Applying it failed unexpectedly.
    case failed

    /// Whether this is an outcome (not pending or running).
    public var isOutcome: Bool { self == .done || self == .skipped || self == .failed }
}

/// How one item ended, as its handler reports it.
public struct BulkItemOutcome: Sendable, Equatable {
    public var status: BulkItemStatus
    public var reason: String

    public init(_ status: BulkItemStatus, _ reason: String) {
        precondition(status.isOutcome, "an outcome is done, skipped or failed")
        self.status = status
        self.reason = reason
    }

    public static func done(_ reason: String) -> BulkItemOutcome { BulkItemOutcome(.done, reason) }
    public static func skipped(_ reason: String) -> BulkItemOutcome { BulkItemOutcome(.skipped, reason) }
    public static func failed(_ reason: String) -> BulkItemOutcome { BulkItemOutcome(.failed, reason) }
}

/// An item a worker holds: the claim that guards recording its outcome.
public struct ClaimedBulkItem: Sendable, Equatable {
    public var item: BulkItem
    /// The token of the claim; the outcome is recorded only while the item is still held by it.
    public var claim: UUID

    public init(item: BulkItem, claim: UUID) {
        self.item = item
        self.claim = claim
    }
}

/// Where a page of a job's items starts: strictly after this ordinal.
public struct BulkItemCursor: Sendable, Equatable {
    public var afterOrdinal: Int

    public init(afterOrdinal: Int) {
        self.afterOrdinal = afterOrdinal
    }

    /// As it travels in URLs: the ordinal in decimal; nil for anything else.
    public init?(_ text: String) {
        guard (1...9).contains(text.utf8.count), text.utf8.allSatisfy({ (48...57).contains($0) }), let value = Int(text) else { return nil }
        afterOrdinal = value
    }

    public var text: String { String(afterOrdinal) }
}

/// Where a page of jobs starts: strictly older than this job (newest first).
public struct BulkJobCursor: Sendable, Equatable {
    public var createdAt: Date
    public var id: UUID

    public init(createdAt: Date, id: UUID) {
        self.createdAt = createdAt
        self.id = id
    }

    public init(after job: BulkJob) {
        self.init(createdAt: job.createdAt, id: job.id)
    }

}
