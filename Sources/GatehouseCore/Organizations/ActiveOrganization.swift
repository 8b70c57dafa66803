import Foundation

/// Which organization a sign-in acts for (issue 10 item 3): the one the `organization`
/// parameter names, else the one the user picked, else the user's only one; a user with several
/// picks, a user with none gets none. Asked by `AuthorizationFlow` at every step, so a named or
/// picked organization is checked against the memberships as they are at the moment of issue.
public struct ActiveOrganization: Sendable {
    let organizations: any OrganizationStore
    let memberships: any MembershipStore

    public init(organizations: any OrganizationStore, memberships: any MembershipStore) {
        self.organizations = organizations
        self.memberships = memberships
    }

    public enum Resolution: Sendable, Equatable {
        /// No organization: none named or picked, and the user belongs to none.
        case none
        case organization(Organization)
        /// The user belongs to several and none was named or picked: the picker.
        case choose
        /// Named or picked, but the user may not act for it, or it does not exist (one answer
        /// for both, so nothing is learnt about organizations one does not belong to).
        case refused
    }

    public func resolve(_ pending: PendingAuthorization, userID: UUID) async throws -> Resolution {
        if let reference = pending.requestedOrganization {
            return try await permitted(try await organizations.find(reference), userID: userID)
        }
        if let chosen = pending.chosenOrganizationID {
            return try await permitted(try await organizations.find(id: chosen), userID: userID)
        }
        // Two are enough to know whether there is a choice to make.
        let own = try await memberships.organizations(userID: userID, matching: nil, limit: 2)
        switch own.count {
        case 0: return .none
        case 1: return .organization(own[0])
        default: return .choose
        }
    }

    /// A member may act for the organization; so may a holder of a platform role, who acts on
    /// every organization.
    func permitted(_ organization: Organization?, userID: UUID) async throws -> Resolution {
        guard let organization else { return .refused }
        if try await memberships.membership(organizationID: organization.id, userID: userID) != nil {
            return .organization(organization)
        }
        return try await memberships.platformRole(userID: userID) != nil ? .organization(organization) : .refused
    }
}
