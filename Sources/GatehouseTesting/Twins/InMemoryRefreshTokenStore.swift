import Foundation
import GatehouseCore

/// `RefreshTokenStore` in memory, as `PostgresRefreshTokenStore` behaves
/// (`RefreshTokenStoreConformance`): rotation in one step (the actor runs one call at a time, as
/// the row lock does), reuse revoking the family, revoked families recorded on their own so a
/// token stored into one later is revoked from the start, and tokens gone with their user or
/// client.
public actor InMemoryRefreshTokenStore: RefreshTokenStore {
    struct Row { var record: RefreshTokenRecord; var usedAt: Date?; var revokedAt: Date? }

    var rows: [[UInt8]: Row] = [:]
    /// Families revoked as a whole, and when (the first revocation wins).
    var revokedFamilies: [UUID: Date] = [:]
    let references: References
    /// Where a rotation reads the claims of a family that asks for them; without it, none are read.
    let memberships: InMemoryMembershipStore?

    public init(users: InMemoryUserStore? = nil, clients: InMemoryClientStore? = nil,
                memberships: InMemoryMembershipStore? = nil) {
        references = References(users: users, clients: clients)
        self.memberships = memberships
    }

    public func insert(_ token: RefreshTokenRecord) async throws {
        try await references.requireUser(token.userID)
        try await references.requireClient(token.clientID)
        rows[token.digest] = Row(record: token, usedAt: nil, revokedAt: nil)
    }

    /// The checks in `PostgresRefreshTokenStore.explainRefusal`'s order: another client's or
    /// unknown, revoked, used before (the family is revoked now), expired, scope beyond the family's.
    public func rotate(_ request: RefreshRotationRequest) async throws -> RefreshRotation {
        await forgetOrphans()
        guard let row = rows[request.digest], row.record.clientID == request.clientID else { return .notFound }
        if revokedAt(row) != nil { return .revoked }
        if row.usedAt != nil {
            markRevoked(family: row.record.familyID, at: request.now)
            return .reused(familyID: row.record.familyID)
        }
        guard row.record.expiresAt > request.now, row.record.familyExpiresAt > request.now else { return .expired }
        guard Set(request.requestedScopes).isSubset(of: Set(row.record.scopes)) else { return .refused }
        var next = row.record
        next.digest = request.replacementDigest
        next.createdAt = request.now
        next.expiresAt = min(request.replacementExpiresAt, row.record.familyExpiresAt)
        rows[request.digest]?.usedAt = request.now
        rows[next.digest] = Row(record: next, usedAt: nil, revokedAt: nil)
        guard OrganizationClaims.areRequested(by: next.scopes), let memberships else { return .rotated(next, claims: nil) }
        return .rotated(next, claims: try await memberships.claims(userID: next.userID, organizationID: next.organizationID))
    }

    public func revokeFamily(_ familyID: UUID, at date: Date) async throws {
        markRevoked(family: familyID, at: date)
    }

    /// Records the family as revoked (the first time wins) and revokes its live tokens, without
    /// a suspension point: inside `rotate` it is part of one atomic step.
    func markRevoked(family familyID: UUID, at date: Date) {
        if revokedFamilies[familyID] == nil { revokedFamilies[familyID] = date }
        for (digest, row) in rows where row.record.familyID == familyID && row.revokedAt == nil { rows[digest]?.revokedAt = date }
    }

    public func find(digest: [UInt8]) async throws -> StoredRefreshToken? {
        await forgetOrphans()
        return rows[digest].map { StoredRefreshToken(record: $0.record, usedAt: $0.usedAt, revokedAt: revokedAt($0)) }
    }

    @discardableResult
    public func revokeAll(userID: UUID, clientID: String?, at date: Date) async throws -> [UUID] {
        await forgetOrphans()
        var families: Set<UUID> = []
        for (digest, row) in rows where row.record.userID == userID && (clientID == nil || row.record.clientID == clientID)
            && row.revokedAt == nil {
            rows[digest]?.revokedAt = date
            families.insert(row.record.familyID)
        }
        for family in families where revokedFamilies[family] == nil { revokedFamilies[family] = date }
        return Array(families)
    }

    public func isFamilyRevoked(_ familyID: UUID) async throws -> Bool {
        await forgetOrphans()
        if revokedFamilies[familyID] != nil { return true }
        let family = rows.values.filter { $0.record.familyID == familyID }
        return !family.isEmpty && family.allSatisfy { $0.revokedAt != nil }
    }

    /// A token's revocation: its own, or else its family's.
    func revokedAt(_ row: Row) -> Date? {
        row.revokedAt ?? revokedFamilies[row.record.familyID]
    }

    func forgetOrphans() async {
        let users = await references.userIDs(), clients = await references.clientIDs()
        rows = rows.filter { References.alive(user: $0.value.record.userID, client: $0.value.record.clientID, users: users, clients: clients) }
    }
}
