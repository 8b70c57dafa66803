/// Scope strings (RFC 6749 §3.3): space-delimited, case-sensitive, order irrelevant.
public enum Scope {
    public static let openid = "openid"
    public static let profile = "profile"
    public static let email = "email"
    public static let offlineAccess = "offline_access"
    /// The active organization: `org_id`, `org_slug`, `org_name` (issue 10).
    public static let organization = "organization"
    /// The user's roles there (`roles`), and in access tokens their permissions (issue 10).
    public static let roles = "roles"
    /// The administration API (`/api/v1`, issue 10 item 7): never granted unless the client's
    /// registration names it, and what it allows is still the caller's roles, read per call.
    public static let manage = "gatehouse:manage"

    /// The scopes every client may ask for unless its registration narrows them.
    public static let standard: Set<String> = [openid, profile, email, offlineAccess, organization, roles]

    /// Splits a scope parameter; nil when it contains characters RFC 6749 §3.3 forbids.
    public static func parse(_ text: String?) -> [String]? {
        guard let text else { return [] }
        var seen = Set<String>()
        var result: [String] = []
        for token in text.split(separator: " ", omittingEmptySubsequences: true) {
            guard token.unicodeScalars.allSatisfy({ $0 == "!" || ($0.value >= 0x23 && $0.value <= 0x5B) || ($0.value >= 0x5D && $0.value <= 0x7E) })
            else { return nil }
            let scope = String(token)
            if seen.insert(scope).inserted { result.append(scope) }
        }
        return result
    }

    public static func join(_ scopes: some Sequence<String>) -> String {
        scopes.joined(separator: " ")
    }

    /// What an app with these scopes may do, in one line for a list (the account page's connected
    /// apps): "Can see who you are, your name and picture · stays connected while you are away".
    public static func accessSummary(_ scopes: [String]) -> String {
        let order = [openid, profile, email, organization, roles]
        let seen = scopes.filter { $0 != offlineAccess }
            .sorted { (order.firstIndex(of: $0) ?? order.count, $0) < (order.firstIndex(of: $1) ?? order.count, $1) }
            .map { scope in
                switch scope {
                case openid: "who you are"
                case profile: "your name and picture"
                case email: "your email address"
                case organization: "the organization you signed in for"
                case roles: "your roles and permissions there"
                default: "“\(scope)”"
                }
            }
        var parts: [String] = []
        if !seen.isEmpty { parts.append("Can see " + seen.joined(separator: ", ")) }
        if scopes.contains(offlineAccess) { parts.append(parts.isEmpty ? "Stays connected while you are away" : "stays connected while you are away") }
        return parts.joined(separator: " · ")
    }

    /// Words a person reads on the consent page.
    public static func explanation(_ scope: String) -> String {
        switch scope {
        case openid: return "Confirm who you are (your account identifier)"
        case profile: return "See your name and profile picture"
        case email: return "See your email address and whether it is verified"
        case offlineAccess: return "Stay connected while you are away (keep access until you revoke it)"
        case organization: return "See which organization you signed in for (its name and identifier)"
        case roles: return "See your roles and permissions in that organization"
        case manage: return "Manage organizations, invitations and roles as you may yourself"
        default: return "Access “\(scope)”"
        }
    }
}
