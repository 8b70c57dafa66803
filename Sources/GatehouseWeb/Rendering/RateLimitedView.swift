import Foundation
import GatehouseCore

/// The page for a refused attempt (429): what happened, when to try again, and a way forward.
/// An account lock reads the same whether or not the account exists; only its owner's inbox
/// differs.
struct RateLimitedView: PageView {
    static let template = "rate_limited"
    let title: String
    let message: String
    let retryText: String
    let linkURL: String?
    let linkText: String?

    init(_ refusal: TooManyAttempts) {
        retryText = "Try again in " + Self.wait(refusal.retryAfterSeconds) + "."
        switch refusal.scope {
        case .password:
            title = "Too many failed sign-in attempts"
            message = "Signing in with this email is paused after too many wrong passwords. "
                + "If this is your account, you can reset your password to sign in straight away."
            linkURL = "/forgot-password"
            linkText = "Reset your password"
        case .secondFactor:
            title = "Too many wrong codes"
            message = "Signing in to this account is paused after too many wrong verification codes."
            linkURL = nil
            linkText = nil
        case .emailCode:
            title = "Too many wrong codes"
            message = "Codes for this email address are paused after too many wrong tries, whichever email they came from. "
                + "When the wait is over, ask for a new code: sign in again, or start the change of email again on your account page, "
                + "and type the code from the newest email."
            linkURL = nil
            linkText = nil
        case .network:
            title = "Too many requests"
            message = "Too many attempts came from your network in a short time, so this one was not accepted."
            linkURL = nil
            linkText = nil
        case .passwordWork:
            title = "Too many password checks"
            message = "This account asked for its password to be checked or changed too often in a short time, so this request was not carried out."
            linkURL = nil
            linkText = nil
        case .pendingAuthorizations:
            title = "Too many unfinished sign-ins"
            message = "Too many sign-ins were started from your network and not finished. Finish one that is open, or go back to the application later."
            linkURL = nil
            linkText = nil
        }
    }

    var templateValues: TemplateValues {
        [
            "title": .text(title),
            "message": .text(message),
            "retryText": .text(retryText),
            "linkURL": .text(linkURL),
            "linkText": .text(linkText),
        ]
    }

    static let sample = RateLimitedView(TooManyAttempts(.password, retryAfter: .seconds(900)))

    /// "about 15 minutes", "1 minute", "30 seconds".
    static func wait(_ seconds: Int) -> String {
        if seconds < 60 { return seconds == 1 ? "1 second" : "\(seconds) seconds" }
        let minutes = (seconds + 59) / 60
        return minutes == 1 ? "about 1 minute" : "about \(minutes) minutes"
    }
}

/// Refusal pages (429, and 503 when the hasher is full) rendered once per wording and reused: a
/// flood of refused requests is answered without running the template each time (the words
/// change only with the scope and the minutes left). Bounded: past `capacity` wordings it
/// starts over.
final class RefusalPages: @unchecked Sendable {
    private let lock = NSLock()
    private var rendered: [String: String] = [:]
    private let capacity = 256

    func html(for view: RateLimitedView, render: () throws -> String) rethrows -> String {
        try html(key: "429\n" + view.title + "\n" + view.retryText, render: render)
    }

    func html(key: String, render: () throws -> String) rethrows -> String {
        if let cached = lock.withLock({ rendered[key] }) { return cached }
        let html = try render()
        lock.withLock {
            if rendered.count >= capacity { rendered.removeAll() }
            rendered[key] = html
        }
        return html
    }
}
