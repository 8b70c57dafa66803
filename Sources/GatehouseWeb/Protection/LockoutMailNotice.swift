import Foundation
import GatehouseCore
import Logging

/// Emails the owner when their account locks (once per lockout): the password was guessed at,
/// or the second factor was after a right password, which means the password is known. An
/// email with no account gets nothing, and nothing on the page differs.
struct LockoutMailNotice: LockoutObserver {
    let users: any UserStore
    let mail: MailComposer
    let logger: Logger

    func lockoutBegan(_ event: LockoutEvent) async {
        guard mail.outbox.isEnabled else { return }
        // An address being proven is not yet known to be the owner's: no notice goes to it (the
        // codes themselves went there already). The audit trail records the lock.
        guard event.subject.kind != .emailCode else { return }
        do {
            guard let user = try await owner(of: event.subject) else { return }
            let service = mail.settings.serviceName
            let minutes = max(1, Int((event.lockedUntil.timeIntervalSince(event.lockedAt) / 60).rounded(.up)))
            let message: String
            switch event.subject.kind {
            case .password:
                message = "Someone entered a wrong password for your account \(user.email) too many times, so signing in "
                    + "with a password is paused for \(minutes) minutes. If it was you, wait or reset your password to sign in now."
            case .secondFactor:
                message = "Someone entered your password correctly for \(user.email), then too many wrong verification codes, "
                    + "so signing in is paused for \(minutes) minutes. If it was not you, your password is known to someone else."
            case .emailCode:
                return
            }
            try await mail.sendNotice(to: user.email, subject: "Sign-in to your \(service) account was paused", message: message)
        } catch {
            logger.error("lockout notice not sent", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    func owner(of subject: AttemptSubject) async throws -> User? {
        if let email = subject.email { return try await users.find(email: email) }
        if let userID = subject.userID { return try await users.find(id: userID) }
        return nil
    }
}
