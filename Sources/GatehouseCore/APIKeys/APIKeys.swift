import Foundation

/// Personal access tokens (issue 11 item 6): the one place the account page, the API and the
/// CLI create, list and revoke keys, and the one place a presented key is accepted or refused.
///
/// - A user creates keys for themselves only (nobody mints a key that acts as someone else),
///   named, with scopes they may give now (`APIKeyScopes.offered`), expiring at most
///   `maximumLifetimeDays` days later (a year by default), at most `maximumLiveKeys` live at once.
/// - The key's text is returned once (`Issued.token`); only its SHA-256 digest is stored.
/// - A key works while it is neither revoked nor expired and its owner may act
///   (`ownerMayAct`); it then can do what it carries and the owner still holds, read now.
/// - Its owner revokes it (so does the operator at the server's shell).
/// - Audit events: created, revoked, and refused uses of a known key (at most one a minute per
///   key). A key's text is never logged or audited; its id is.
public struct APIKeys: Sendable {
    let keys: any APIKeyStore
    let users: any UserStore
    let principals: Principals
    let customRoles: any CustomRoleStore
    let crypto: any CryptoPrimitives
    let audit: any AuditLog
    let clock: any Clock
    /// The longest life a key may be given (`GATEHOUSE_API_KEY_MAX_DAYS`).
    public let maximumLifetimeDays: Int

    /// A year.
    public static let defaultMaximumLifetimeDays = 365
    /// The most a setting may allow: ten years.
    public static let largestMaximumLifetimeDays = 3650
    public static let maximumLiveKeys = 50
    /// Keys listed at most (live ones and expired ones not yet revoked).
    public static let listLimit = 200
    /// In Unicode scalars, as JSON Schema's `maxLength` counts.
    public static let maximumNameLength = 100
    public static let maximumScopes = 100
    /// How precisely the last use is kept: a key's row is written at most once this often.
    public static let lastUseResolution: TimeInterval = 60

    public init(keys: any APIKeyStore, users: any UserStore, principals: Principals, customRoles: any CustomRoleStore,
                crypto: any CryptoPrimitives, audit: any AuditLog, clock: any Clock,
                maximumLifetimeDays: Int = APIKeys.defaultMaximumLifetimeDays) {
        self.keys = keys
        self.users = users
        self.principals = principals
        self.customRoles = customRoles
        self.crypto = crypto
        self.audit = audit
        self.clock = clock
        self.maximumLifetimeDays = maximumLifetimeDays
    }

    /// Why a request about keys was refused; each maps to one status in the API and one message
    /// on the page and in the CLI.
    public enum Refusal: Error, Equatable, Sendable {
        /// 422: blank, over 100 characters, or with control characters.
        case invalidName
        /// 422: a key carries 1 to `maximumScopes` scopes.
        case scopeCount
        /// 403: a scope the user may not give (`APIKeyScopes.offered`).
        case scopeNotHeld(String)
        /// 422: not in the future, or more than `maximumLifetimeDays` days away.
        case invalidExpiry(maximumDays: Int)
        /// 409: `maximumLiveKeys` are live already.
        case tooManyKeys(Int)
        /// 404: unknown, revoked already, or someone else's (the same answer for all three).
        case notFound
        /// 403: only a signed-in user creates keys, for themselves.
        case notPermitted
    }

    /// A new key with its text, shown to its owner once and never again.
    public struct Issued: Sendable, Equatable {
        public var key: APIKey
        public var token: String
    }

    /// A presented key that works now: the key, what it can do now, and its owner as they are now.
    public struct LiveKey: Sendable, Equatable {
        public var key: APIKey
        /// The key's scopes its owner still holds, in the key's order.
        public var scopes: [String]
        public var principal: Principal

        public var mayManage: Bool { scopes.contains(Scope.manage) }
    }

    /// Where a key was presented (named in audit events of refused uses).
    public enum Use: String, Sendable {
        case api
        case introspection
    }

    // MARK: - The owner's keys

    /// The scopes the user may give a new key now.
    public func offeredScopes(to principal: Principal) async throws -> [String] {
        try await APIKeyScopes.offered(to: principal) { try await customRoles.permissions().map(\.name) }
    }

    /// The lifetimes offered on the page, in days: a week, a month, three months, a year, cut at
    /// the maximum (and the maximum itself when it is none of them).
    public var lifetimeChoices: [Int] {
        let common = [7, 30, 90, 365].filter { $0 <= maximumLifetimeDays }
        return common.contains(maximumLifetimeDays) ? common : common + [maximumLifetimeDays]
    }

    /// The expiry of a key made now that lives `days` days.
    public func expiry(afterDays days: Int) -> Date {
        Self.wholeSeconds(clock.now).addingTimeInterval(TimeInterval(days) * 86_400)
    }

    /// A new key for the principal, expiring at `expiresAt` (to the second): after now, and at
    /// most `maximumLifetimeDays` days away.
    public func create(name text: String, scopes requested: [String], expiresAt requestedExpiry: Date,
                       by principal: Principal) async throws -> Issued {
        guard let owner = principal.userID else { throw Refusal.notPermitted }
        guard let name = Self.name(text) else { throw Refusal.invalidName }
        var scopes: [String] = []
        for scope in requested where !scopes.contains(scope) { scopes.append(scope) }
        guard (1...Self.maximumScopes).contains(requested.count) else { throw Refusal.scopeCount }
        let offered = try await offeredScopes(to: principal)
        if let missing = scopes.first(where: { !offered.contains($0) }) { throw Refusal.scopeNotHeld(missing) }
        let now = clock.now
        let created = Self.wholeSeconds(now), expiresAt = Self.wholeSeconds(requestedExpiry)
        guard expiresAt > now, expiresAt <= created.addingTimeInterval(TimeInterval(maximumLifetimeDays) * 86_400) else {
            throw Refusal.invalidExpiry(maximumDays: maximumLifetimeDays)
        }
        let token = APIKeyToken.generate(crypto)
        let key = APIKey(id: UUID(), userID: owner, name: name, scopes: scopes.sorted(), createdAt: created, expiresAt: expiresAt)
        let stored: Bool
        do {
            stored = try await keys.create(key, digest: crypto.tokenDigest(token), liveLimit: Self.maximumLiveKeys)
        } catch StoreError.conflict {
            throw Refusal.notFound   // the owner was deleted meanwhile
        }
        guard stored else { throw Refusal.tooManyKeys(Self.maximumLiveKeys) }
        await record(.apiKeyCreated, key, actor: principal.auditActor, at: now,
                     details: ["scopes": Scope.join(key.scopes), "expires_at": String(key.expiresAt.numericDate)])
        return Issued(key: key, token: token)
    }

    /// The user's keys that are not revoked, newest first: their own, or any user's for the operator.
    public func list(of userID: UUID, by principal: Principal) async throws -> [APIKey] {
        guard Self.may(principal, actOnKeysOf: userID) else { throw Refusal.notFound }
        return try await keys.list(userID: userID, limit: Self.listLimit)
    }

    public func revoke(_ id: UUID, of userID: UUID, by principal: Principal) async throws -> APIKey {
        guard Self.may(principal, actOnKeysOf: userID) else { throw Refusal.notFound }
        let now = clock.now
        guard let revoked = try await keys.revoke(id: id, userID: userID, at: now, by: principal.auditActor) else { throw Refusal.notFound }
        await record(.apiKeyRevoked, revoked, actor: principal.auditActor, at: now, details: [:])
        return revoked
    }

    /// The owner, or the operator at the server's shell.
    static func may(_ principal: Principal, actOnKeysOf userID: UUID) -> Bool {
        principal.userID == userID || principal == .serverOperator
    }

    // MARK: - A presented key

    /// Whether the owner of a key may act through it now: the one check every use of a key
    /// makes about its owner, reading the user's row at every call. A suspended, deactivated or
    /// erased owner's keys stop at once (an erasure also deletes them); a deleted owner's are
    /// gone with them (`ON DELETE CASCADE`), and this covers the moment in between.
    public func ownerMayAct(_ key: APIKey) async throws -> Bool {
        guard let owner = try await users.find(id: key.userID) else { return false }
        // The account must stand now, and the key must be younger than its last suspension:
        // reactivating an account restores none of the keys it had (`AccountStanding`).
        return AccountStanding.admits(owner, issuedAt: key.createdAt.numericDate)
    }

    /// The key `token` names if it works now; else `OAuthError(.invalidToken, .apiKeyInvalid)`,
    /// one answer for malformed, unknown, revoked, expired and an owner who may not act (the
    /// audit trail has which, for a known key).
    public func authenticate(_ token: String, for use: Use) async throws -> LiveKey {
        let invalid = OAuthError(.invalidToken, .apiKeyInvalid)
        // The checksum refuses typos and random strings without a database read.
        guard APIKeyToken.isWellFormed(token) else { throw invalid }
        // Looked up by the SHA-256 of the presented text, never by the text or by comparing
        // secrets: an index comparison's timing can tell only about digests, which an attacker
        // cannot steer toward a stored one (finding a preimage is SHA-256's hard problem), so the
        // lookup needs no constant-time comparison of its own.
        guard let key = try await keys.find(digest: crypto.tokenDigest(token)) else { throw invalid }
        let now = clock.now
        if key.revokedAt != nil {
            await refuse(key, use, "revoked", at: now)
            throw invalid
        }
        if key.isExpired(at: now) {
            await refuse(key, use, "expired", at: now)
            throw invalid
        }
        guard try await ownerMayAct(key) else {
            await refuse(key, use, "owner_may_not_act", at: now)
            throw invalid
        }
        let principal = try await principals.principal(userID: key.userID)
        let scopes = APIKeyScopes.effective(stored: key.scopes, offered: try await offeredScopes(to: principal))
        var used = key
        if key.lastUsedAt.map({ now.timeIntervalSince($0) >= Self.lastUseResolution }) ?? true {
            // Only when the row says a minute has passed: a busy key reads, it does not write.
            try await keys.recordUse(id: key.id, at: now, resolution: Self.lastUseResolution)
            used.lastUsedAt = now
        }
        return LiveKey(key: used, scopes: scopes, principal: principal)
    }

    /// The audit event of a use refused for a key that lacks a scope (the API's `gatehouse:manage`).
    public func refuseScope(_ live: LiveKey, use: Use, missing scope: String) async {
        await refuse(live.key, use, "insufficient_scope:" + scope, at: clock.now)
    }

    // MARK: -

    /// Seconds only: what the database keeps reads back equal, and `exp`/`iat` are whole seconds.
    static func wholeSeconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    /// At most 100 Unicode scalars as sent, not blank, no control characters; kept trimmed.
    static func name(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.unicodeScalars.count <= maximumNameLength, !trimmed.isEmpty,
              !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return nil }
        return trimmed
    }

    func refuse(_ key: APIKey, _ use: Use, _ reason: String, at now: Date) async {
        // At most one event a minute per key; a store that cannot say is no reason to fail the call.
        guard (try? await keys.claimRefusalNotice(id: key.id, at: now, resolution: Self.lastUseResolution)) == true else { return }
        await record(.apiKeyRefused, key, actor: "api_key:" + key.id.uuidString.lowercased(), at: now,
                     details: ["reason": reason, "used_at": use.rawValue])
    }

    func record(_ type: AuditEventType, _ key: APIKey, actor: String, at now: Date, details: [String: String]) async {
        let facts = details.merging(["key_id": key.id.uuidString.lowercased(), "name": key.name]) { mine, _ in mine }
        await audit.record(AuditEvent(type: type, occurredAt: now, actor: actor, subject: key.userID, details: facts))
    }
}

extension AuditEventType {
    /// A user created an API key (`details`: `key_id`, `name`, `scopes`, `expires_at`).
    public static let apiKeyCreated = AuditEventType("api_key_created")
    /// An API key was revoked by its owner or the operator.
    public static let apiKeyRevoked = AuditEventType("api_key_revoked")
    /// A known API key was presented and refused (`details`: `reason`, `used_at`); at most one a minute per key.
    public static let apiKeyRefused = AuditEventType("api_key_refused")
}
