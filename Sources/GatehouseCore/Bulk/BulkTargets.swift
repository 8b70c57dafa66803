import Foundation

/// How a job's targets are chosen; each becomes one item when the job is made.
public enum BulkTargets: Sendable, Equatable {
    /// These users, in this order (repeats dropped). Ids the requester may not see are kept and
    /// skipped at apply time exactly like ids of nobody, so the answer reveals nothing.
    case users([UUID])
    /// Every user the requester sees that the search matches (its text and filters, in its
    /// order), read now page by page (keyset, never OFFSET) through `UserDirectory`.
    case matching(UserSearch)
    /// These invitations (repeats dropped).
    case invitations([UUID])
    /// Items as given (an import's rows).
    case payloads([[String: String]])

    /// The kind of target, which must be the handler's.
    public var kind: BulkTargetKind {
        switch self {
        case .users, .matching: .users
        case .invitations: .invitations
        case .payloads: .payloads
        }
    }
}

/// What a kind of job acts on, and so which `BulkTargets` it takes.
public enum BulkTargetKind: String, Sendable, Equatable {
    /// Users: items `{"user_id": …}`.
    case users
    /// Invitations: items `{"invitation_id": …}`.
    case invitations
    /// Rows given whole (an import).
    case payloads

    /// The payload key that names a target of this kind (nil: rows given whole).
    public var payloadKey: String? {
        switch self {
        case .users: "user_id"
        case .invitations: "invitation_id"
        case .payloads: nil
        }
    }
}

extension BulkItemHandler {
    /// What the handler's items act on: rows given whole unless it says otherwise.
    public var targetKind: BulkTargetKind { .payloads }
}
