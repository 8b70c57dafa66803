import ArgumentParser
import Foundation
import GatehouseCore
import GatehousePostgres
import GatehouseRedis
import GatehouseWeb

/// The Core services of issues 10 and 11 as the commands use them: built once per command on the open
/// backends, with the audit trail and the invitation lifetime, acting as the operator at the
/// server's shell (`Principal.serverOperator`, audited as `operator`). The commands call these
/// services, never the stores, so the shell obeys the rules the pages and the API obey.
struct OrganizationServices {
    let administration: OrganizationAdministration
    let customRoles: CustomRoles
    let invitations: Invitations
    let bootstrap: PlatformBootstrap
    let clients: ClientAdministration
    let backends: Backends
    let users: PostgresUserStore
    let organizations: PostgresOrganizationStore
    /// Where invitation links point.
    let issuer: String
    /// Why new links are not mailed (nil: they are).
    let mailOff: String?
    /// The audit trail the services record to (the imports build theirs on it).
    let audit: any AuditLog

    let principal = Principal.serverOperator

    init(backends: Backends, audit: any AuditLog, lifetime: Duration, mail: (any InvitationMail)?, mailOff: String?,
         events: (any LiveEventBus)? = nil) {
        let users = backends.users, organizations = backends.organizations, memberships = backends.memberships
        administration = OrganizationAdministration(organizations: organizations, memberships: memberships, users: users, audit: audit,
                                                    clock: backends.clock)
        customRoles = CustomRoles(roles: backends.customRoles, organizations: organizations, memberships: memberships, users: users,
                                  audit: audit, clock: backends.clock)
        invitations = Invitations(invitations: backends.invitations, organizations: organizations, memberships: memberships, users: users,
                                  crypto: backends.crypto, audit: audit, clock: backends.clock, lifetime: lifetime, mail: mail,
                                  events: events)
        bootstrap = PlatformBootstrap(invitations: invitations)
        clients = ClientAdministration(clients: backends.clients, organizations: organizations, crypto: backends.crypto,
                                       settings: backends.configuration.providerSettings, audit: audit, clock: backends.clock)
        self.backends = backends
        self.users = users
        self.organizations = organizations
        issuer = backends.configuration.issuer
        self.mailOff = mailOff
        self.audit = audit
    }

    /// The organization named by id or slug.
    func organization(_ reference: String) async throws -> Organization {
        try await administration.organization(reference, by: principal)
    }

    /// The id of the organization named by id or slug; nil for nil.
    func organizationID(_ reference: String?) async throws -> UUID? {
        guard let reference else { return nil }
        return try await organization(reference).id
    }

    /// The user named by id or email.
    func user(_ reference: String) async throws -> User {
        let found = if let id = UUID(uuidString: reference) {
            try await users.find(id: id)
        } else {
            try await users.find(email: User.normalizedEmail(reference))
        }
        guard let found else { throw OperatorError("no user \(reference) (give a user id or an email address)") }
        return found
    }

    /// What became of a new link's mail (the invitation service mails it when mail is on).
    func outcome(_ issued: Invitations.Issued) -> MailOutcome {
        guard invitations.mailsLinks else { return MailOutcome(mailed: false, note: mailOff ?? "mail is off") }
        return MailOutcome(mailed: true, note: "mailed to \(issued.invitation.email)")
    }

    struct MailOutcome {
        let mailed: Bool
        let note: String
    }
}

/// Runs `body` with the organization services on open backends: loads what they need first
/// (database, audit key, invitation lifetime, and — to mail invitations — the mail settings and
/// templates), so a misconfiguration stops the command before anything changes. A refusal of
/// the services ends the command with its sentence (`OrganizationRefusalWords`).
func withOrganizationServices<T>(_ body: (OrganizationServices) async throws -> T) async throws -> T {
    let config = try loadConfiguration(requiring: [.database])
    let auditKey = try loadAuditKeySource(config)
    let lifetime: Duration
    let serviceName: String
    do {
        lifetime = try InvitationConfiguration.lifetime()
        serviceName = try AccountConfiguration.load().serviceName
    } catch {
        throw ValidationError(error.description)
    }
    // With Redis configured (as beside `serve`), an invitation revoked or resent here is announced
    // on `/events` like one revoked on a page; without it the shell still works, unannounced.
    return try await withBackends(config, needsRedis: config.redisURL != nil) { backends in
        let audit = try await backends.auditLog(auditKey)
        var mailer: (any InvitationMail)?
        var mailOff: String?
        switch config.mailMode() {
        case .success(let mode) where mode.isEnabled:
            let outbox = PostgresMailOutbox(pool: backends.postgres, isEnabled: true,
                                            messageIDDomain: URLComponents(string: config.issuer)?.host ?? "gatehouse.local",
                                            clock: backends.clock, keepsBodies: config.developmentMode)
            let pages = try await PageRenderer(directory: config.templatesDirectory, logger: backends.logger)
            mailer = InvitationMailer(pages: pages, outbox: outbox, serviceName: serviceName, issuer: config.issuer)
        case .success:
            mailOff = "not mailed: mail is off (GATEHOUSE_SMTP_URL=none)"
        case .failure:
            mailOff = "not mailed: mail is not configured (GATEHOUSE_SMTP_URL)"
        }
        let services = OrganizationServices(backends: backends, audit: audit, lifetime: lifetime, mail: mailer, mailOff: mailOff,
                                            events: backends.redis.map { RedisLiveEventBus(pool: $0, clock: backends.clock) })
        return try await OrganizationRefusalWords.translating { try await body(services) }
    }
}
