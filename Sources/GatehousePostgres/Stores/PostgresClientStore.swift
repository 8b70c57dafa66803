import Foundation
public import GatehouseCore

/// Registered clients in PostgreSQL (`clients`); secrets only as SHA-256 digests.
public struct PostgresClientStore: ClientStore {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let columns = """
        id, secret_digest, name, redirect_uris, post_logout_redirect_uris, grant_types, allowed_scopes, created_at, require_mfa, \
        organization_id, previous_secret_digest, previous_secret_expires_at, access_token_lifetime, refresh_token_idle_lifetime, \
        refresh_token_absolute_lifetime, revision, updated_at, created_by, updated_by
        """

    public func create(_ client: Client) async throws {
        do {
            _ = try await pool.query(
                "INSERT INTO clients (\(Self.columns)) VALUES (\((1...19).map { "$\($0)" }.joined(separator: ", ")))", Self.values(client))
        } catch let error as PostgresError where error.isUniqueViolation {
            throw StoreError.conflict("a client with this id exists")
        }
    }

    public func find(id: String) async throws -> Client? {
        try await pool.query("SELECT \(Self.columns) FROM clients WHERE id = $1", [.text(id)]).rows.first.map(Self.client)
    }

    /// On `clients_listed` or `clients_organization`: a page costs its rows, however deep.
    public func list(owners: Set<UUID>?, after cursor: ClientCursor?, limit: Int) async throws -> [Client] {
        try await pool.query(
            """
            SELECT \(Self.columns) FROM clients
            WHERE ($1::uuid[] IS NULL OR organization_id = ANY($1::uuid[]))
              AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::text))
            ORDER BY created_at DESC, id DESC LIMIT $4
            """, [owners.map { .textArray($0.map(\.uuidString).sorted()) } ?? .null,
                  cursor.map { .timestamp($0.createdAt) } ?? .null, cursor.map { .text($0.id) } ?? .null, .int(max(0, limit))]).rows.map(Self.client)
    }

    /// Only at the revision read: a write based on a stale read changes nothing.
    public func update(_ client: Client) async throws -> Bool {
        let result = try await pool.query(
            """
            UPDATE clients SET secret_digest = $2, name = $3, redirect_uris = $4, post_logout_redirect_uris = $5,
                grant_types = $6, allowed_scopes = $7, created_at = $8, require_mfa = $9, organization_id = $10,
                previous_secret_digest = $11, previous_secret_expires_at = $12, access_token_lifetime = $13,
                refresh_token_idle_lifetime = $14, refresh_token_absolute_lifetime = $15, revision = $16 + 1, updated_at = $17,
                created_by = $18, updated_by = $19
            WHERE id = $1 AND revision = $16
            """, Self.values(client))
        return result.affectedRows == 1
    }

    public func delete(id: String) async throws -> Bool {
        try await pool.query("DELETE FROM clients WHERE id = $1", [.text(id)]).affectedRows == 1
    }

    static func values(_ client: Client) -> [PostgresValue] {
        [.text(client.id), .optionalBytes(client.secretDigest), .text(client.name), .textArray(client.redirectURIs),
         .textArray(client.postLogoutRedirectURIs), .textArray(client.grantTypes.map(\.rawValue)),
         .textArray(client.allowedScopes), .timestamp(client.createdAt), .bool(client.requireMFA), .uuid(client.organizationID),
         .optionalBytes(client.previousSecret?.digest), client.previousSecret.map { .timestamp($0.expiresAt) } ?? .null,
         seconds(client.lifetimes.accessToken), seconds(client.lifetimes.refreshTokenIdle),
         seconds(client.lifetimes.refreshTokenAbsolute), .int(Int(client.revision)),
         client.updatedAt.map { .timestamp($0) } ?? .null, .uuid(client.createdBy), .uuid(client.updatedBy)]
    }

    static func seconds(_ duration: Duration?) -> PostgresValue {
        duration.map { .int(Int($0.components.seconds)) } ?? .null
    }

    static func duration(_ row: PostgresRow, _ column: String) throws -> Duration? {
        try row.optionalInt(column).map { .seconds($0) }
    }

    static func client(_ row: PostgresRow) throws -> Client {
        let previous = try row.optionalBytes("previous_secret_digest").flatMap { digest in
            try row.optionalDate("previous_secret_expires_at").map { Client.RetiredSecret(digest: digest, expiresAt: $0) }
        }
        return Client(
            id: try row.string("id"), secretDigest: try row.optionalBytes("secret_digest"), name: try row.string("name"),
            redirectURIs: try row.stringArray("redirect_uris"),
            postLogoutRedirectURIs: try row.stringArray("post_logout_redirect_uris"),
            grantTypes: try row.stringArray("grant_types").compactMap(GrantType.init(rawValue:)),
            allowedScopes: try row.stringArray("allowed_scopes"), createdAt: try row.date("created_at"),
            requireMFA: try row.bool("require_mfa"), organizationID: try row.optionalUUID("organization_id"),
            previousSecret: previous,
            lifetimes: Client.TokenLifetimes(accessToken: try duration(row, "access_token_lifetime"),
                                             refreshTokenIdle: try duration(row, "refresh_token_idle_lifetime"),
                                             refreshTokenAbsolute: try duration(row, "refresh_token_absolute_lifetime")),
            revision: Int64(try row.int("revision")), updatedAt: try row.optionalDate("updated_at"),
            createdBy: try row.optionalUUID("created_by"), updatedBy: try row.optionalUUID("updated_by"))
    }
}
