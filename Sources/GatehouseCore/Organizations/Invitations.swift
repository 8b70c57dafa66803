import Foundation

/// Onboarding by invitation (issue 10 item 4): who may invite whom is `RoleRules`; this service
/// adds the rest, in one place for the pages, the API and the CLI.
///
/// - An invitation names an address, a role and its place: the platform (platform roles), an
///   organization, or — for a `client_admin` — a new organization by name, created pending at once.
/// - Its 256-bit token goes only into the mail; the store keeps the digest.
/// - An address that already holds the role there answers `.alreadyMember`; one with a pending
///   invitation there `.alreadyInvited` (409 both).
/// - Whoever could send an invitation may revoke or resend it, and so may its inviter; anyone
///   outside its organization gets `.notFound`, exactly as for an unknown id.
/// - With a `mail`, every new link (an invitation, a resend) is mailed from here, naming the
///   inviter and the organization, so no caller can forget to.
public struct Invitations: Sendable {
    let invitations: any InvitationStore
    let organizations: any OrganizationStore
    let memberships: any MembershipStore
    let users: any UserStore
    let crypto: any CryptoPrimitives
    let audit: any AuditLog
    let clock: any Clock
    /// How long a link works (`GATEHOUSE_INVITE_TTL`, 7 days by default).
    let lifetime: Duration
    /// Sends each new link to its address (nil: mail is off; the caller shows the link instead).
    let mail: (any InvitationMail)?
    /// Where accepted, revoked and expired invitations are announced to their inviters at once
    /// (`GET /events`); nil where nobody watches (the CLI).
    let events: (any LiveEventBus)?

    public static let defaultLifetime: Duration = .seconds(7 * 86_400)

    public init(invitations: any InvitationStore, organizations: any OrganizationStore, memberships: any MembershipStore,
                users: any UserStore, crypto: any CryptoPrimitives, audit: any AuditLog, clock: any Clock,
                lifetime: Duration = Invitations.defaultLifetime, mail: (any InvitationMail)? = nil,
                events: (any LiveEventBus)? = nil) {
        self.invitations = invitations
        self.organizations = organizations
        self.memberships = memberships
        self.users = users
        self.crypto = crypto
        self.audit = audit
        self.clock = clock
        self.lifetime = lifetime
        self.mail = mail
        self.events = events
    }

    /// Whether new links are mailed (else only the caller has them).
    public var mailsLinks: Bool { mail != nil }

    /// Where the invited role is held.
    public enum Place: Sendable, Equatable {
        case platform
        case organization(UUID)
        /// A new organization with this name, created (pending) with the invitation of its first `client_admin`.
        case newOrganization(name: String)
    }

    public enum Refusal: Error, Equatable, Sendable {
        case invalidEmail
        case invalidOrganizationName
        /// A platform role in an organization, or an organization role without one.
        case placeDoesNotFitRole
        /// Unknown, or outside the caller's organizations (404 either way).
        case notFound
        case notPermitted
        case permissionNotHeld(String)
        case alreadyMember
        case alreadyInvited
        case notPending(Invitation.State)
        /// An account accepting an invitation sent to another address.
        case otherAddress
    }

    /// A new invitation with the token for its link (shown nowhere else).
    public struct Issued: Sendable, Equatable {
        public var invitation: Invitation
        public var token: String
        /// The invitation's organization: the one it names, or the one created with it.
        public var organization: Organization?

        public init(invitation: Invitation, token: String, organization: Organization?) {
            self.invitation = invitation
            self.token = token
            self.organization = organization
        }
    }

    public func invite(email text: String, role: Role, place: Place, by principal: Principal) async throws -> Issued {
        let email = User.normalizedEmail(text)
        guard EmailAddress.isPlausible(email) else { throw Refusal.invalidEmail }
        let now = clock.now
        var newOrganization: Organization?
        let organizationID: UUID?
        switch place {
        case .platform:
            guard role.isPlatformRole else { throw Refusal.placeDoesNotFitRole }
            organizationID = nil
        case .organization(let id):
            guard !role.isPlatformRole else { throw Refusal.placeDoesNotFitRole }
            organizationID = id
        case .newOrganization(let name):
            guard role == .clientAdmin else { throw Refusal.placeDoesNotFitRole }
            // Only platform roles create organizations (nobody is a member of a new one yet).
            guard principal.roles.platformRole != nil else { throw Refusal.notPermitted }
            guard let name = OrganizationNames.displayName(name) else { throw Refusal.invalidOrganizationName }
            newOrganization = Organization(id: UUID(), name: name, slug: OrganizationNames.slug(from: name), status: .pending,
                                           createdAt: now, createdBy: principal.userID, updatedBy: principal.userID)
            organizationID = newOrganization?.id
        }
        try check(principal, may: .invite, role, in: organizationID)
        var existingOrganization: Organization?
        if let organizationID, newOrganization == nil {
            existingOrganization = try await organizations.find(id: organizationID)
            guard existingOrganization != nil else { throw Refusal.notFound }
        }
        if let existing = try await users.find(email: email), try await holds(existing.id, role, in: organizationID) {
            throw Refusal.alreadyMember
        }
        if let organization = newOrganization {
            newOrganization = try await organizations.create(organization)
            await record(.organizationCreated, by: principal, at: now,
                         details: ["organization_id": organization.id.uuidString.lowercased(), "name": organization.name])
        }
        let issued = try await issue(email: email, role: role, organizationID: organizationID, by: principal, at: now)
        await record(.invitationCreated, by: principal, at: now, details: facts(issued.invitation))
        let result = Issued(invitation: issued.invitation, token: issued.token, organization: newOrganization ?? existingOrganization)
        try await send(result, by: principal)
        return result
    }

    /// Revokes a pending invitation.
    public func revoke(id: UUID, by principal: Principal) async throws -> Invitation {
        let invitation = try await visible(id, to: principal)
        let now = clock.now
        guard let revoked = try await invitations.revoke(id: id, at: now, by: principal.userID) else {
            throw Refusal.notPending(invitation.state(at: now))
        }
        await record(.invitationRevoked, by: principal, at: now, details: facts(revoked))
        await announce(.invitationRevoked, revoked, at: now)
        return revoked
    }

    /// A new link for a pending invitation; the old link stops working.
    public func resend(id: UUID, by principal: Principal) async throws -> Issued {
        let invitation = try await visible(id, to: principal)
        let now = clock.now
        let token = crypto.randomToken()
        let replacement = Invitation(id: UUID(), email: invitation.email, role: invitation.role, organizationID: invitation.organizationID,
                                     invitedBy: principal.userID ?? invitation.invitedBy, createdAt: now,
                                     expiresAt: now.addingTimeInterval(lifetime.timeInterval))
        guard try await invitations.replace(id: id, with: replacement, digest: crypto.tokenDigest(token), at: now) != nil else {
            throw Refusal.notPending(invitation.state(at: now))
        }
        await record(.invitationResent, by: principal, at: now,
                     details: facts(replacement).merging(["replaces": id.uuidString.lowercased()]) { first, _ in first })
        let organization = try await replacement.organizationID.asyncMap { try await organizations.find(id: $0) } ?? nil
        let result = Issued(invitation: replacement, token: token, organization: organization)
        try await send(result, by: principal)
        return result
    }

    /// Mails a new link (when mail is on), in the name of whoever acts: their name, or their
    /// email when they gave no name; nobody's for the operator at the shell.
    func send(_ issued: Issued, by principal: Principal) async throws {
        guard let mail else { return }
        let inviter = try await principal.userID.asyncMap { try await users.find(id: $0) } ?? nil
        try await mail.send(issued, organization: issued.organization, inviterName: inviter.map { $0.name ?? $0.email })
    }

    /// The invitations the caller may see, newest first: one organization's (its members with a
    /// role that may invite there, and platform roles), or — without one — all for platform
    /// roles and the caller's own for everyone else.
    public func list(organizationID: UUID?, by principal: Principal, before: InvitationCursor?, limit: Int) async throws -> [Invitation] {
        if let organizationID {
            guard let role = principal.roles.role(in: organizationID) else { throw Refusal.notFound }
            // Whoever may invite there sees every invitation there; anyone else (a member) only
            // those they sent, which is none: an invitation names who was asked, at which address.
            let seesAll = RoleRules.allowed[.invite]?[role]?.isEmpty == false
            return try await invitations.list(invitedBy: seesAll ? nil : principal.userID, organizationID: organizationID,
                                              before: before, limit: limit)
        }
        if principal.roles.platformRole != nil {
            return try await invitations.list(invitedBy: nil, organizationID: nil, before: before, limit: limit)
        }
        guard let userID = principal.userID else { return [] }
        return try await invitations.list(invitedBy: userID, organizationID: nil, before: before, limit: limit)
    }

    /// What the link's page shows: the invitation (by its token), where it stands, its
    /// organization and who invited. Nil for a token that names nothing (tampered or unknown).
    public func details(token: String) async throws -> InvitationDetails? {
        guard let invitation = try await invitations.find(digest: crypto.tokenDigest(token)) else { return nil }
        let organization = try await invitation.organizationID.asyncMap { try await organizations.find(id: $0) } ?? nil
        let inviter = try await invitation.invitedBy.asyncMap { try await users.find(id: $0) } ?? nil
        return InvitationDetails(invitation: invitation, state: invitation.state(at: clock.now), organization: organization,
                                 inviterName: inviter.map { $0.name ?? $0.email })
    }

    /// Accepts the invitation: a new account (built by the page from the name and password it
    /// checked), or the signed-in account whose email it names.
    /// An existing account accepts only an invitation to its own address (`.otherAddress`).
    public func accept(token: String, as acceptor: InvitationAcceptor) async throws -> InvitationAcceptance {
        if case .existingUser(let userID) = acceptor {
            guard let invitation = try await invitations.find(digest: crypto.tokenDigest(token)) else { return .notFound }
            guard let user = try await users.find(id: userID), user.email == invitation.email else { throw Refusal.otherAddress }
        }
        let now = clock.now
        let outcome = try await invitations.accept(digest: crypto.tokenDigest(token), as: acceptor, now: now)
        if case .accepted(let invitation, let userID) = outcome {
            await audit.record(AuditEvent(type: .invitationAccepted, occurredAt: now, actor: AuditEvent.user(userID), subject: userID,
                                          details: facts(invitation)))
            await announce(.invitationAccepted, invitation, at: now, extra: ["user_id": userID.uuidString.lowercased()])
        }
        return outcome
    }

    /// Marks the invitations whose time ran out, audits each once, and returns them (for the
    /// event stream's `invitation.expired`).
    public func expireDue(limit: Int = 500) async throws -> [Invitation] {
        let now = clock.now
        let expired = try await invitations.expire(now: now, limit: limit)
        for invitation in expired {
            await audit.record(AuditEvent(type: .invitationExpired, occurredAt: now, actor: "system", details: facts(invitation)))
            await announce(.invitationExpired, invitation, at: now)
        }
        return expired
    }

    // MARK: - Rules

    func check(_ principal: Principal, may action: RoleRules.Action, _ role: Role, in organizationID: UUID?) throws {
        switch RoleRules.refusal(principal.roles, action, RoleRules.Target(role: role, organization: organizationID)) {
        case nil: return
        case .outsideOrganization: throw Refusal.notFound
        case .permissionNotHeld(let permission): throw Refusal.permissionNotHeld(permission)
        case .notPermitted, .lastSuperAdmin: throw Refusal.notPermitted
        }
    }

    /// The invitation, when the caller may act on it: its inviter, or anyone who could have sent it.
    func visible(_ id: UUID, to principal: Principal) async throws -> Invitation {
        guard let invitation = try await invitations.find(id: id) else { throw Refusal.notFound }
        if let userID = principal.userID, invitation.invitedBy == userID { return invitation }
        try check(principal, may: .invite, invitation.role, in: invitation.organizationID)
        return invitation
    }

    /// Whether the user already holds `role` (or one above it) there.
    func holds(_ userID: UUID, _ role: Role, in organizationID: UUID?) async throws -> Bool {
        if let organizationID {
            guard let membership = try await memberships.membership(organizationID: organizationID, userID: userID) else { return false }
            return membership.role >= role
        }
        guard let platform = try await memberships.platformRole(userID: userID) else { return false }
        return platform >= role
    }

    func issue(email: String, role: Role, organizationID: UUID?, by principal: Principal, at now: Date) async throws
        -> (invitation: Invitation, token: String) {
        let token = crypto.randomToken()
        let invitation = Invitation(id: UUID(), email: email, role: role, organizationID: organizationID, invitedBy: principal.userID,
                                    createdAt: now, expiresAt: now.addingTimeInterval(lifetime.timeInterval))
        do {
            try await invitations.create(invitation, digest: crypto.tokenDigest(token))
        } catch StoreError.conflict {
            throw Refusal.alreadyInvited
        }
        return (invitation, token)
    }

    func facts(_ invitation: Invitation) -> [String: String] {
        var details = ["invitation_id": invitation.id.uuidString.lowercased(), "email": invitation.email, "role": invitation.role.rawValue]
        if let organization = invitation.organizationID { details["organization_id"] = organization.uuidString.lowercased() }
        return details
    }

    /// Tells the inviter, and the platform roles above theirs, at once. A bus that is down loses
    /// only the live notice: the state is in the database, and the invitation list shows it.
    func announce(_ type: LiveEventType, _ invitation: Invitation, at now: Date, extra: [String: String] = [:]) async {
        guard let events else { return }
        var role: Role?
        if let inviter = invitation.invitedBy {
            role = try? await memberships.platformRole(userID: inviter)
            if role == nil, let organization = invitation.organizationID {
                role = try? await memberships.membership(organizationID: organization, userID: inviter)?.role
            }
        }
        try? await events.publish(LiveEvent(type: type, occurredAt: now, data: facts(invitation).merging(extra) { first, _ in first },
                                            audience: .inviter(invitation.invitedBy, holding: role)))
    }

    func record(_ type: AuditEventType, by principal: Principal, at now: Date, details: [String: String]) async {
        await audit.record(AuditEvent(type: type, occurredAt: now, actor: principal.auditActor, subject: principal.userID, details: details))
    }
}

/// An invitation as its link's page shows it.
public struct InvitationDetails: Sendable, Equatable {
    public var invitation: Invitation
    public var state: Invitation.State
    public var organization: Organization?
    /// The inviter's name (or email); nil for the operator at the server's shell.
    public var inviterName: String?
}

extension Optional {
    /// `map` for async transforms.
    func asyncMap<U>(_ transform: (Wrapped) async throws -> U) async rethrows -> U? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
