import Foundation

/// The first `super_admin` (issue 10 item 9: `gatehouse admin bootstrap`), made on the server's
/// shell outside `RoleRules` (which lets nobody give `super_admin`), and only while nobody holds
/// that role:
/// - with a password: the account is created with it and the role, in one transaction that a
///   second bootstrap at the same moment waits for (`MembershipStore.createFirstSuperAdmin`);
/// - without: a `super_admin` invitation, whose link the operator sees once (and which is mailed
///   when mail is on). Bootstrapping the same address again replaces it (the old link stops
///   working), so a lost link is no dead end.
/// Both are audited with the actor `operator`.
public struct PlatformBootstrap: Sendable {
    /// The invitation service whose stores, lifetime and expiry sweep bootstrap shares.
    let service: Invitations

    public init(invitations: Invitations) {
        self.service = invitations
    }

    public enum Refusal: Error, Equatable, Sendable {
        case invalidEmail
        /// Someone holds `super_admin`: from now on roles are given by invitation or `RoleRules`.
        case superAdminExists
        /// An account has the address: bootstrap it without a password (an invitation, which
        /// that account accepts by signing in).
        case emailTaken
    }

    /// Refuses early what `createSuperAdmin` would refuse, before the caller spends a password hash on it.
    public func checkOpen(forNewAccount text: String) async throws {
        let email = User.normalizedEmail(text)
        guard EmailAddress.isPlausible(email) else { throw Refusal.invalidEmail }
        guard try await service.memberships.count(platformRole: .superAdmin) == 0 else { throw Refusal.superAdminExists }
        guard try await service.users.find(email: email) == nil else { throw Refusal.emailTaken }
    }

    /// Creates `account` (its password already checked against the policy and hashed) as the first `super_admin`.
    public func createSuperAdmin(_ account: User) async throws {
        guard EmailAddress.isPlausible(account.email) else { throw Refusal.invalidEmail }
        let now = service.clock.now
        switch try await service.memberships.createFirstSuperAdmin(account, at: now) {
        case .created: break
        case .superAdminExists: throw Refusal.superAdminExists
        case .emailTaken: throw Refusal.emailTaken
        }
        let details = ["user_id": account.id.uuidString.lowercased(), "role": Role.superAdmin.rawValue, "via": "bootstrap"]
        await service.audit.record(AuditEvent(type: .roleGranted, occurredAt: now, actor: Principal.serverOperator.auditActor,
                                              subject: account.id, details: details))
    }

    /// A `super_admin` invitation for the address, replacing a pending platform invitation it has.
    public func inviteSuperAdmin(email text: String) async throws -> Invitations.Issued {
        let email = User.normalizedEmail(text)
        guard EmailAddress.isPlausible(email) else { throw Refusal.invalidEmail }
        guard try await service.memberships.count(platformRole: .superAdmin) == 0 else { throw Refusal.superAdminExists }
        let now = service.clock.now
        let token = service.crypto.randomToken(), digest = service.crypto.tokenDigest(token)
        let invitation = Invitation(id: UUID(), email: email, role: .superAdmin, organizationID: nil, invitedBy: nil, createdAt: now,
                                    expiresAt: now.addingTimeInterval(service.lifetime.timeInterval))
        var details = service.facts(invitation)
        details["via"] = "bootstrap"
        var earlier = try await service.invitations.pending(email: email, organizationID: nil)
        if let pending = earlier, pending.state(at: now) == .expired {
            // Past its time but not yet swept: the sweep marks it (and audits it), freeing the address.
            _ = try await service.expireDue()
            earlier = nil
        }
        if let earlier {
            // An earlier link (bootstrap's, or an invitation to a lower platform role) gives way to this one.
            guard try await service.invitations.replace(id: earlier.id, with: invitation, digest: digest, at: now) != nil else {
                throw StoreError.conflict("the earlier invitation of \(email) changed meanwhile: run the command again")
            }
            details["replaces"] = earlier.id.uuidString.lowercased()
        } else {
            try await service.invitations.create(invitation, digest: digest)
        }
        await service.audit.record(AuditEvent(type: earlier == nil ? .invitationCreated : .invitationResent, occurredAt: now,
                                              actor: Principal.serverOperator.auditActor, details: details))
        let issued = Invitations.Issued(invitation: invitation, token: token, organization: nil)
        try await service.send(issued, by: .serverOperator)
        return issued
    }
}
