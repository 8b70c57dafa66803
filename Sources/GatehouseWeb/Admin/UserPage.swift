import Foundation
import GatehouseCore
import Hummingbird

/// `GET /admin/users/<id>`: one user as an administrator sees them — profile, email
/// verification, organizations and roles, effective permissions with where each comes from,
/// second factors, sessions (10 at a time, newest first, as on `/account`), connected apps, the
/// last 50 audit events about them — and the support actions the administrator may do. A user
/// outside the administrator's view answers 404, like an id nobody has.
struct UserPage {
    let dependencies: AdminModule.Dependencies

    static let sessionsPerPage = 10
    static let auditEvents = 50
    static let notices = [
        UserSupport.Action.sendPasswordReset.rawValue: "A password reset link is on its way to their address.",
        UserSupport.Action.resetSecondFactors.rawValue: "Their second factors and recovery codes are removed; they enrol again at their next sign-in.",
        UserSupport.Action.unlock.rawValue: "Their account is unlocked.",
        UserSupport.Action.signOutEverywhere.rawValue: "Every session and app sign-in of theirs has ended.",
    ]

    func register(on routes: PageRoutes) {
        routes.get("/admin/users/:id") { page in
            try await dependencies.access.admit(page) { admin in
                guard let id = page.context.parameters.get("id").flatMap(UUID.init(uuidString:)) else {
                    return ConsoleWords.refusal(.notVisible, dependencies.pages.responder)
                }
                let done = try page.query["done"].flatMap {
                    Self.notices[$0] ?? UserLifecycleActions.notices[$0] ?? SupportSignInActions.notices[$0]
                }
                let after = try page.query["sessions_after"].flatMap(CursorText.session)
                return try await show(page, admin, id: id, notice: done, sessionsAfter: after)
            }
        }
    }

    func show(_ page: PageRequest, _ admin: ConsoleAccess.Administrator, id: UUID, notice: String?,
              sessionsAfter: SessionCursor?) async throws -> Response {
        let listing: UserListing, target: ConsoleUserAccess.Target
        do {
            (listing, target) = try await dependencies.directory.user(id, by: admin.principal)
        } catch let refusal as ConsoleUserAccess.Refusal {
            return ConsoleWords.refusal(refusal, dependencies.pages.responder)
        }
        let user = listing.user
        let path = "/admin/users/" + id.uuidString.lowercased()
        let csrf = page.csrfToken()
        let now = dependencies.clock.now

        var organizations: [AdminUserView.Line] = []
        var organizationNames: [UUID: String] = [:]
        for membership in try await dependencies.memberships.memberships(userID: id) {
            let organization = try await dependencies.organizations.find(id: membership.organizationID)
            organizationNames[membership.organizationID] = organization?.name
            organizations.append(.init(label: organization?.name ?? "An organization", detail: RoleWords.name(membership.role),
                                       link: organization.map { "/organizations/" + $0.slug }))
        }
        if let role = listing.platformRole {
            organizations.insert(.init(label: "The platform", detail: RoleWords.name(role), link: nil), at: 0)
        }

        // Each permission with the roles it comes from (a custom role's organization named).
        var sources: [String: [String]] = [:]
        for role in try await dependencies.customRoles.assignedRoles(userID: id) {
            let place = role.organizationID.map { organizationNames[$0] ?? "an organization" } ?? "global"
            for permission in role.permissions { sources[permission, default: []].append("\(role.name) (\(place))") }
        }
        var permissions = sources.keys.sorted().map { AdminUserView.Fact(label: $0, detail: sources[$0]!.sorted().joined(separator: ", ")) }
        if let role = listing.platformRole, role.holdsEveryPermission {
            permissions.insert(.init(label: "Every permission", detail: RoleWords.name(role) + " (platform role)"), at: 0)
        }

        let factors = try await dependencies.credentials.credentials(userID: id).filter(\.isConfirmed).map {
            AdminUserView.Fact(label: $0.kind == .totp ? "Authenticator app" : "Emailed codes",
                               detail: "enrolled " + ConsoleWords.date($0.confirmedAt))
        }
        let remainingCodes = try await dependencies.recoveryCodes.remaining(userID: id)

        let listed = try await dependencies.sessions.list(userID: id, now: now, after: sessionsAfter, limit: Self.sessionsPerPage + 1)
        let shown = listed.prefix(Self.sessionsPerPage)
        let sessions = shown.map {
            AdminUserView.Fact(label: DeviceDescription.describe($0.userAgent),
                               detail: "\($0.ipAddress ?? "unknown address") · signed in \(ConsoleWords.date($0.createdAt)) · last seen \(ConsoleWords.date($0.lastSeenAt))")
        }
        let olderSessions = listed.count > Self.sessionsPerPage
            ? shown.last.map { path + "?sessions_after=" + CursorText.text(SessionCursor(after: $0)) + "#sessions" } : nil
        let apps = try await dependencies.consents.list(userID: id).map {
            AdminUserView.Fact(label: $0.clientName, detail: Scope.accessSummary($0.scopes) + " · since " + ConsoleWords.date($0.grantedAt))
        }
        // The personal part (address, user agent) as stored beside the MACed body.
        let events = try await dependencies.reader.auditEvents(subject: id, limit: Self.auditEvents).map { record in
            let event = record.revealedEvent
            return AdminUserView.Fact(label: event.type.rawValue.replacingOccurrences(of: "_", with: " "),
                                      detail: [ConsoleWords.date(event.occurredAt), event.actor, event.ip,
                                               event.details["action"]].compactMap { $0 }.joined(separator: " · "))
        }
        let mayAct = ConsoleUserAccess.refusal(admin.principal, actingOn: target) == nil
        let support = UserSupport.Action.allCases.map {
            AdminUserView.Action(path: path + "/" + $0.rawValue, label: Self.label($0), danger: $0 != .sendPasswordReset,
                                 csrfToken: csrf.value)
        }
        // The lifecycle's own rule (`UserAdministrationRules`) answers when one is tried.
        let lifecycle = user.status.changes.map {
            AdminUserView.Action(path: path + "/" + $0.rawValue, label: $0.label, danger: $0 != .reactivate, csrfToken: csrf.value)
        }
        let actions = mayAct ? support + lifecycle : []
        // Support sign-in's own rule (stricter: platform roles above operator, never an administrator).
        let supportTarget = SupportSignInRules.Target(userID: id, status: user.status, platformRole: target.platformRole,
                                                      organizationRoles: target.organizationRoles)
        let maySignInAs = SupportSignInRules.refusal(admin.principal, supportTarget) == nil
        let view = AdminUserView(
            id: id.uuidString.lowercased(), email: user.email, name: user.name, emailVerified: user.emailVerified,
            created: ConsoleWords.date(user.createdAt), updated: ConsoleWords.date(user.updatedAt),
            lastSignIn: ConsoleWords.date(listing.lastSignInAt), notice: notice, organizations: organizations, permissions: permissions,
            factors: factors, recoveryCodes: remainingCodes, sessions: Array(sessions), olderSessionsURL: olderSessions,
            newestSessionsURL: sessionsAfter == nil ? nil : path + "#sessions", apps: apps, events: events, actions: actions,
            whyNoActions: mayAct ? nil : Self.whyNot(ConsoleUserAccess.refusal(admin.principal, actingOn: target)),
            status: Self.words(user.status), active: user.status == .active,
            exportURL: mayAct ? path + "/export" : nil, eraseURL: mayAct ? path + "/erase" : nil,
            supportSignInURL: maySignInAs ? path + "/" + SupportSignInActions.action : nil, csrfToken: csrf.value)
        return dependencies.pages.responder.page(view, cookies: csrf.cookies)
    }

    static func words(_ status: AccountStatus) -> String {
        switch status {
        case .active: "active"
        case .suspended: "suspended"
        case .deactivated: "deactivated"
        }
    }

    static func label(_ action: UserSupport.Action) -> String {
        switch action {
        case .sendPasswordReset: "Send a password reset link"
        case .resetSecondFactors: "Reset second factors"
        case .unlock: "Unlock"
        case .signOutEverywhere: "Sign out everywhere"
        }
    }

    static func whyNot(_ refusal: ConsoleUserAccess.Refusal?) -> String {
        refusal == .yourself ? "This is your own account: manage it on your account page."
            : "They hold a role at or above yours (or administer an organization): you may look, not act."
    }
}

/// A user's page in the console.
struct AdminUserView: PageView {
    static let template = "admin_user"
    let id: String
    let email: String
    let name: String?
    let emailVerified: Bool
    let created: String
    let updated: String
    let lastSignIn: String
    let notice: String?
    let organizations: [Line]
    let permissions: [Fact]
    let factors: [Fact]
    let recoveryCodes: Int
    let sessions: [Fact]
    let olderSessionsURL: String?
    let newestSessionsURL: String?
    let apps: [Fact]
    let events: [Fact]
    let actions: [Action]
    /// Why there are no actions, when there are none.
    let whyNoActions: String?
    /// The account's status in words, and whether it is `active` (else a warning badge).
    let status: String
    let active: Bool
    /// Everything stored about them as one JSON document; erasing them for good (nil: not allowed).
    let exportURL: String?
    let eraseURL: String?
    /// Where the support sign-in form posts; nil when `SupportSignInRules` refuses it.
    let supportSignInURL: String?
    let csrfToken: String

    /// An organization (or the platform) with the role there, and a link when it has a page.
    struct Line: TemplateContent {
        let label: String
        let detail: String
        let link: String?
        var templateValues: TemplateValues { ["label": .text(label), "detail": .text(detail), "link": .text(link)] }
    }

    /// One line of a list without a page of its own: what, and the facts beside it.
    struct Fact: TemplateContent {
        let label: String
        let detail: String
        var templateValues: TemplateValues { ["label": .text(label), "detail": .text(detail)] }
    }

    struct Action: TemplateContent {
        let path: String
        let label: String
        let danger: Bool
        let csrfToken: String
        var templateValues: TemplateValues {
            ["path": .text(path), "label": .text(label), "danger": .flag(danger), "csrfToken": .text(csrfToken)]
        }
    }

    var templateValues: TemplateValues {
        [
            "title": .text(email), "id": .text(id), "email": .text(email), "name": .text(name),
            "emailVerified": .flag(emailVerified), "created": .text(created), "updated": .text(updated), "lastSignIn": .text(lastSignIn),
            "notice": .text(notice), "organizations": .list(organizations), "permissions": .list(permissions), "factors": .list(factors),
            "recoveryCodes": .text(String(recoveryCodes)), "sessions": .list(sessions), "olderSessionsURL": .text(olderSessionsURL),
            "newestSessionsURL": .text(newestSessionsURL), "apps": .list(apps), "events": .list(events), "actions": .list(actions),
            "whyNoActions": .text(whyNoActions), "status": .text(status), "active": .flag(active), "exportURL": .text(exportURL),
            "eraseURL": .text(eraseURL), "supportSignInURL": .text(supportSignInURL), "csrfToken": .text(csrfToken),
        ]
    }

    static let sample = AdminUserView(
        id: "3f2c", email: "ada@example.test", name: "Ada Lovelace", emailVerified: true,
        created: "1 Dec 2026, 10:00 UTC", updated: "2 Dec 2026, 10:00 UTC", lastSignIn: "never", notice: "Their account is unlocked.",
        organizations: [Line(label: "Acme", detail: "Client user", link: "/organizations/acme")],
        permissions: [Fact(label: "reports:read", detail: "auditor (Acme)")],
        factors: [Fact(label: "Authenticator app", detail: "enrolled 1 Dec 2026")], recoveryCodes: 8,
        sessions: [Fact(label: "Firefox on Linux", detail: "192.0.2.1")], olderSessionsURL: "/admin/users/x?sessions_after=y",
        newestSessionsURL: "/admin/users/x", apps: [Fact(label: "Demo", detail: "email")],
        events: [Fact(label: "sign in succeeded", detail: "1 Dec 2026")],
        actions: [Action(path: "/admin/users/x/unlock", label: "Unlock", danger: true, csrfToken: "csrf")], whyNoActions: "They hold a role above yours.",
        status: "suspended", active: false, exportURL: "/admin/users/x/export", eraseURL: "/admin/users/x/erase",
        supportSignInURL: "/admin/users/x/support-sign-in", csrfToken: "csrf")
}
