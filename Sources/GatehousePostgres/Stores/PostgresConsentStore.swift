import Foundation
public import GatehouseCore

/// Remembered consent decisions in PostgreSQL (`consents`).
public struct PostgresConsentStore: ConsentStore {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func grantedScopes(userID: UUID, clientID: String) async throws -> Set<String> {
        let rows = try await pool.query("SELECT scopes FROM consents WHERE user_id = $1 AND client_id = $2",
                                        [.uuid(userID), .text(clientID)]).rows
        return Set(try rows.first?.stringArray("scopes") ?? [])
    }

    public func grant(userID: UUID, clientID: String, scopes: Set<String>, at date: Date) async throws {
        _ = try await pool.query(
            """
            INSERT INTO consents (user_id, client_id, scopes, granted_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (user_id, client_id) DO UPDATE
              SET scopes = ARRAY(SELECT DISTINCT unnest(consents.scopes || EXCLUDED.scopes) ORDER BY 1),
                  granted_at = EXCLUDED.granted_at
            """, [.uuid(userID), .text(clientID), .textArray(scopes.sorted()), .timestamp(date)])
    }

    public func list(userID: UUID) async throws -> [ConsentRecord] {
        try await pool.query(
            """
            SELECT consents.client_id, clients.name, consents.scopes, consents.granted_at
            FROM consents JOIN clients ON clients.id = consents.client_id
            WHERE consents.user_id = $1 ORDER BY consents.granted_at DESC
            """, [.uuid(userID)]).rows.map { row in
            ConsentRecord(clientID: try row.string("client_id"), clientName: try row.string("name"),
                          scopes: try row.stringArray("scopes"), grantedAt: try row.date("granted_at"))
        }
    }

    public func revoke(userID: UUID, clientID: String) async throws -> Bool {
        try await pool.query("DELETE FROM consents WHERE user_id = $1 AND client_id = $2",
                             [.uuid(userID), .text(clientID)]).affectedRows == 1
    }
}
