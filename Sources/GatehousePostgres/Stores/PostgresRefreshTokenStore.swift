import Foundation
public import GatehouseCore

/// Refresh-token families in PostgreSQL (`refresh_tokens`). Rotation changes the presented row
/// only while it is live, under its row lock, so two concurrent uses of one token cannot both
/// succeed. A token cannot outlive its user or client (foreign keys ON DELETE CASCADE).
///
/// A revoked family is also recorded on its own (`refresh_token_family_revocations`), and every
/// read of a token checks it: a token stored after its family was revoked — by an exchange or a
/// rotation that raced the revocation, which the UPDATE of the rows could not see — is revoked
/// from the start.
public struct PostgresRefreshTokenStore: RefreshTokenStore {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let columns = "digest, family_id, client_id, user_id, scopes, session_id, auth_time, amr, created_at, expires_at, family_expires_at, organization_id"

    public func insert(_ token: RefreshTokenRecord) async throws {
        _ = try await pool.query(Self.insertSQL, Self.values(token))
    }

    /// One statement in the common case: the presented row is marked used only if it is live
    /// and the scope fits, and its replacement is inserted from it in the same statement — one
    /// round trip and one commit instead of five. Under READ COMMITTED a concurrent second use
    /// waits for the row lock, re-reads `used_at` and matches nothing. Anything that matched
    /// nothing is explained (and a reuse punished) by `explainRefusal`.
    public func rotate(_ request: RefreshRotationRequest) async throws -> RefreshRotation {
        let replaced = try await pool.query(Self.rotateSQL, [
            .bytes(request.digest), .text(request.clientID), .timestamp(request.now), .textArray(request.requestedScopes),
            .bytes(request.replacementDigest), .timestamp(request.replacementExpiresAt),
        ]).rows.first
        if let replaced {
            let claimsRead = try replaced.optionalString("claims_read") != nil
            return .rotated(try Self.record(replaced), claims: claimsRead ? try PostgresMembershipStore.memberClaims(replaced) : nil)
        }
        return try await explainRefusal(request)
    }

    /// Why `rotateSQL` matched nothing, read under the row's lock: unknown or another client's,
    /// revoked, used before (the family is revoked now: RFC 9700 §4.14.2), expired, or a scope
    /// beyond the family's. A token that turns out to be usable after all (its state changed
    /// between the two statements) is rotated here.
    private func explainRefusal(_ request: RefreshRotationRequest) async throws -> RefreshRotation {
        try await pool.transaction { connection in
            guard let row = try connection.query(
                "SELECT \(Self.columns), used_at, \(Self.revokedAtColumn) FROM refresh_tokens WHERE digest = $1 FOR UPDATE",
                [.bytes(request.digest)]).rows.first else { return .notFound }
            let record = try Self.record(row)
            guard record.clientID == request.clientID else { return .notFound }
            if try row.optionalDate("revoked_at") != nil { return .revoked }
            if try row.optionalDate("used_at") != nil {
                _ = try connection.query(Self.revokeFamilySQL, [.uuid(record.familyID), .timestamp(request.now)])
                return .reused(familyID: record.familyID)
            }
            guard record.expiresAt > request.now, record.familyExpiresAt > request.now else { return .expired }
            guard Set(request.requestedScopes).isSubset(of: Set(record.scopes)) else { return .refused }
            var next = record
            next.digest = request.replacementDigest
            next.createdAt = request.now
            next.expiresAt = min(request.replacementExpiresAt, record.familyExpiresAt)
            _ = try connection.query("UPDATE refresh_tokens SET used_at = $2 WHERE digest = $1",
                                     [.bytes(request.digest), .timestamp(request.now)])
            _ = try connection.query(Self.insertSQL, Self.values(next))
            guard OrganizationClaims.areRequested(by: next.scopes) else { return .rotated(next, claims: nil) }
            let claims = try connection.query(PostgresMembershipStore.claimsSQL, [.uuid(next.userID), .uuid(next.organizationID)]).rows.first
            return .rotated(next, claims: try claims.map(PostgresMembershipStore.memberClaims))
        }
    }

    /// $1 presented digest, $2 client, $3 now, $4 requested scopes, $5 replacement digest,
    /// $6 replacement idle expiry (capped at the family's absolute expiry). When the family's
    /// scopes ask for organization claims, the same statement reads them for the new row
    /// (`claims_read` is then set): a refresh with the scopes `organization` or `roles` costs
    /// one round trip, as one without them does, and one without them evaluates no claim subquery.
    static let rotateSQL = """
        WITH used AS (
            UPDATE refresh_tokens SET used_at = $3
            WHERE digest = $1 AND client_id = $2 AND used_at IS NULL AND revoked_at IS NULL
              AND expires_at > $3 AND family_expires_at > $3 AND scopes @> $4::text[]
              AND NOT EXISTS (SELECT 1 FROM refresh_token_family_revocations r WHERE r.family_id = refresh_tokens.family_id)
            RETURNING family_id, client_id, user_id, scopes, session_id, auth_time, amr, family_expires_at, organization_id),
        rotated AS (
            INSERT INTO refresh_tokens (\(columns))
            SELECT $5, family_id, client_id, user_id, scopes, session_id, auth_time, amr, $3,
                   LEAST($6::timestamptz, family_expires_at), family_expires_at, organization_id
            FROM used
            RETURNING \(columns))
        SELECT rotated.*, claims.* FROM rotated LEFT JOIN LATERAL (
            SELECT 'yes' AS claims_read, held.* FROM (
                \(PostgresMembershipStore.claimsSelect(user: "rotated.user_id", organization: "rotated.organization_id"))
            ) AS held
            WHERE rotated.scopes && \(claimScopes)
        ) AS claims ON true
        """

    /// The scopes that ask for organization claims (`OrganizationClaims.areRequested`), as an SQL array.
    static let claimScopes = "ARRAY['\(Scope.organization)', '\(Scope.roles)']::text[]"

    public func revokeFamily(_ familyID: UUID, at date: Date) async throws {
        _ = try await pool.query(Self.revokeFamilySQL, [.uuid(familyID), .timestamp(date)])
    }

    public func find(digest: [UInt8]) async throws -> StoredRefreshToken? {
        try await pool.query("SELECT \(Self.columns), used_at, \(Self.revokedAtColumn) FROM refresh_tokens WHERE digest = $1",
                             [.bytes(digest)]).rows.first.map { row in
            StoredRefreshToken(record: try Self.record(row), usedAt: try row.optionalDate("used_at"),
                               revokedAt: try row.optionalDate("revoked_at"))
        }
    }

    /// Records each family it touches as revoked too, so a rotation racing the revocation
    /// cannot leave a live replacement behind.
    @discardableResult
    public func revokeAll(userID: UUID, clientID: String?, at date: Date) async throws -> [UUID] {
        try await pool.query(
            """
            WITH revoked AS (
                UPDATE refresh_tokens SET revoked_at = $3
                WHERE user_id = $1 AND ($2::text IS NULL OR client_id = $2) AND revoked_at IS NULL
                RETURNING family_id),
            families AS (SELECT DISTINCT family_id FROM revoked),
            recorded AS (
                INSERT INTO refresh_token_family_revocations (family_id, revoked_at)
                SELECT family_id, $3::timestamptz FROM families
                ON CONFLICT (family_id) DO NOTHING)
            SELECT family_id FROM families
            """, [.uuid(userID), clientID.map(PostgresValue.text) ?? .null, .timestamp(date)])
            .rows.map { try $0.uuid("family_id") }
    }

    public func isFamilyRevoked(_ familyID: UUID) async throws -> Bool {
        let row = try await pool.query(
            """
            SELECT EXISTS (SELECT 1 FROM refresh_token_family_revocations WHERE family_id = $1) AS recorded,
                   (SELECT count(*) FILTER (WHERE revoked_at IS NULL) FROM refresh_tokens WHERE family_id = $1) AS live,
                   (SELECT count(*) FROM refresh_tokens WHERE family_id = $1) AS total
            """, [.uuid(familyID)]).rows.first
        return try row.map { try $0.bool("recorded") || ($0.int("total") > 0 && $0.int("live") == 0) } ?? false
    }

    static let insertSQL = "INSERT INTO refresh_tokens (\(columns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"

    /// $1 family, $2 now: the family is recorded as revoked (first revocation wins), then its
    /// live tokens are marked.
    static let revokeFamilySQL = """
        WITH recorded AS (
            INSERT INTO refresh_token_family_revocations (family_id, revoked_at) VALUES ($1, $2)
            ON CONFLICT (family_id) DO NOTHING)
        UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL
        """

    /// A token's revocation time: its own, or else its family's recorded revocation.
    static let revokedAtColumn = """
        COALESCE(revoked_at, (SELECT r.revoked_at FROM refresh_token_family_revocations r
                              WHERE r.family_id = refresh_tokens.family_id)) AS revoked_at
        """

    static func values(_ token: RefreshTokenRecord) -> [PostgresValue] {
        [.bytes(token.digest), .uuid(token.familyID), .text(token.clientID), .uuid(token.userID), .textArray(token.scopes),
         .optionalUUID(token.sessionID), .timestamp(token.authTime), .textArray(token.amr), .timestamp(token.createdAt),
         .timestamp(token.expiresAt), .timestamp(token.familyExpiresAt), .uuid(token.organizationID)]
    }

    static func record(_ row: PostgresRow) throws -> RefreshTokenRecord {
        RefreshTokenRecord(digest: try row.bytes("digest"), familyID: try row.uuid("family_id"), clientID: try row.string("client_id"),
                           userID: try row.uuid("user_id"), scopes: try row.stringArray("scopes"),
                           sessionID: try row.optionalUUID("session_id"), authTime: try row.date("auth_time"),
                           amr: try row.stringArray("amr"), createdAt: try row.date("created_at"),
                           expiresAt: try row.date("expires_at"), familyExpiresAt: try row.date("family_expires_at"),
                           organizationID: try row.optionalUUID("organization_id"))
    }
}
