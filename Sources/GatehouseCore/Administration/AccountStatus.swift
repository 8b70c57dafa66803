import Foundation

/// Where an account is in its lifecycle (issue 11 item 3). Only `active` accounts sign in or
/// hold working credentials. An erased account is no longer a `User` at all: its row is a
/// tombstone that keeps the id from ever being reused.
public enum AccountStatus: String, Sendable, CaseIterable, Codable {
    case active
    /// Stopped by an administrator; an administrator may reactivate it.
    case suspended
    /// Closed by the user or an administrator; an administrator may reactivate it.
    case deactivated
}

extension AccountStatus {
    /// An administrator's change of status: where it may start and where it leads. The one table
    /// `UserLifecycle` applies and the console offers.
    public enum Change: String, Sendable, CaseIterable {
        case suspend, reactivate, deactivate

        /// The statuses it may start from (anything else is `UserLifecycle.Refusal.status`).
        public var from: Set<AccountStatus> {
            switch self {
            case .suspend: [.active]
            case .reactivate: [.suspended, .deactivated]
            case .deactivate: [.active, .suspended]
            }
        }

        public var to: AccountStatus {
            switch self {
            case .suspend: .suspended
            case .reactivate: .active
            case .deactivate: .deactivated
            }
        }
    }

    /// The changes an administrator may make to an account of this status, in `Change` order.
    public var changes: [Change] { Change.allCases.filter { $0.from.contains(self) } }
}

/// Whether a stored account still stands behind a credential: the one check `/userinfo`,
/// `/introspect`, `/api/v1` and `/events` make (through `BearerTokenValidator`) on the user row
/// they read anyway, so it costs no query of its own.
public enum AccountStanding {
    /// True when `user` is active and the credential was issued (`iat`, or the sign-in it came
    /// from when earlier: `auth_time`; seconds since 1970) no earlier than the account's
    /// `credentialsNotBefore`. That instant is stored rounded up to a
    /// whole second (`notBefore(at:)`), so a token issued in the very second of a suspension,
    /// before it, is refused: `iat` is rounded down.
    public static func admits(_ user: User, issuedAt: Int) -> Bool {
        guard user.status == .active else { return false }
        guard let notBefore = user.credentialsNotBefore else { return true }
        return issuedAt >= notBefore.numericDate
    }

    /// The `credentials_not_before` to store for a suspension at `now`: the next whole second.
    public static func notBefore(at now: Date) -> Date {
        Date(timeIntervalSince1970: (now.timeIntervalSince1970).rounded(.up))
    }
}
