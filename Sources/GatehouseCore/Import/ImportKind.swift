/// What an import makes of its rows.
public enum ImportKind: String, Sendable, Equatable, CaseIterable {
    /// Accounts from another provider (`UserImport`).
    case users
    /// Invitations (`InvitationImport`), mailed like any other.
    case invitations

    /// The columns a file of this kind has, in the order the documentation gives them. A CSV
    /// header names some of them in any order (`required` at least); JSON lines use them as keys.
    public var columns: [String] {
        switch self {
        case .users: ["external_id", "email", "name", "email_verified", "password_hash", "organization", "role"]
        case .invitations: ["email", "name", "role", "organization"]
        }
    }

    /// The columns every file of this kind must have.
    public var required: [String] {
        switch self {
        case .users: ["external_id", "email"]
        case .invitations: ["email", "role"]
        }
    }
}

/// How the rows are written.
public enum ImportFormat: String, Sendable, Equatable, CaseIterable {
    case csv
    /// One JSON object per line (https://jsonlines.org).
    case jsonl
}
