import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

/// The stand-ins for the ports that are not stores (digests, signing, sealing, hashing): Core's
/// tests rely on them, so they are checked against the standards' own vectors here and against
/// OpenSSL in GatehouseCryptoTests (`TestCryptoAgreesWithOpenSSLTests`).
@Suite("Test doubles of the crypto ports")
struct TestDoublesTests {
    let crypto = TestCrypto()

    func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test("SHA-256 answers FIPS 180-4's examples, across one and two blocks", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256(message: String, digest: String) {
        #expect(hex(crypto.sha256(message)) == digest)
    }

    @Test("HMAC-SHA256 answers RFC 4231 (short key, and a key longer than a block)")
    func hmacSHA256() {
        #expect(hex(crypto.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(hex(crypto.hmacSHA256(key: [UInt8](repeating: 0xaa, count: 131),
                                      message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test("HMAC-SHA1 answers RFC 2202, and so TOTP's RFC 6238 vector")
    func hmacSHA1() {
        #expect(hex(crypto.hmacSHA1(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
        #expect(TOTP(crypto: crypto).code(secret: Array("12345678901234567890".utf8), step: 59 / 30, digits: 8) == "94287082")
    }

    @Test("a seeded crypto draws the same bytes every run; an unseeded one does not repeat")
    func randomness() {
        #expect(TestCrypto(seed: 7).randomBytes(16) == TestCrypto(seed: 7).randomBytes(16))
        #expect(TestCrypto(seed: 7).randomBytes(16) != TestCrypto(seed: 8).randomBytes(16))
        #expect(crypto.randomBytes(16) != crypto.randomBytes(16))
    }

    @Test("the test signer's tokens verify; a changed byte, another key or another algorithm is refused")
    func signer() throws {
        let signer = TestTokenSigner()
        let token = try signer.sign(payload: Array(#"{"sub":"ada"}"#.utf8), type: TokenType.idToken)
        let verified = try signer.verify(token)
        #expect(verified.type == "JWT")
        #expect(verified.payload == Array(#"{"sub":"ada"}"#.utf8))
        #expect(throws: TokenVerificationError.badSignature) { try signer.verify(token.dropLast() + (token.last == "A" ? "B" : "A")) }
        #expect(throws: TokenVerificationError.unknownKey) { try TestTokenSigner(keyID: "other").verify(token) }
        let none = Base64URL.encode(#"{"alg":"none","kid":"test-key"}"#) + "." + token.split(separator: ".")[1] + "."
        #expect(throws: TokenVerificationError.unsupportedAlgorithm("none")) { try signer.verify(none) }
        #expect(throws: TokenVerificationError.malformed) { try signer.verify("not-a-token") }
    }

    @Test("the test sealer opens what it sealed, only with the same associated data and untouched")
    func sealer() throws {
        let sealer = TestSecretSealer()
        let sealed = try sealer.seal(Array("JBSWY3DPEHPK3PXP".utf8), associatedData: Array("user:1:totp".utf8))
        #expect(try sealer.open(sealed, associatedData: Array("user:1:totp".utf8)) == Array("JBSWY3DPEHPK3PXP".utf8))
        #expect(throws: TestSecretSealer.OpenFailed()) { try sealer.open(sealed, associatedData: Array("user:2:totp".utf8)) }
        var changed = sealed
        changed[13] ^= 1
        #expect(throws: TestSecretSealer.OpenFailed()) { try sealer.open(changed, associatedData: Array("user:1:totp".utf8)) }
        #expect(throws: TestSecretSealer.OpenFailed()) {
            try TestSecretSealer(key: [1, 2, 3]).open(sealed, associatedData: Array("user:1:totp".utf8))
        }
    }

    @Test("the test hasher verifies the password it hashed and nothing else; salts differ")
    func hasher() async throws {
        let hasher = TestPasswordHasher()
        let hash = try await hasher.hash("correct horse")
        #expect(try await hasher.verify("correct horse", against: hash))
        #expect(try await hasher.verify("correct horsE", against: hash) == false)
        #expect(try await hasher.verify("correct horse", against: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA") == false)
        #expect(try await hasher.hash("correct horse") != hash)
        #expect(hasher.needsRehash(hash) == false)
        #expect(hasher.needsRehash("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"))
    }
}
