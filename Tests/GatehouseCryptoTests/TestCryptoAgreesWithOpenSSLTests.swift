import GatehouseCore
import GatehouseCrypto
import GatehouseTesting
import Testing

/// Core's tests digest with `TestCrypto` (plain Swift, no OpenSSL): on many messages of every
/// length around the block boundaries it must answer exactly as OpenSSL does.
@Suite("TestCrypto agrees with OpenSSL")
struct TestCryptoAgreesWithOpenSSLTests {
    @Test("SHA-256, HMAC-SHA256 and HMAC-SHA1 on messages and keys of 0–300 bytes")
    func agree() {
        let reference = OpenSSLCrypto(), candidate = TestCrypto()
        var generator = SeededGenerator(seed: 0x5EED)
        for length in 0...300 {
            let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let key = (0..<Int.random(in: 0...150, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(candidate.sha256(message) == reference.sha256(message), "SHA-256 of \(length) bytes")
            #expect(candidate.hmacSHA256(key: key, message: message) == reference.hmacSHA256(key: key, message: message),
                    "HMAC-SHA256 of \(length) bytes, key of \(key.count)")
            #expect(candidate.hmacSHA1(key: key, message: message) == reference.hmacSHA1(key: key, message: message),
                    "HMAC-SHA1 of \(length) bytes, key of \(key.count)")
        }
    }
}
