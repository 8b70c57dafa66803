import Foundation

/// The user lifecycle's writes that must be atomic (PostgreSQL): a change of status with the end
/// of every credential, and the erasure.
public protocol UserLifecycleStore: Sendable {
    /// Moves a (not erased) account whose status is one of `from` to `to`, recording who and when.
    /// When `to` is not `.active`, in the same transaction: `credentials_not_before` becomes
    /// `notBefore`, every browser session is revoked and every refresh-token family revoked for
    /// good; and, when the account holds `super_admin`, another active `super_admin` must remain
    /// (checked under a lock on the super_admins, so two suspensions at once cannot take both).
    /// Reactivating (`to == .active`) restores none of what was revoked.
    func changeStatus(userID: UUID, from: Set<AccountStatus>, to: AccountStatus, notBefore: Date, by: UUID?, at: Date) async throws
        -> StatusChange
    /// Erases the account in one transaction: its email, names, picture and password hash (the row
    /// stays as a tombstone, status `erased`, so the id is never reused), its password history,
    /// second factors, recovery codes, sessions, consents, refresh tokens, memberships, platform
    /// role, custom role assignments, password-reset links, invitations and every outbox mail to
    /// its address, and the personal part of every audit event about or by it. `farewell`, when
    /// given, is queued in the same transaction after the address's other mail is removed, marked
    /// so that the outbox forgets its recipient once it is sent. Same last-`super_admin` rule.
    func erase(userID: UUID, by: UUID?, at: Date, farewell: OutgoingMail?) async throws -> Erasure
    /// Erases the personal part of the audit events about or by the user (again: for events
    /// appended after `erase`, such as the erasure's own).
    func erasePersonalAuditData(userID: UUID, at: Date) async throws
    /// How many accounts holding `super_admin` are active.
    func activeSuperAdmins() async throws -> Int
    /// The newest `limit` audit events about the user (as subject) or by them (as actor), newest
    /// first, with their personal part where it was not erased.
    func auditEvents(concerning userID: UUID, limit: Int) async throws -> [AuditRecord]
}

public enum StatusChange: Sendable, Equatable {
    case changed(from: AccountStatus)
    /// The account's status was not one of `from`: nothing changed.
    case unchanged(AccountStatus)
    /// No such account (or it was erased).
    case notFound
    /// It holds the last active `super_admin`.
    case lastSuperAdmin
}

public enum Erasure: Sendable, Equatable {
    case erased
    case notFound
    case lastSuperAdmin
}
