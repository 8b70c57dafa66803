import Foundation
import GatehouseCore

/// What `org`, `invite`, `role` and `admin` print with `--json`: snake_case keys, ids in lower
/// case, times in ISO 8601 (UTC), absent values as null (written out: every record of a kind
/// has every key), so scripts read one shape.
enum OrganizationOutput {
    static func text(_ id: UUID?) -> String? { id?.uuidString.lowercased() }

    static func time(_ date: Date?) -> String? {
        date.map { ISO8601DateFormatter().string(from: $0) }
    }

    struct OrganizationRecord: Encodable {
        let id: String
        let name: String
        let slug: String
        let status: String
        let secondFactor: String
        let secondFactorMethods: [String]
        let createdAt: String?
        let createdBy: String?

        init(_ organization: Organization) {
            id = organization.id.uuidString.lowercased()
            name = organization.name
            slug = organization.slug
            status = organization.status.rawValue
            switch organization.secondFactor {
            case .off: (secondFactor, secondFactorMethods) = ("off", [])
            case .optional: (secondFactor, secondFactorMethods) = ("optional", [])
            case .required(let methods): (secondFactor, secondFactorMethods) = ("required", methods.map(\.rawValue).sorted())
            }
            createdAt = time(organization.createdAt)
            createdBy = text(organization.createdBy)
        }

        var line: String { "\(slug)  \(status)  \(id)  \(name)" }

        enum CodingKeys: String, CodingKey {
            case id, name, slug, status
            case secondFactor = "second_factor"
            case secondFactorMethods = "second_factor_methods"
            case createdAt = "created_at"
            case createdBy = "created_by"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(slug, forKey: .slug)
            try container.encode(status, forKey: .status)
            try container.encode(secondFactor, forKey: .secondFactor)
            try container.encode(secondFactorMethods, forKey: .secondFactorMethods)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(createdBy, forKey: .createdBy)
        }
    }

    struct MemberRecord: Encodable {
        let userID: String
        let email: String
        let name: String?
        let role: String
        let joinedAt: String?

        init(_ member: OrganizationAdministration.Member) {
            self.init(member.membership, email: member.email, name: member.name)
        }

        init(_ membership: Membership, email: String, name: String?) {
            userID = membership.userID.uuidString.lowercased()
            self.email = email
            self.name = name
            role = membership.role.rawValue
            joinedAt = time(membership.createdAt)
        }

        var line: String { "\(role)  \(email)  \(userID)" }

        enum CodingKeys: String, CodingKey {
            case email, name, role
            case userID = "user_id"
            case joinedAt = "joined_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(userID, forKey: .userID)
            try container.encode(email, forKey: .email)
            try container.encode(name, forKey: .name)
            try container.encode(role, forKey: .role)
            try container.encode(joinedAt, forKey: .joinedAt)
        }
    }

    struct InvitationRecord: Encodable {
        let id: String
        let email: String
        let role: String
        let organizationID: String?
        let state: String
        let invitedBy: String?
        let createdAt: String?
        let expiresAt: String?
        /// Only right after it was made (create, resend, bootstrap): the token is never stored.
        let link: String?
        let mailed: Bool?

        init(_ invitation: Invitation, at now: Date, link: String? = nil, mailed: Bool? = nil) {
            id = invitation.id.uuidString.lowercased()
            email = invitation.email
            role = invitation.role.rawValue
            organizationID = text(invitation.organizationID)
            state = invitation.state(at: now).rawValue
            invitedBy = text(invitation.invitedBy)
            createdAt = time(invitation.createdAt)
            expiresAt = time(invitation.expiresAt)
            self.link = link
            self.mailed = mailed
        }

        var line: String {
            "\(state)  \(role)  \(email)  \(id)" + (organizationID.map { "  organization \($0)" } ?? "") + "  expires \(expiresAt ?? "")"
        }

        enum CodingKeys: String, CodingKey {
            case id, email, role, state, link, mailed
            case organizationID = "organization_id"
            case invitedBy = "invited_by"
            case createdAt = "created_at"
            case expiresAt = "expires_at"
        }

        /// Nulls written out, so every record has every key.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(email, forKey: .email)
            try container.encode(role, forKey: .role)
            try container.encode(organizationID, forKey: .organizationID)
            try container.encode(state, forKey: .state)
            try container.encode(invitedBy, forKey: .invitedBy)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(expiresAt, forKey: .expiresAt)
            try container.encodeIfPresent(link, forKey: .link)
            try container.encodeIfPresent(mailed, forKey: .mailed)
        }
    }

    struct RoleRecord: Encodable {
        let id: String
        let name: String
        let organizationID: String?
        let permissions: [String]
        let createdAt: String?
        let updatedAt: String?

        init(_ role: CustomRole) {
            id = role.id.uuidString.lowercased()
            name = role.name
            organizationID = text(role.organizationID)
            permissions = role.permissions.sorted()
            createdAt = time(role.createdAt)
            updatedAt = time(role.updatedAt)
        }

        var line: String { "\(name)  \(id)  [\(permissions.joined(separator: " "))]" }

        enum CodingKeys: String, CodingKey {
            case id, name, permissions
            case organizationID = "organization_id"
            case createdAt = "created_at"
            case updatedAt = "updated_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(organizationID, forKey: .organizationID)
            try container.encode(permissions, forKey: .permissions)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(updatedAt, forKey: .updatedAt)
        }
    }

    struct PermissionRecord: Encodable {
        let name: String
        let description: String
        let createdAt: String?

        init(_ permission: Permission) {
            name = permission.name
            description = permission.description
            createdAt = time(permission.createdAt)
        }

        var line: String { description.isEmpty ? name : "\(name)  \(description)" }

        enum CodingKeys: String, CodingKey {
            case name, description
            case createdAt = "created_at"
        }
    }

    /// What a command that changes who holds a role prints with `--json`.
    struct RoleChangeRecord: Encodable {
        let action: String
        let role: String
        let roleID: String?
        let userID: String
        let email: String

        enum CodingKeys: String, CodingKey {
            case action, role, email
            case roleID = "role_id"
            case userID = "user_id"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(action, forKey: .action)
            try container.encode(role, forKey: .role)
            try container.encode(roleID, forKey: .roleID)
            try container.encode(userID, forKey: .userID)
            try container.encode(email, forKey: .email)
        }
    }

    /// What a delete prints with `--json`.
    struct DeletionRecord: Encodable {
        let deleted: String
        let id: String
        let force: Bool?
    }
}
