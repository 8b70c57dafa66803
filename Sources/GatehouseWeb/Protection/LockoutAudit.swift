import Foundation
import GatehouseCore

/// Records every new lockout in the audit trail, beside the owner's email (`LockoutMailNotice`).
/// A password lock names the account when the email has one and keeps the email typed either
/// way; a second-factor lock always belongs to a known user.
struct LockoutAudit: LockoutObserver {
    let users: any UserStore
    let audit: RequestAuditLog

    func lockoutBegan(_ event: LockoutEvent) async {
        var subject = event.subject.userID
        let factor = switch event.subject.kind {
        case .password: "password"
        case .secondFactor: "second_factor"
        case .emailCode: "email_code"
        }
        var details = ["factor": factor,
                       "locked_until": String(event.lockedUntil.numericDate)]
        if let email = event.subject.email {
            details["email"] = email
            subject = try? await users.find(email: email)?.id
        }
        await audit.record(AuditEvent(type: .accountLocked, occurredAt: event.lockedAt, actor: "system",
                                                          subject: subject, ip: event.clientIP, details: details))
    }
}
