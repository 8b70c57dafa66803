import Foundation

/// Which account a user from another provider became (`external_identities`, issue 11 item 4):
/// the id they had there, per source, so a second import of the same file finds them.
public protocol ExternalIdentityStore: Sendable {
    /// The account imported as `externalID` from `source`; nil when none was (or it was erased).
    func userID(source: String, externalID: String) async throws -> UUID?
    /// Stores the new account and its external id together, in one transaction: either both or
    /// neither. Throws `StoreError.conflict` when the email or the external id is taken.
    func createUser(_ user: User, source: String, externalID: String, by: UUID?) async throws
    /// Records that an import updated the account (`updated_at`, `updated_by` of the link).
    func touch(source: String, externalID: String, at: Date, by: UUID?) async throws
}
