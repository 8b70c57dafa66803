import Foundation
import GatehouseCore
import Hummingbird

/// The page at `/account`: profile, email, password, two-step verification, where you are signed
/// in, and connected apps. Every change is a CSRF-protected POST that answers 303 back here with
/// a fixed notice, or shows this page again with what was wrong. Shared by the accounts module
/// (which serves `GET /account`) and the second-factor module (whose account actions show it again).
struct AccountPage: Sendable {
    let responder: PageResponder
    let sessions: any SessionStore
    let consents: any ConsentStore
    let passwordPolicy: PasswordPolicy
    let twoStep: TwoStepSummary
    /// What the user administers, for the links to those pages (read on each view).
    let memberships: any MembershipStore
    let organizations: any OrganizationStore
    /// Who signed in as the user for support (the list on the page).
    let support: SupportSignIn
    let clock: any Clock

    /// Notices by key, so no text from the URL ever reaches the page.
    static let notices = [
        "profile": "Your profile is saved.",
        "email": "Your email address is changed.",
        "password": "Your password is changed. Your other devices were signed out.",
        "session": "That device is signed out.",
        "app": "The app's access is revoked.",
        "totp": "Two-step verification with your authenticator app is on.",
        "totp-off": "Your authenticator app no longer signs you in.",
        "email-mfa": "Two-step verification with emailed codes is on.",
        "email-mfa-off": "Emailed codes are turned off.",
        "recovery-codes": "Your new recovery codes are ready; the old ones no longer work.",
        "invitation": "You accepted the invitation.",
    ]

    /// Sessions shown at a time: a user signed in on many devices gets a page, not a wall.
    static let sessionsPerPage = 10

    /// The page; `open` unfolds the section whose form came back with `errors` (a refused
    /// submission: 400, `PageResponder.form`). `sessionsAfter`: where the list of sessions goes on (the `sessions_after` link), nil for
    /// the first page.
    func show(_ page: PageRequest, _ account: SignedInAccount, notice: String?, errors: [String],
              open: AccountSection? = nil, sessionsAfter: SessionCursor? = nil) async throws -> Response {
        let (user, session) = (account.user, account.session)
        let csrf = page.csrfToken()
        let token = csrf.value
        let now = clock.now
        // One more than shown: whether there is an older page.
        let listed = try await sessions.list(userID: user.id, now: now, after: sessionsAfter, limit: Self.sessionsPerPage + 1)
        let shown = listed.prefix(Self.sessionsPerPage)
        let sessions = shown.map { other in
            AccountView.SessionLine(id: other.id.uuidString.lowercased(), device: DeviceDescription.describe(other.userAgent),
                                    ipAddress: other.ipAddress ?? "unknown address", lastSeen: Self.format(other.lastSeenAt),
                                    signedIn: Self.format(other.createdAt), current: other.id == session.id, csrfToken: token)
        }
        let olderURL = listed.count > Self.sessionsPerPage
            ? shown.last.map { "/account?sessions_after=\(CursorText.text(SessionCursor(after: $0)))#sessions" } : nil
        let newestURL = sessionsAfter == nil ? nil : "/account#sessions"
        let sessionPages = olderURL == nil && newestURL == nil ? nil : AccountView.SessionPages(olderURL: olderURL, newestURL: newestURL)
        let apps = try await consents.list(userID: user.id).map { consent in
            AccountView.AppLine(clientID: consent.clientID, name: consent.clientName,
                                access: Scope.accessSummary(consent.scopes), grantedAt: Self.format(consent.grantedAt), csrfToken: token)
        }
        let view = AccountView(csrfToken: token, email: user.email, emailVerified: user.emailVerified, name: user.name ?? "",
                               givenName: user.givenName ?? "", familyName: user.familyName ?? "", picture: user.picture ?? "",
                               passwordRules: passwordPolicy.rules,
                               twoStep: try await twoStep.section(for: user), sessions: Array(sessions), sessionPages: sessionPages, apps: apps,
                               administration: try await administration(of: user.id),
                               supportSignIns: try await support.history(userID: user.id).map { AccountView.SupportSignInLine($0, now: now) },
                               notice: notice, errors: errors, open: AccountView.OpenSections(open))
        return responder.form(view, refused: !errors.isEmpty, cookies: csrf.cookies)
    }

    /// The organizations the user administers (`client_admin` there), by name, and whether a
    /// platform role opens the people page (which lists every organization).
    func administration(of userID: UUID) async throws -> AdministrationLinks {
        let people = try await memberships.platformRole(userID: userID) != nil
        var administered: [AdministrationLinks.Organization] = []
        for membership in try await memberships.memberships(userID: userID) where membership.role >= .clientAdmin {
            if let organization = try await organizations.find(id: membership.organizationID) {
                administered.append(.init(name: organization.name, slug: organization.slug))
            }
        }
        return AdministrationLinks(organizations: administered.sorted { $0.name < $1.name }, people: people)
    }

    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMM yyyy, HH:mm 'UTC'"
        return formatter.string(from: date)
    }
}
