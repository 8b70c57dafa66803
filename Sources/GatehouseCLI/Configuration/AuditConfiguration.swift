import Foundation
import GatehouseCore

/// Where the audit trail's HMAC key comes from: `GATEHOUSE_AUDIT_KEY` (32 random bytes in base64,
/// the same on every instance, kept as secret as the signing keys), or, in development mode only
/// and when it is not set, a key generated once and kept in the database (`instance_secrets`)
/// so the chain stays verifiable across restarts.
///
/// Rotating the key: move the old value into `GATEHOUSE_AUDIT_PREVIOUS_KEYS` (comma-separated,
/// oldest first) and set a new `GATEHOUSE_AUDIT_KEY`. New events are MACed with the new key; the
/// old ones still verify; the chain can never go back to an old key (`AuditChain`).
enum AuditKeySource {
    case configured(key: [UInt8], previous: [[UInt8]])
    case development

    /// The variable that carries the key.
    static let variable = Setting.auditKey
    /// Retired keys, for verifying the events written before a rotation.
    static let previousVariable = Setting.auditPreviousKeys

    static func load(_ environment: [String: String] = ProcessInfo.processInfo.environment,
                     developmentMode: Bool) throws(ConfigurationError) -> AuditKeySource {
        let hint = "32 random bytes in base64, e.g. from `openssl rand -base64 32`; the same on every instance"
        let reader = EnvironmentReader(environment: environment)
        guard let text = reader.optionalString(variable) else {
            if developmentMode { return .development }
            throw ConfigurationError(problems: ["\(variable) is not set: the audit trail's HMAC key (\(hint))"])
        }
        guard let key = decode(text) else {
            throw ConfigurationError(problems: ["\(variable) must be at least \(AuditChain.minimumKeyLength) bytes in base64 (\(hint))"])
        }
        var previous: [[UInt8]] = []
        for (index, item) in (reader.optionalString(previousVariable) ?? "").split(separator: ",").enumerated() {
            guard let old = decode(item.trimmingCharacters(in: .whitespaces)) else {
                throw ConfigurationError(problems: [
                    "\(previousVariable): key \(index + 1) must be at least \(AuditChain.minimumKeyLength) bytes in base64 (the retired values of \(variable), oldest first, comma-separated)"])
            }
            previous.append(old)
        }
        return .configured(key: key, previous: previous)
    }

    private static func decode(_ text: String) -> [UInt8]? {
        guard let key = Data(base64Encoded: text), key.count >= AuditChain.minimumKeyLength else { return nil }
        return Array(key)
    }
}
