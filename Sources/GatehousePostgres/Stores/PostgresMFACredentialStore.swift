import Foundation
public import GatehouseCore

/// Second-factor credentials in PostgreSQL (`mfa_credentials`). TOTP secrets arrive already
/// sealed; confirming and using a time step are single conditional UPDATEs, so two requests
/// racing with one code cannot both succeed.
public struct PostgresMFACredentialStore: MFACredentialStore {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let columns = "id, user_id, kind, sealed_secret, last_used_step, created_at, confirmed_at"

    public func saveUnconfirmed(_ credential: MFACredential) async throws {
        _ = try await pool.transaction { connection in
            _ = try connection.query("DELETE FROM mfa_credentials WHERE user_id = $1 AND kind = $2 AND confirmed_at IS NULL",
                                     [.uuid(credential.userID), .text(credential.kind.rawValue)])
            _ = try connection.query(
                "INSERT INTO mfa_credentials (\(Self.columns)) VALUES ($1, $2, $3, $4, $5, $6, NULL)",
                [.uuid(credential.id), .uuid(credential.userID), .text(credential.kind.rawValue),
                 credential.sealedSecret.map { .bytes($0) } ?? .null, credential.lastUsedStep.map { .int(Int($0)) } ?? .null,
                 .timestamp(credential.createdAt)])
        }
    }

    public func credentials(userID: UUID) async throws -> [MFACredential] {
        try await pool.query("SELECT \(Self.columns) FROM mfa_credentials WHERE user_id = $1 ORDER BY created_at",
                             [.uuid(userID)]).rows.map(Self.credential)
    }

    public func confirm(id: UUID, usedStep: Int64?, at date: Date) async throws -> Bool {
        try await pool.transaction { connection in
            // Lock the row first: of two confirmations racing, the second finds it confirmed.
            guard let row = try connection.query(
                "SELECT user_id, kind FROM mfa_credentials WHERE id = $1 AND confirmed_at IS NULL FOR UPDATE", [.uuid(id)]).rows.first
            else { return false }
            _ = try connection.query("DELETE FROM mfa_credentials WHERE user_id = $1 AND kind = $2 AND confirmed_at IS NOT NULL",
                                     [.uuid(try row.uuid("user_id")), .text(try row.string("kind"))])
            // A factor is now confirmed: no other secret started earlier may be confirmed later.
            _ = try connection.query("DELETE FROM mfa_credentials WHERE user_id = $1 AND id <> $2 AND confirmed_at IS NULL",
                                     [.uuid(try row.uuid("user_id")), .uuid(id)])
            return try connection.query("UPDATE mfa_credentials SET confirmed_at = $2, last_used_step = $3 WHERE id = $1",
                                        [.uuid(id), .timestamp(date), usedStep.map { .int(Int($0)) } ?? .null]).affectedRows == 1
        }
    }

    public func markStepUsed(id: UUID, step: Int64) async throws -> Bool {
        try await pool.query(
            """
            UPDATE mfa_credentials SET last_used_step = $2
            WHERE id = $1 AND confirmed_at IS NOT NULL AND (last_used_step IS NULL OR last_used_step < $2)
            """, [.uuid(id), .int(Int(step))]).affectedRows == 1
    }

    public func enableWithoutSecret(userID: UUID, kind: MFACredential.Kind, at date: Date) async throws -> Bool {
        try await pool.transaction { connection in
            // A factor is now on: no secret started earlier may be confirmed later.
            _ = try connection.query("DELETE FROM mfa_credentials WHERE user_id = $1 AND confirmed_at IS NULL", [.uuid(userID)])
            return try connection.query(
                """
                INSERT INTO mfa_credentials (\(Self.columns)) VALUES ($1, $2, $3, NULL, NULL, $4, $4)
                ON CONFLICT (user_id, kind) WHERE confirmed_at IS NOT NULL DO NOTHING
                """, [.uuid(UUID()), .uuid(userID), .text(kind.rawValue), .timestamp(date)]).affectedRows == 1
        }
    }

    public func remove(userID: UUID, kind: MFACredential.Kind) async throws -> Bool {
        try await pool.query("DELETE FROM mfa_credentials WHERE user_id = $1 AND kind = $2",
                             [.uuid(userID), .text(kind.rawValue)]).affectedRows > 0
    }

    public func removeAll(userID: UUID) async throws {
        _ = try await pool.query("DELETE FROM mfa_credentials WHERE user_id = $1", [.uuid(userID)])
    }

    static func credential(_ row: PostgresRow) throws -> MFACredential {
        let kind = try row.string("kind")
        guard let parsed = MFACredential.Kind(rawValue: kind) else {
            throw PostgresError(message: "mfa_credentials.kind holds an unknown value \(kind)")
        }
        return MFACredential(id: try row.uuid("id"), userID: try row.uuid("user_id"), kind: parsed,
                             sealedSecret: try row.optionalBytes("sealed_secret"),
                             lastUsedStep: try row.optionalInt("last_used_step").map(Int64.init),
                             createdAt: try row.date("created_at"), confirmedAt: try row.optionalDate("confirmed_at"))
    }
}
