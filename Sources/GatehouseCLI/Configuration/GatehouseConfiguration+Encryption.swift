import Foundation

/// `GATEHOUSE_ENCRYPTION_KEY`: 32 random bytes in base64, the AES-256-GCM key that seals secrets
/// at rest (TOTP seeds). Every instance of a deployment must share it, and losing it makes the
/// sealed secrets unreadable (users then re-enrol: `gatehouse user mfa reset`).
extension GatehouseConfiguration {
    static let encryptionKeyLength = 32

    /// In development mode without a key: a fixed one, so `GATEHOUSE_DEV_MODE=1 gatehouse serve`
    /// works on its own (`./dev` exports a random key it keeps in `.data/`). Development mode is
    /// refused for anything but a loopback http issuer, so this never protects real secrets.
    static let developmentEncryptionKey = Array("gatehouse development mode key!!".utf8)

    /// The key to seal with: the configured one, or the development key in development mode.
    /// Nil only when it is missing or malformed, which `ConfigurationChecks` reported already.
    func encryptionKey() -> [UInt8]? {
        guard let text = encryptionKeyText else { return developmentMode ? Self.developmentEncryptionKey : nil }
        return Self.decodeEncryptionKey(text)
    }

    static func decodeEncryptionKey(_ text: String) -> [UInt8]? {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespaces)),
              data.count == encryptionKeyLength else { return nil }
        return Array(data)
    }
}

extension ConfigurationChecks {
    /// A given key must be valid wherever it is used; a missing one is a problem only for
    /// commands that seal or open secrets, and never in development mode.
    static func encryptionKeyProblems(_ config: GatehouseConfiguration,
                                      requiring requirements: Set<GatehouseConfiguration.Requirement>) -> [String] {
        let hint = "32 random bytes in base64, e.g. from `openssl rand -base64 32`; every instance needs the same key"
        guard let text = config.encryptionKeyText else {
            guard requirements.contains(.encryption) && !config.developmentMode else { return [] }
            return ["GATEHOUSE_ENCRYPTION_KEY is not set (\(hint))"]
        }
        guard GatehouseConfiguration.decodeEncryptionKey(text) == nil else { return [] }
        let length = Data(base64Encoded: text.trimmingCharacters(in: .whitespaces))?.count
        let found = length.map { "it decodes to \($0) bytes" } ?? "it is not base64"
        return ["GATEHOUSE_ENCRYPTION_KEY must be base64 of exactly 32 bytes, but \(found) (\(hint))"]
    }
}
