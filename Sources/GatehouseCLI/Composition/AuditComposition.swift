import ArgumentParser
import Foundation
import GatehouseCore
import GatehousePostgres

extension Backends {
    /// The audit trail with its key: the configured one, or in development mode the one kept in
    /// `instance_secrets` (made by whichever instance asks first, like the CSRF key). With `tail`
    /// (`serve`), each event appended is announced on the live bus.
    func auditLog(_ source: AuditKeySource, tail: AuditTail? = nil) async throws -> PostgresAuditLog {
        switch source {
        case .configured(let key, let previous):
            return PostgresAuditLog(pool: postgres, key: key, previousKeys: previous, crypto: crypto, logger: logger, tail: tail)
        case .development:
            let key = try await instanceSecrets.secret(named: "audit-development", candidate: crypto.randomBytes(32))
            return PostgresAuditLog(pool: postgres, key: key, crypto: crypto, logger: logger, tail: tail)
        }
    }
}

extension Backends {
    /// Records an operator's change made through the CLI as `admin_action` (actor `operator`),
    /// `details["action"]` naming the command: changes to clients and accounts leave a trace
    /// whether they come through the pages or a shell.
    func recordOperatorAction(_ action: String, key: AuditKeySource, subject: UUID? = nil, clientID: String? = nil,
                              details: [String: String] = [:]) async throws {
        try await auditLog(key).record(AuditEvent(
            type: .adminAction, occurredAt: clock.now, actor: "operator", subject: subject, clientID: clientID,
            details: details.merging(["action": action]) { $1 }))
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
