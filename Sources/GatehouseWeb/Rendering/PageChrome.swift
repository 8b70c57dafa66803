import Foundation
import GatehouseCore
import Hummingbird

/// What the layout shows around every page of one request, beside the view's own values: the
/// banner of a support session (who acts as whom, why, the time left, a button to end it). The
/// pipeline sets it for the request (`PagePipeline.answering`, a task-local, so no handler can
/// forget to pass it), and `PageRenderer` hands it to every HTML template as `supportSession`
/// (nil for almost every request: no support cookie, nothing read).
struct PageChrome: Sendable {
    @TaskLocal static var current: PageChrome?

    /// The layout's key.
    static let key = "supportSession"

    let banner: SupportBanner
    /// A CSRF cookie to set when the browser had none (the banner's form needs one).
    let csrfCookie: Cookie?

    init(support session: BrowserSession, request: Request, pipeline: PagePipeline) async throws {
        let user = try await pipeline.users.find(id: session.userID)
        var admin: User?
        if let mark = session.support { admin = try await pipeline.users.find(id: mark.impersonatorID) }
        let csrf = pipeline.csrf.issue(for: request)
        let left = pipeline.support.timeLeft(session)
        banner = SupportBanner(
            administrator: SupportSignInMailer.administrator(admin),
            user: user?.email ?? "this user", reason: session.support?.reason ?? "",
            endsAt: Self.time(session.expiresAt), minutesLeft: String(Int((left / 60).rounded(.up))),
            csrfToken: csrf.value)
        csrfCookie = csrf.cookie
    }

    static func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "HH:mm 'UTC'"
        return formatter.string(from: date)
    }

    /// The layout's values: the banner, or nothing.
    static func values(_ chrome: PageChrome?) -> TemplateValue { .nested(chrome?.banner.templateValues) }

    /// A banner with every part, for the template checks.
    static let sample: TemplateValues = [key: .nested(SupportBanner.sample.templateValues)]
}

/// The support session's banner: the administrator, the user, the reason, when it ends.
struct SupportBanner: TemplateContent {
    let administrator: String
    let user: String
    let reason: String
    let endsAt: String
    let minutesLeft: String
    let csrfToken: String

    var templateValues: TemplateValues {
        ["administrator": .text(administrator), "user": .text(user), "reason": .text(reason), "endsAt": .text(endsAt),
         "minutesLeft": .text(minutesLeft), "csrfToken": .text(csrfToken)]
    }

    static let sample = SupportBanner(administrator: "Grace Hopper (grace@example.test)", user: "ada@example.test",
                                      reason: "Ticket 4711: the invoice page is empty", endsAt: "10:15 UTC", minutesLeft: "12",
                                      csrfToken: "csrf")
}

extension Response {
    /// Sets `cookie` unless the response sets one of that name already (the handler's wins).
    mutating func setCookieUnlessSet(_ cookie: Cookie) {
        let prefix = cookie.name + "="
        guard !headers[values: .setCookie].contains(where: { $0.hasPrefix(prefix) }) else { return }
        setCookie(cookie)
    }
}
