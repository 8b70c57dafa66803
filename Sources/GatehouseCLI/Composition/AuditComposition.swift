import ArgumentParser
import Foundation
import GatehousePostgres

extension Backends {
    /// The audit trail with its key: the configured one, or in development mode the one kept in
    /// `instance_secrets` (made by whichever instance asks first, like the CSRF key).
    func auditLog(_ source: AuditKeySource) async throws -> PostgresAuditLog {
        let key: [UInt8]
        switch source {
        case .configured(let configured):
            key = configured
        case .development:
            key = try await instanceSecrets.secret(named: "audit-development", candidate: crypto.randomBytes(32))
        }
        return PostgresAuditLog(pool: postgres, key: key, crypto: crypto, logger: logger)
    }
}

/// Loads the audit key source for a command, turning problems into a clean exit message.
func loadAuditKeySource(_ config: GatehouseConfiguration) throws -> AuditKeySource {
    do {
        return try AuditKeySource.load(developmentMode: config.developmentMode)
    } catch {
        throw ValidationError(error.description)
    }
}
