import Foundation
import GatehouseCore

/// Where the audit trail's HMAC key comes from: `GATEHOUSE_AUDIT_KEY` (32 random bytes in base64,
/// the same on every instance, kept as secret as the signing keys), or, in development mode only
/// and when it is not set, a key generated once and kept in the database (`instance_secrets`)
/// so the chain stays verifiable across restarts.
enum AuditKeySource {
    case configured([UInt8])
    case development

    /// The variable that carries the key.
    static let variable = "GATEHOUSE_AUDIT_KEY"

    static func load(_ environment: [String: String] = ProcessInfo.processInfo.environment,
                     developmentMode: Bool) throws(ConfigurationError) -> AuditKeySource {
        let hint = "32 random bytes in base64, e.g. from `openssl rand -base64 32`; the same on every instance"
        guard let text = EnvironmentReader(environment: environment).optionalString(variable) else {
            if developmentMode { return .development }
            throw ConfigurationError(problems: ["\(variable) is not set: the audit trail's HMAC key (\(hint))"])
        }
        guard let key = Data(base64Encoded: text), key.count >= AuditChain.minimumKeyLength else {
            throw ConfigurationError(problems: ["\(variable) must be at least \(AuditChain.minimumKeyLength) bytes in base64 (\(hint))"])
        }
        return .configured(Array(key))
    }
}
