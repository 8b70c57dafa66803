import Foundation
public import GatehouseCore

/// Registered clients in PostgreSQL (`clients`); secrets only as SHA-256 digests.
public struct PostgresClientStore: ClientStore {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let columns = "id, secret_digest, name, redirect_uris, post_logout_redirect_uris, grant_types, allowed_scopes, created_at, require_mfa"

    public func create(_ client: Client) async throws {
        do {
            _ = try await pool.query(
                "INSERT INTO clients (\(Self.columns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", Self.values(client))
        } catch let error as PostgresError where error.isUniqueViolation {
            throw StoreError.conflict("a client with this id exists")
        }
    }

    public func find(id: String) async throws -> Client? {
        try await pool.query("SELECT \(Self.columns) FROM clients WHERE id = $1", [.text(id)]).rows.first.map(Self.client)
    }

    public func list() async throws -> [Client] {
        try await pool.query("SELECT \(Self.columns) FROM clients ORDER BY created_at, id").rows.map(Self.client)
    }

    public func update(_ client: Client) async throws -> Bool {
        let result = try await pool.query(
            """
            UPDATE clients SET secret_digest = $2, name = $3, redirect_uris = $4, post_logout_redirect_uris = $5,
                grant_types = $6, allowed_scopes = $7, created_at = $8, require_mfa = $9 WHERE id = $1
            """, Self.values(client))
        return result.affectedRows == 1
    }

    public func delete(id: String) async throws -> Bool {
        try await pool.query("DELETE FROM clients WHERE id = $1", [.text(id)]).affectedRows == 1
    }

    static func values(_ client: Client) -> [PostgresValue] {
        [.text(client.id), .optionalBytes(client.secretDigest), .text(client.name), .textArray(client.redirectURIs),
         .textArray(client.postLogoutRedirectURIs), .textArray(client.grantTypes.map(\.rawValue)),
         .textArray(client.allowedScopes), .timestamp(client.createdAt), .bool(client.requireMFA)]
    }

    static func client(_ row: PostgresRow) throws -> Client {
        Client(id: try row.string("id"), secretDigest: try row.optionalBytes("secret_digest"), name: try row.string("name"),
               redirectURIs: try row.stringArray("redirect_uris"),
               postLogoutRedirectURIs: try row.stringArray("post_logout_redirect_uris"),
               grantTypes: try row.stringArray("grant_types").compactMap(GrantType.init(rawValue:)),
               allowedScopes: try row.stringArray("allowed_scopes"), createdAt: try row.date("created_at"),
               requireMFA: try row.bool("require_mfa"))
    }
}
