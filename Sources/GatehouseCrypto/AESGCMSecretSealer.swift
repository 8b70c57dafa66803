public import GatehouseCore

/// Seals secrets at rest (TOTP seeds) with AES-256-GCM under the deployment's encryption key
/// (`GATEHOUSE_ENCRYPTION_KEY`): a database dump alone does not reveal them, and a sealed
/// value moved to another row (other associated data) fails to open.
public struct AESGCMSecretSealer: SecretSealer {
    let key: [UInt8]

    /// Throws unless `key` is exactly 32 bytes.
    public init(key: [UInt8]) throws {
        guard key.count == AESGCM.keyLength else {
            throw CryptoError(operation: "encryption key", reason: "it must be \(AESGCM.keyLength) bytes, not \(key.count)")
        }
        self.key = key
    }

    public func seal(_ plaintext: [UInt8], associatedData: [UInt8]) throws -> [UInt8] {
        try AESGCM.seal(key: key, plaintext: plaintext, associatedData: associatedData)
    }

    public func open(_ sealed: [UInt8], associatedData: [UInt8]) throws -> [UInt8] {
        try AESGCM.open(key: key, sealed: sealed, associatedData: associatedData)
    }
}
