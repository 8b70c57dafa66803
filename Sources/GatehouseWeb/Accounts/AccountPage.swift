import Foundation
import GatehouseCore
import Hummingbird

/// `/account`: profile, email, password, where you are signed in, and connected apps. Every
/// change is a CSRF-protected POST that answers 303 back here with a fixed notice.
struct AccountPage {
    let dependencies: WebDependencies
    let responder: PageResponder

    var csrf: CSRFProtection {
        CSRFProtection(key: dependencies.csrfKey, crypto: dependencies.crypto, secureCookies: dependencies.secureCookies)
    }

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
    ]

    func register(on router: Router<GatehouseRequestContext>) {
        router.get("/account") { request, _ in
            do {
                guard let (session, user) = try await signedIn(request) else { return Responses.seeOther("/login") }
                let done = try FormBody.query(request)["done"].flatMap { Self.notices[$0] }
                return try await page(request, user: user, session: session, notice: done, errors: [])
            } catch {
                return responder.failure(error)
            }
        }
        AccountActions(page: self).register(on: router)
        AccountMFAActions(page: self).register(on: router)
    }

    /// The live session and its user, or nil when the browser is signed out.
    func signedIn(_ request: Request) async throws -> (BrowserSession, User)? {
        guard let session = try await dependencies.browserSessions.find(cookie: dependencies.cookie(BrowserCookies.session, in: request)),
              let user = try await dependencies.users.find(id: session.userID) else { return nil }
        return (session, user)
    }

    /// The page; `open` unfolds the section whose form came back with `errors` (a refused
    /// submission: 400, `PageResponder.form`).
    func page(_ request: Request, user: User, session: BrowserSession, notice: String?, errors: [String],
              open: AccountSection? = nil) async throws -> Response {
        let (token, toSet) = csrf.issue(for: request)
        let now = dependencies.clock.now
        let sessions = try await dependencies.sessions.list(userID: user.id, now: now).map { other in
            AccountView.SessionLine(id: other.id.uuidString.lowercased(), device: DeviceDescription.describe(other.userAgent),
                                    ipAddress: other.ipAddress ?? "unknown address", lastSeen: Self.format(other.lastSeenAt),
                                    signedIn: Self.format(other.createdAt), current: other.id == session.id, csrfToken: token)
        }
        let apps = try await dependencies.consents.list(userID: user.id).map { consent in
            AccountView.AppLine(clientID: consent.clientID, name: consent.clientName,
                                access: Scope.accessSummary(consent.scopes), grantedAt: Self.format(consent.grantedAt), csrfToken: token)
        }
        let view = AccountView(csrfToken: token, email: user.email, emailVerified: user.emailVerified, name: user.name ?? "",
                               givenName: user.givenName ?? "", familyName: user.familyName ?? "", picture: user.picture ?? "",
                               passwordRules: dependencies.accounts.passwordPolicy.rules,
                               twoStep: try await AccountMFAActions.section(dependencies, user: user), sessions: sessions, apps: apps,
                               notice: notice, errors: errors, open: AccountView.OpenSections(open))
        return responder.form(view, refused: !errors.isEmpty, cookies: toSet.map { [$0] } ?? [])
    }

    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMM yyyy, HH:mm 'UTC'"
        return formatter.string(from: date)
    }
}
