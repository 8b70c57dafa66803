import Foundation

/// A piece of bulk work (issue 11 item 4): one kind of action over many targets, stored in
/// PostgreSQL with one item per target so that it survives a restart and several processes
/// share it (`BulkWorker`). Every item is checked against the requester's rights as they are
/// when it is applied, not when the job was made.
public struct BulkJob: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var kind: BulkJobKind
    /// Whose rights each item is checked against (nil: the operator at the server's shell).
    public var requestedBy: UUID?
    /// The organization the job acts in, when its kind names one.
    public var organizationID: UUID?
    /// The kind's parameters (`organization_id`, `role`, …) and how the targets were chosen.
    public var parameters: [String: String]
    /// A dry run reports what each item would do and changes nothing.
    public var dryRun: Bool
    public var status: BulkJobStatus
    public var counts: BulkJobCounts
    public var createdAt: Date
    public var updatedAt: Date
    public var finishedAt: Date?

    public init(id: UUID = UUID(), kind: BulkJobKind, requestedBy: UUID?, organizationID: UUID? = nil, parameters: [String: String] = [:],
                dryRun: Bool, status: BulkJobStatus = .queued, counts: BulkJobCounts, createdAt: Date, updatedAt: Date? = nil,
                finishedAt: Date? = nil) {
        self.id = id
        self.kind = kind
        self.requestedBy = requestedBy
        self.organizationID = organizationID
        self.parameters = parameters
        self.dryRun = dryRun
        self.status = status
        self.counts = counts
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.finishedAt = finishedAt
    }
}

/// The name of what a job does, which picks its `BulkItemHandler`: lower-case letters, digits and
/// `_`, starting with a letter (at most 63), as stored and as the API names it.
public struct BulkJobKind: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public init?(rawValue: String) {
        let bytes = Array(rawValue.utf8)
        guard (1...63).contains(bytes.count), (97...122).contains(bytes[0]),
              bytes.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }) else { return nil }
        self.rawValue = rawValue
    }

    /// A kind known to be well formed (the constants below, and other modules' own).
    public init(_ name: StaticString) {
        guard let kind = BulkJobKind(rawValue: "\(name)") else { preconditionFailure("not a bulk job kind: \(name)") }
        self = kind
    }

    public var description: String { rawValue }

    public static func < (lhs: BulkJobKind, rhs: BulkJobKind) -> Bool { lhs.rawValue < rhs.rawValue }
}

public enum BulkJobStatus: String, Sendable, CaseIterable, Codable {
    /// Made, no item claimed yet.
    case queued
    /// Items are being applied.
    case running
    /// Every item has its outcome.
    case done
    /// Stopped by someone: items not yet claimed stay pending and are never applied.
    case cancelled

    /// Whether workers still claim its items.
    public var isOpen: Bool { self == .queued || self == .running }
}

/// How far a job is: its items, and how many ended each way.
public struct BulkJobCounts: Sendable, Equatable, Codable {
    public var total: Int
    public var done: Int
    public var skipped: Int
    public var failed: Int

    public init(total: Int, done: Int = 0, skipped: Int = 0, failed: Int = 0) {
        self.total = total
        self.done = done
        self.skipped = skipped
        self.failed = failed
    }

    /// Items with an outcome.
    public var processed: Int { done + skipped + failed }

    /// One more item ended with `status`.
    public mutating func count(_ status: BulkItemStatus) {
        switch status {
        case .done: done += 1
        case .skipped: skipped += 1
        case .failed: failed += 1
        case .pending, .running: break
        }
    }
}
