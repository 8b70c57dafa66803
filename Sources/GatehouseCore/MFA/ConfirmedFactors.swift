import Foundation

extension MFACredentialStore {
    /// The kinds of confirmed second factor the user has, in `MFACredential.Kind.allCases` order
    /// (TOTP first). An enrolment still waiting for its first code is not a factor yet.
    public func confirmedKinds(userID: UUID) async throws -> [MFACredential.Kind] {
        let kinds = Set(try await credentials(userID: userID).filter(\.isConfirmed).map(\.kind))
        return MFACredential.Kind.allCases.filter(kinds.contains)
    }
}
