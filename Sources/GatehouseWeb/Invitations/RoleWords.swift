import GatehouseCore

/// A role as the pages and mails say it ("as an administrator of Acme").
enum RoleWords {
    static func withArticle(_ role: Role) -> String {
        switch role {
        case .superAdmin: "a super administrator"
        case .siteAdmin: "a site administrator"
        case .operator: "an operator"
        case .clientAdmin: "an administrator"
        case .clientUser: "a member"
        }
    }

    /// "to join Acme as an administrator", "to Gatehouse as an operator".
    static func place(_ role: Role, organization: Organization?, serviceName: String) -> String {
        organization.map { "to join \($0.name) as \(withArticle(role))" } ?? "to \(serviceName) as \(withArticle(role))"
    }
}
