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
    /// Newest first (created, then id, both descending), after `cursor`, at most `limit`;
    /// `owners` nil: every client, else only those owned by one of these organizations.
    func list(owners: Set<UUID>?, after cursor: ClientCursor?, limit: Int) async throws -> [Client]
    /// Replaces the stored client if it is still at `client.revision`, storing the next revision;
    /// false when the client does not exist or was changed since it was read.
    func update(_ client: Client) async throws -> Bool
    func delete(id: String) async throws -> Bool
}

/// Where a page of `ClientStore.list` ends: the next page starts after this client.
public struct ClientCursor: Sendable, Equatable {
    public var createdAt: Date
    public var id: String

    public init(createdAt: Date, id: String) {
        self.createdAt = createdAt
        self.id = id
    }

    public init(after client: Client) {
        self.init(createdAt: client.createdAt, id: client.id)
    }
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
    /// Also records the session's start as the user's last sign-in (`UserListing.lastSignInAt`,
    /// the directory's order) when it is later than the one recorded.
    func create(_ session: BrowserSession, tokenDigest: [UInt8]) async throws
    /// The live session for a cookie: nil when unknown, expired or revoked.
    func find(tokenDigest: [UInt8], now: Date) async throws -> BrowserSession?
    func find(id: UUID) async throws -> BrowserSession?
    func touch(id: UUID, at: Date) async throws
    func revoke(id: UUID, at: Date) async throws
    /// A page of the user's live sessions, most recently seen first (then by id), strictly after
    /// `after` (keyset paging; a session used meanwhile may move up a page), at most `limit`.
    func list(userID: UUID, now: Date, after: SessionCursor?, limit: Int) async throws -> [BrowserSession]
    /// Deletes up to `limit` sessions that ended (expired or revoked) before `before`; returns how
    /// many. Their facts stay in the audit trail.
    func purgeEnded(before: Date, limit: Int) async throws -> Int
    /// Ends every session of the user ("sign out everywhere").
    func revokeAll(userID: UUID, at: Date) async throws
    /// Ends every session of the user but `except` (the one making a change), in one statement.
    func revokeAll(userID: UUID, except: UUID, at: Date) async throws
    /// The support sessions ever started as the user (`BrowserSession.support`), newest first, at
    /// most `limit`, live or ended. `list` never returns them and `purgeEnded` keeps them: they
    /// are the user's record of who acted as them (erasing the user removes them).
    func supportSignIns(userID: UUID, limit: Int) async throws -> [SupportSignInRecord]
}

/// One support session as the user is shown it on `/account`.
public struct SupportSignInRecord: Sendable, Equatable {
    public var sessionID: UUID
    /// Nil once the administrator's account was deleted.
    public var impersonatorID: UUID?
    /// The administrator's address now; nil once their account was erased or deleted.
    public var impersonatorEmail: String?
    public var reason: String
    public var startedAt: Date
    /// When it was ended, or its expiry when nobody ended it.
    public var endedAt: Date

    public init(sessionID: UUID, impersonatorID: UUID?, impersonatorEmail: String?, reason: String, startedAt: Date, endedAt: Date) {
        self.sessionID = sessionID
        self.impersonatorID = impersonatorID
        self.impersonatorEmail = impersonatorEmail
        self.reason = reason
        self.startedAt = startedAt
        self.endedAt = endedAt
    }
}

extension SessionStore {
    /// Every live session of the user, most recently seen first.
    public func list(userID: UUID, now: Date) async throws -> [BrowserSession] {
        try await list(userID: userID, now: now, after: nil, limit: .max)
    }
}

/// Where a page of sessions ended.
public struct SessionCursor: Sendable, Equatable {
    public var lastSeenAt: Date
    public var id: UUID

    public init(after session: BrowserSession) {
        self.lastSeenAt = session.lastSeenAt
        self.id = session.id
    }

    public init(lastSeenAt: Date, id: UUID) {
        self.lastSeenAt = lastSeenAt
        self.id = id
    }
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
    /// Revokes the family for good: its tokens now, and any token of it stored later (an
    /// exchange or a rotation that raced the revocation) is revoked from the start.
    func revokeFamily(_ familyID: UUID, at: Date) async throws
    /// The token with this digest, whatever its state (for introspection and revocation); nil
    /// when unknown. Changes nothing.
    func find(digest: [UInt8]) async throws -> StoredRefreshToken?
    /// Revokes every refresh token of the user, or only those issued to `clientID`, recording
    /// their families as revoked. Returns the families (grant ids) that had a live token.
    @discardableResult
    func revokeAll(userID: UUID, clientID: String?, at: Date) async throws -> [UUID]
    /// Whether the family was revoked, or every token of it is (for tests and introspection).
    func isFamilyRevoked(_ familyID: UUID) async throws -> Bool
}

/// Short-lived protocol state (Redis): every key expires.
public protocol AuthorizationStateStore: Sendable {
    /// Stores a new pending request under `id` for `ttl` unless it would take what `owner` (a
    /// client address key; nil: not counted per owner) keeps past `limits.bytesPerOwner`, or
    /// what the store keeps past `limits.bytesTotal`, decided and stored in one atomic step.
    /// Bytes are the request as stored plus the store's bookkeeping for it. The only way a
    /// pending request comes into being (`PendingAuthorizationBudget`).
    func startPending(_ request: PendingAuthorization, id: String, ttl: Duration, owner: String?,
                      limits: PendingAuthorizationLimits, now: Date) async throws -> PendingAdmission
    /// Replaces a pending request that exists (and gives it `ttl` from now); never creates one,
    /// so nothing stored escapes the budget. Returns false when it was gone.
    @discardableResult
    func savePending(_ request: PendingAuthorization, id: String, ttl: Duration) async throws -> Bool
    func pending(id: String) async throws -> PendingAuthorization?
    /// Deletes the request; it stops counting against its owner and the total at once.
    func deletePending(id: String) async throws
    func saveCode(_ record: AuthorizationCodeRecord, digest: [UInt8], ttl: Duration) async throws
    /// In one atomic step: compares `presented` with the binding stored with the code (or with
    /// its marker) and, only when they match, swaps a live code for `marker` (kept for
    /// `markerTTL`). Returns the code on first use, the earlier marker on a matching second use,
    /// and `.mismatch` — with nothing changed — when the binding differs.
    func consumeCode(digest: [UInt8], presented: CodeBinding, marker: CodeUseMarker, markerTTL: Duration) async throws
        -> CodeConsumption
    /// Refuses an access token until it would have expired anyway.
    func revokeAccessToken(id: String, until: Date, now: Date) async throws
    /// Refuses every access token that carries `grantID` (RFC 7009 §2.1: the access tokens of a
    /// revoked grant), until `until`, by which all of them have expired.
    func revokeGrant(id grantID: UUID, until: Date, now: Date) async throws
    /// Whether the access token `id`, or its grant, was revoked: one round trip for both.
    func isAccessTokenRevoked(id: String, grantID: UUID?) async throws -> Bool
}

/// How many bytes of pending authorization requests may be kept at once, per owner and in all
/// (0: no limit).
public struct PendingAuthorizationLimits: Sendable, Equatable {
    public var bytesPerOwner: Int
    public var bytesTotal: Int

    public init(bytesPerOwner: Int, bytesTotal: Int) {
        self.bytesPerOwner = bytesPerOwner
        self.bytesTotal = bytesTotal
    }
}

/// What `startPending` did.
public enum PendingAdmission: Sendable, Equatable {
    case stored
    /// The owner's requests fill `bytesPerOwner`; the oldest of them expires after `retryAfter`.
    case ownerFull(retryAfter: Duration)
    /// The store's requests fill `bytesTotal`.
    case storeFull
}

/// Errors stores report in domain words.
public enum StoreError: Error, Equatable, Sendable {
    case conflict(String)
    /// A value the store's contract does not take (a caller's mistake, refused before any write).
    case invalid(String)
}
