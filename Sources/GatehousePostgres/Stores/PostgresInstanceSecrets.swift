import Foundation

/// Random secrets shared by every instance of a deployment (for example the CSRF key), made by
/// whichever instance asks first. Keeps "several instances" free of extra configuration.
public struct PostgresInstanceSecrets: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    /// The secret named `name`, creating it from `candidate` if none exists yet.
    public func secret(named name: String, candidate: [UInt8]) async throws -> [UInt8] {
        _ = try await pool.query("INSERT INTO instance_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                                 [.text(name), .bytes(candidate)])
        let row = try await pool.query("SELECT value FROM instance_secrets WHERE name = $1", [.text(name)]).rows.first
        guard let row else { throw PostgresError(sqlState: nil, message: "instance secret \(name) vanished") }
        return try row.bytes("value")
    }
}
