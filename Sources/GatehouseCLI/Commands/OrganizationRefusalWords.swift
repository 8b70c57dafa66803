import ArgumentParser
import GatehouseCore

/// The Core services' refusals in the operator's words: one message per case, so a command
/// ends with a sentence (and a non-zero status) instead of a type name. The API maps the same
/// cases to its status codes in one place of its own.
enum OrganizationRefusalWords {
    /// Runs `body`, turning a refusal of the organization services into an `OperatorError`.
    static func translating<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            guard let message = message(error) else { throw error }
            throw OperatorError(message)
        }
    }

    static func message(_ error: any Error) -> String? {
        switch error {
        case let refusal as OrganizationAdministration.Refusal: words(refusal)
        case let refusal as CustomRoles.Refusal: words(refusal)
        case let refusal as Invitations.Refusal: words(refusal)
        case let refusal as PlatformBootstrap.Refusal: words(refusal)
        case let refusal as ClientAdministration.Refusal: words(refusal)
        default: nil
        }
    }

    static let notPermitted = "RoleRules do not allow this, even for the operator at the shell (who acts as super_admin)"

    static func words(_ refusal: OrganizationAdministration.Refusal) -> String {
        switch refusal {
        case .invalidName: "the name must be 1 to 200 characters without control characters"
        case .invalidSlug: "the slug must be 1 to 63 lower-case letters, digits and inner hyphens"
        case .invalidPolicy: "a required second factor needs at least one allowed method"
        case .roleDoesNotFitPlace: "super_admin, site_admin and operator are platform roles; client_admin and client_user are held in an organization"
        case .slugTaken: "another organization has that slug"
        case .notFound: "no such organization, member or user"
        case .notPermitted: notPermitted
        case .lastSuperAdmin: "that would leave nobody holding super_admin"
        }
    }

    static func words(_ refusal: CustomRoles.Refusal) -> String {
        switch refusal {
        case .invalidPermission: "a permission is `name` or `resource:action`, each a lower-case letter then up to 62 of a-z 0-9 _ . -"
        case .invalidDescription: "the description must be at most 500 characters without control characters"
        case .invalidRoleName: "a role name is a lower-case letter then up to 62 of a-z 0-9 _ . -"
        case .unknownPermission: "a permission of the role is not defined (gatehouse role permission create NAME)"
        case .permissionExists: "that permission is defined already"
        case .roleNameTaken: "a role of that name exists there"
        case .roleInUse(let count): "the role is assigned to \(count) user\(count == 1 ? "" : "s"): delete it with --force to unassign it"
        case .notFound: "no such role, organization or user (or the user is not a member of the role's organization, or does not hold the role)"
        case .notPermitted: notPermitted
        case .permissionNotHeld(let permission): "the permission \(permission) is not held by whoever acts"
        }
    }

    static func words(_ refusal: Invitations.Refusal) -> String {
        switch refusal {
        case .invalidEmail: "that is not an email address"
        case .invalidOrganizationName: "the organization name must be 1 to 200 characters without control characters"
        case .placeDoesNotFitRole:
            "site_admin and operator are invited to the platform; client_admin and client_user to an organization "
                + "(--organization), client_admin also to a new one (--new-organization)"
        case .notFound: "no such invitation or organization"
        case .notPermitted: notPermitted
        case .permissionNotHeld(let permission): "the permission \(permission) is not held by whoever acts"
        case .alreadyMember: "that address already holds the role (or a higher one) there"
        case .alreadyInvited: "that address has a pending invitation there: resend or revoke it (gatehouse invite list)"
        case .otherAddress: "the invitation is for another address"
        case .notPending(let state): "the invitation is \(state.rawValue), no longer pending"
        }
    }

    static func words(_ refusal: PlatformBootstrap.Refusal) -> String {
        switch refusal {
        case .invalidEmail: "that is not an email address"
        case .superAdminExists: "a super_admin exists: bootstrap makes only the first one (invite people with gatehouse invite create)"
        case .emailTaken: "an account has that address: run bootstrap without --password-stdin to print an invitation it accepts by signing in"
        }
    }

    static func words(_ refusal: ClientAdministration.Refusal) -> String {
        switch refusal {
        case .invalid(let problem): problem.description
        case .notFound: "no such client (or organization)"
        case .notPermitted: notPermitted
        case .stale(let current): "the client changed meanwhile (now at revision \(current)); read it again"
        case .noSecret: "a public client has no secret to rotate"
        case .invalidGrace: "the grace period must be a whole number of hours from 0 to \(ClientAdministration.maximumGrace.components.seconds / 3600)"
        }
    }
}
