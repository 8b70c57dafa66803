/// The five built-in roles, highest first (issue 10): three platform roles, held without an
/// organization, and two roles a user holds within one organization.
///
/// `super_admin` › `site_admin` › `operator` › `client_admin` › `client_user`.
public enum Role: String, CaseIterable, Sendable, Codable, Comparable {
    case superAdmin = "super_admin"
    case siteAdmin = "site_admin"
    case `operator` = "operator"
    case clientAdmin = "client_admin"
    case clientUser = "client_user"

    /// Higher is more powerful; the order of the cases.
    public var rank: Int {
        switch self {
        case .superAdmin: 5
        case .siteAdmin: 4
        case .operator: 3
        case .clientAdmin: 2
        case .clientUser: 1
        }
    }

    /// Platform roles act on every organization; the others only within their own.
    public var isPlatformRole: Bool { rank >= Role.operator.rank }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}
