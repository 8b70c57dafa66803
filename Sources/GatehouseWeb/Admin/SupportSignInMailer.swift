import Foundation
import GatehouseCore
import Logging

/// Mails the user when a support session as them starts: they learn at once, not only when they
/// next open their account page, so a sign-in they did not ask for is noticed while it can still
/// be questioned. Sent through the outbox without the per-recipient limit (nobody outside can
/// cause it); a failure to queue is logged and does not stop the session — the audit trail and
/// the account page's list are the record that cannot be skipped.
struct SupportSignInMailer: SupportSignInNotice {
    let mail: MailComposer
    let logger: Logger

    func started(user: User, by admin: User?, reason: String, until: Date) async {
        let who = Self.administrator(admin)
        let message = "\(who) signed in to your account for support until \(AccountPage.format(until)). Reason given: \(reason). Everything done in that session is recorded and listed under Support sign-ins on your account page."
        do {
            try await mail.sendNotice(to: user.email, subject: "An administrator signed in as you for support", message: message)
        } catch {
            logger.error("support sign-in notice not queued", metadata: ["error": "\(error)"])
        }
    }

    /// How the mail and the banner name the administrator: "Name (email)", the email alone
    /// without a name, "An administrator" once the account is gone.
    static func administrator(_ admin: User?) -> String {
        guard let admin else { return "An administrator" }
        guard let name = admin.name, !name.isEmpty else { return admin.email }
        return "\(name) (\(admin.email))"
    }
}
