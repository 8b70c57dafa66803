import Foundation

/// A personal access token (issue 11 item 6), as stored: never the key itself, whose SHA-256
/// digest the store keeps beside this record and finds it by.
public struct APIKey: Sendable, Equatable {
    public var id: UUID
    /// Whose key it is: it acts as this user, with their roles read at every call.
    public var userID: UUID
    public var name: String
    /// What the owner gave it (`APIKeyScopes`), sorted. What it can do at a call is these scopes
    /// still held by the owner at that moment.
    public var scopes: [String]
    public var createdAt: Date
    public var expiresAt: Date
    /// When it was last accepted, to the minute (`APIKeys.lastUseResolution`); nil: never used.
    public var lastUsedAt: Date?
    public var revokedAt: Date?
    /// Who revoked it: the owner (`user:<id>`) or the operator at the shell (`operator`).
    public var revokedBy: String?

    public init(id: UUID, userID: UUID, name: String, scopes: [String], createdAt: Date, expiresAt: Date,
                lastUsedAt: Date? = nil, revokedAt: Date? = nil, revokedBy: String? = nil) {
        self.id = id
        self.userID = userID
        self.name = name
        self.scopes = scopes
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
        self.revokedBy = revokedBy
    }

    public func isExpired(at now: Date) -> Bool { expiresAt <= now }

    /// Neither revoked nor expired (whether its owner may act is `APIKeys.ownerMayAct`'s answer).
    public func isLive(at now: Date) -> Bool { revokedAt == nil && !isExpired(at: now) }
}
