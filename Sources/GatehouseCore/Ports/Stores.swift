import Foundation

/// Durable users (PostgreSQL).
public protocol UserStore: Sendable {
    /// Throws `StoreError.conflict` when the email is taken.
    func create(_ user: User) async throws
    func find(id: UUID) async throws -> User?
    func find(email: String) async throws -> User?
    /// Replaces the hash with a stronger one of the same password (no change of password).
    func updatePasswordHash(userID: UUID, hash: String, at: Date) async throws
    /// A new password: also records when it changed (for the maximum-age rule).
    func changePassword(userID: UUID, hash: String, at: Date) async throws
    func markEmailVerified(userID: UUID, at: Date) async throws
    /// Throws `StoreError.conflict` when another account has the email.
    func changeEmail(userID: UUID, to email: String, at: Date) async throws
    func updateProfile(userID: UUID, name: String?, givenName: String?, familyName: String?, picture: String?, at: Date) async throws
    func recordTermsAccepted(userID: UUID, at: Date) async throws
}

/// Durable clients (PostgreSQL).
public protocol ClientStore: Sendable {
    /// Throws `StoreError.conflict` when the id is taken.
    func create(_ client: Client) async throws
    func find(id: String) async throws -> Client?
    func list() async throws -> [Client]
    /// Replaces the stored client; false when it does not exist.
    func update(_ client: Client) async throws -> Bool
    func delete(id: String) async throws -> Bool
}

/// Remembered consent decisions (PostgreSQL).
public protocol ConsentStore: Sendable {
    func grantedScopes(userID: UUID, clientID: String) async throws -> Set<String>
    /// Adds `scopes` to what the user has granted the client.
    func grant(userID: UUID, clientID: String, scopes: Set<String>, at: Date) async throws
    func list(userID: UUID) async throws -> [ConsentRecord]
    /// Forgets the decision; false when there was none.
    func revoke(userID: UUID, clientID: String) async throws -> Bool
}

/// Browser sessions (PostgreSQL), found by the digest of the cookie's secret.
public protocol SessionStore: Sendable {
    func create(_ session: BrowserSession, tokenDigest: [UInt8]) async throws
    /// The live session for a cookie: nil when unknown, expired or revoked.
    func find(tokenDigest: [UInt8], now: Date) async throws -> BrowserSession?
    func find(id: UUID) async throws -> BrowserSession?
    func touch(id: UUID, at: Date) async throws
    func revoke(id: UUID, at: Date) async throws
    /// The user's live sessions, most recently seen first.
    func list(userID: UUID, now: Date) async throws -> [BrowserSession]
    /// Ends every session of the user ("sign out everywhere").
    func revokeAll(userID: UUID, at: Date) async throws
    /// Ends every session of the user but `except` (the one making a change), in one statement.
    func revokeAll(userID: UUID, except: UUID, at: Date) async throws
}

/// Refresh-token families (PostgreSQL).
public protocol RefreshTokenStore: Sendable {
    func insert(_ token: RefreshTokenRecord) async throws
    /// Atomically marks the token used and stores its replacement (same family, scope, user,
    /// session and auth time; created now; idle expiry capped at the family's). A token used
    /// before revokes its family and reports `.reused`. A request for scopes beyond the family's
    /// leaves the token as it was and reports `.refused`. A token of another client, or of a
    /// user who no longer exists, is `.notFound` and left untouched.
    func rotate(_ request: RefreshRotationRequest) async throws -> RefreshRotation
    func revokeFamily(_ familyID: UUID, at: Date) async throws
    /// The token with this digest, whatever its state (for introspection and revocation); nil
    /// when unknown. Changes nothing.
    func find(digest: [UInt8]) async throws -> StoredRefreshToken?
    /// Revokes every refresh token of the user, or only those issued to `clientID`.
    func revokeAll(userID: UUID, clientID: String?, at: Date) async throws
    /// Whether every token of the family is revoked (for tests and introspection).
    func isFamilyRevoked(_ familyID: UUID) async throws -> Bool
}

/// Short-lived protocol state (Redis): every key expires.
public protocol AuthorizationStateStore: Sendable {
    func savePending(_ request: PendingAuthorization, id: String, ttl: Duration) async throws
    func pending(id: String) async throws -> PendingAuthorization?
    func deletePending(id: String) async throws
    func saveCode(_ record: AuthorizationCodeRecord, digest: [UInt8], ttl: Duration) async throws
    /// Swaps the code for `marker` in one atomic step (kept for `markerTTL`) and returns what
    /// was there: the code on first use, the earlier marker on a second.
    func consumeCode(digest: [UInt8], marker: CodeUseMarker, markerTTL: Duration) async throws -> CodeConsumption
    /// Refuses an access token until it would have expired anyway.
    func revokeAccessToken(id: String, until: Date, now: Date) async throws
    func isAccessTokenRevoked(id: String) async throws -> Bool
}

/// Errors stores report in domain words.
public enum StoreError: Error, Equatable, Sendable {
    case conflict(String)
}
