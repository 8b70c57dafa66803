import Foundation
import GatehouseCore

/// The JSON the API answers with, one type per resource, as `openapi.json` describes them:
/// snake_case names, lower-case UUIDs, RFC 3339 times in UTC with seconds.
enum APIRepresentation {
    static func id(_ id: UUID) -> String { id.uuidString.lowercased() }

    static func time(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    struct SecondFactor: Encodable, Equatable {
        /// `off`, `optional` or `required`.
        let mode: String
        /// For `required`: `email`, `totp`, sorted.
        let methods: [String]

        init(_ policy: SecondFactorPolicy) {
            switch policy {
            case .off: (mode, methods) = ("off", [])
            case .optional: (mode, methods) = ("optional", [])
            case .required(let allowed): (mode, methods) = ("required", allowed.map(\.rawValue).sorted())
            }
        }
    }

    struct OrganizationBody: Encodable {
        let id: String
        let name: String
        let slug: String
        let status: String
        let secondFactor: SecondFactor
        let createdAt: String
        let updatedAt: String

        init(_ organization: Organization) {
            id = APIRepresentation.id(organization.id)
            name = organization.name
            slug = organization.slug
            status = organization.status.rawValue
            secondFactor = SecondFactor(organization.secondFactor)
            createdAt = APIRepresentation.time(organization.createdAt)
            updatedAt = APIRepresentation.time(organization.updatedAt)
        }

        enum CodingKeys: String, CodingKey {
            case id, name, slug, status
            case secondFactor = "second_factor", createdAt = "created_at", updatedAt = "updated_at"
        }
    }

    struct MemberBody: Encodable {
        let userID: String
        let email: String
        let name: String?
        let role: String
        let joinedAt: String

        init(_ member: OrganizationAdministration.Member) {
            userID = APIRepresentation.id(member.membership.userID)
            email = member.email
            name = member.name
            role = member.membership.role.rawValue
            joinedAt = APIRepresentation.time(member.membership.createdAt)
        }

        enum CodingKeys: String, CodingKey {
            case userID = "user_id", email, name, role, joinedAt = "joined_at"
        }
    }

    struct MembershipBody: Encodable {
        let organizationID: String
        let userID: String
        let role: String

        init(_ membership: Membership) {
            organizationID = APIRepresentation.id(membership.organizationID)
            userID = APIRepresentation.id(membership.userID)
            role = membership.role.rawValue
        }

        enum CodingKeys: String, CodingKey {
            case organizationID = "organization_id", userID = "user_id", role
        }
    }

    struct InvitationBody: Encodable {
        let id: String
        let email: String
        let role: String
        let organizationID: String?
        let state: String
        let createdAt: String
        let expiresAt: String

        init(_ invitation: Invitation, at now: Date) {
            id = APIRepresentation.id(invitation.id)
            email = invitation.email
            role = invitation.role.rawValue
            organizationID = invitation.organizationID.map(APIRepresentation.id)
            state = invitation.state(at: now).rawValue
            createdAt = APIRepresentation.time(invitation.createdAt)
            expiresAt = APIRepresentation.time(invitation.expiresAt)
        }

        enum CodingKeys: String, CodingKey {
            case id, email, role, state
            case organizationID = "organization_id", createdAt = "created_at", expiresAt = "expires_at"
        }
    }

    /// A new link: the invitation, and the link itself only when mail is off (else only the
    /// invited address receives it).
    struct IssuedBody: Encodable {
        let invitation: InvitationBody
        let link: String?
    }

    /// What anyone holding the link may read about it (no ids, no inviter's address).
    struct PublicInvitationBody: Encodable {
        let email: String
        let role: String
        let state: String
        let organizationName: String?
        let inviterName: String?
        let expiresAt: String

        init(_ details: InvitationDetails) {
            email = details.invitation.email
            role = details.invitation.role.rawValue
            state = details.state.rawValue
            organizationName = details.organization?.name
            inviterName = details.inviterName
            expiresAt = APIRepresentation.time(details.invitation.expiresAt)
        }

        enum CodingKeys: String, CodingKey {
            case email, role, state
            case organizationName = "organization_name", inviterName = "inviter_name", expiresAt = "expires_at"
        }
    }

    struct PermissionBody: Encodable {
        let name: String
        let description: String
        let createdAt: String

        init(_ permission: Permission) {
            name = permission.name
            description = permission.description
            createdAt = APIRepresentation.time(permission.createdAt)
        }

        enum CodingKeys: String, CodingKey {
            case name, description, createdAt = "created_at"
        }
    }

    struct CustomRoleBody: Encodable {
        let id: String
        let name: String
        /// Absent for a global role.
        let organizationID: String?
        let permissions: [String]
        let createdAt: String
        let updatedAt: String

        init(_ role: CustomRole) {
            id = APIRepresentation.id(role.id)
            name = role.name
            organizationID = role.organizationID.map(APIRepresentation.id)
            permissions = role.permissions.sorted()
            createdAt = APIRepresentation.time(role.createdAt)
            updatedAt = APIRepresentation.time(role.updatedAt)
        }

        enum CodingKeys: String, CodingKey {
            case id, name, permissions
            case organizationID = "organization_id", createdAt = "created_at", updatedAt = "updated_at"
        }
    }

    /// One page of a list and, when there may be more, the cursor for the next.
    struct Page<Item: Encodable>: Encodable {
        let items: [Item]
        let next: String?
    }
}
