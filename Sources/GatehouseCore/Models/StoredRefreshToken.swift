import Foundation

/// A refresh token as the store holds it, with its fate: used (rotated away) or revoked. Read
/// by introspection and revocation, which must tell a live token from a dead one without
/// rotating it.
public struct StoredRefreshToken: Sendable, Equatable {
    public var record: RefreshTokenRecord
    public var usedAt: Date?
    public var revokedAt: Date?

    public init(record: RefreshTokenRecord, usedAt: Date?, revokedAt: Date?) {
        self.record = record
        self.usedAt = usedAt
        self.revokedAt = revokedAt
    }

    /// When it dies unless rotated first: the idle expiry, capped by the family's absolute one.
    public var expiresAt: Date { min(record.expiresAt, record.familyExpiresAt) }

    /// Usable right now: not rotated, not revoked (revocation marks the whole family), not expired.
    public func isActive(at now: Date) -> Bool {
        usedAt == nil && revokedAt == nil && expiresAt > now
    }
}
