import GatehouseCore
import GatehousePostgres

extension Backends {
    /// The API key service as the operator's commands use it (audited under the audit key).
    func apiKeys(_ auditKey: AuditKeySource) async throws -> APIKeys {
        APIKeys(keys: PostgresAPIKeyStore(pool: postgres), users: users,
                principals: Principals(memberships: memberships, customRoles: customRoles), customRoles: customRoles,
                crypto: crypto, audit: try await auditLog(auditKey), clock: clock,
                maximumLifetimeDays: try APIKeyConfiguration.maximumDays())
    }
}
