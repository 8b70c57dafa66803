public import Foundation

extension PostgresUserStore {
    /// Deletes a user and, through `ON DELETE CASCADE`, its sessions, consents, refresh tokens,
    /// password history, MFA credentials and recovery codes. Audit events keep the user's id.
    /// For the operator's CLI only (`gatehouse demo remove`); true when a row went.
    public func delete(id: UUID) async throws -> Bool {
        try await pool.query("DELETE FROM users WHERE id = $1", [.uuid(id)]).affectedRows == 1
    }
}
