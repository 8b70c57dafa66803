import GatehouseCore

/// `SecretSealer` without AES: a keystream of SHA-256 blocks XORed over the secret and an
/// HMAC-SHA256 tag over the associated data, nonce and ciphertext, laid out like the real
/// sealer's `nonce || ciphertext || tag`. Opening with other associated data, another key or a
/// changed byte throws, as AES-GCM does.
public struct TestSecretSealer: SecretSealer {
    public struct OpenFailed: Error, Equatable {
        public init() {}
    }

    let key: [UInt8]
    let crypto = TestCrypto()

    public init(key: [UInt8] = Array("gatehouse-test-sealing-key".utf8)) {
        self.key = key
    }

    public func seal(_ plaintext: [UInt8], associatedData: [UInt8]) throws -> [UInt8] {
        let nonce = crypto.randomBytes(12)
        let ciphertext = xor(plaintext, nonce: nonce)
        return nonce + ciphertext + tag(nonce: nonce, ciphertext: ciphertext, associatedData: associatedData)
    }

    public func open(_ sealed: [UInt8], associatedData: [UInt8]) throws -> [UInt8] {
        guard sealed.count >= 12 + 16 else { throw OpenFailed() }
        let nonce = Array(sealed.prefix(12)), ciphertext = Array(sealed.dropFirst(12).dropLast(16))
        guard tag(nonce: nonce, ciphertext: ciphertext, associatedData: associatedData) == Array(sealed.suffix(16)) else {
            throw OpenFailed()
        }
        return xor(ciphertext, nonce: nonce)
    }

    func xor(_ bytes: [UInt8], nonce: [UInt8]) -> [UInt8] {
        var stream: [UInt8] = []
        var counter: UInt8 = 0
        while stream.count < bytes.count {
            stream += crypto.sha256(key + nonce + [counter])
            counter &+= 1
        }
        return zip(bytes, stream).map { $0 ^ $1 }
    }

    func tag(nonce: [UInt8], ciphertext: [UInt8], associatedData: [UInt8]) -> [UInt8] {
        let length = UInt64(associatedData.count)
        let lengthBytes = (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) }
        return Array(crypto.hmacSHA256(key: key, message: lengthBytes + associatedData + nonce + ciphertext).prefix(16))
    }
}
