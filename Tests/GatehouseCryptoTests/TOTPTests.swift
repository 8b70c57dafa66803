import Foundation
import GatehouseCore
import GatehouseCrypto
import Testing

@Suite("TOTP over OpenSSL's HMAC-SHA1 (RFC 6238, RFC 4226)")
struct TOTPTests {
    let crypto = OpenSSLCrypto()
    var totp: TOTP { TOTP(crypto: crypto) }
    /// The SHA-1 seed of RFC 6238 appendix B: the 20 ASCII bytes "12345678901234567890".
    let seed = Array("12345678901234567890".utf8)

    @Test("HMAC-SHA1 test cases 1 and 2 (RFC 2202 §3)")
    func hmacSHA1KnownAnswers() {
        #expect(crypto.hmacSHA1(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8))
                == hex("b617318655057264e28bc0b6fb378c8ef146be00"))
        #expect(crypto.hmacSHA1(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
                == hex("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"))
    }

    @Test("the SHA-1 test vectors of RFC 6238 appendix B (8 digits)",
          arguments: [(59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
                      (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130")])
    func rfc6238Vectors(time: Int, expected: String) {
        #expect(totp.code(secret: seed, at: Date(timeIntervalSince1970: TimeInterval(time)), digits: 8) == expected)
    }

    @Test("HOTP values of RFC 4226 appendix D (6 digits, counters 0 and 9)")
    func rfc4226Vectors() {
        #expect(totp.code(secret: seed, step: 0) == "755224")
        #expect(totp.code(secret: seed, step: 9) == "520489")
    }

    @Test("a code is accepted one step either side of now and refused two steps away (RFC 6238 §5.2)")
    func window() {
        let now = Date(timeIntervalSince1970: 1_700_000_015)
        let step = TOTP.step(at: now)
        for offset in Int64(-1)...1 {
            #expect(totp.matchingStep(secret: seed, code: totp.code(secret: seed, step: step + offset), at: now) == step + offset)
        }
        for offset: Int64 in [-2, 2] {
            #expect(totp.matchingStep(secret: seed, code: totp.code(secret: seed, step: step + offset), at: now) == nil)
        }
        #expect(totp.matchingStep(secret: seed, code: "12345", at: now) == nil, "too short")
        let spaced = totp.code(secret: seed, step: step).enumerated().map { $0.offset == 3 ? " \($0.element)" : "\($0.element)" }.joined()
        #expect(totp.matchingStep(secret: seed, code: spaced, at: now) == step, "spaces inside a typed code are ignored")
    }

    @Test("base32 follows RFC 4648 §10 and reads what people type")
    func base32() {
        let vectors = [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"),
                       ("foobar", "MZXW6YTBOI")]
        for (plain, encoded) in vectors {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base32.decode("mzxw 6ytb-oi======") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW1") == nil, "1 is not in the alphabet")
        #expect(Base32.grouped("ABCDEFGHIJ") == "ABCD EFGH IJ")
    }

    @Test("the otpauth:// URI carries the base32 secret and RFC 6238's parameters, with names percent-encoded")
    func keyURI() {
        let uri = OTPAuthURI.totp(secret: Array("12345678901234567890".utf8), issuer: "Acme & Co", account: "ada@example.com")
        #expect(uri == "otpauth://totp/Acme%20%26%20Co:ada%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                + "&issuer=Acme%20%26%20Co&algorithm=SHA1&digits=6&period=30")
    }

    @Test("sealed secrets open only with the same key and owner (AES-256-GCM associated data)")
    func sealer() throws {
        let key = crypto.randomBytes(32)
        let sealer = try AESGCMSecretSealer(key: key)
        let sealed = try sealer.seal(seed, associatedData: Array("user-a".utf8))
        #expect(sealed != seed && sealed.count == 12 + seed.count + 16)
        #expect(try sealer.open(sealed, associatedData: Array("user-a".utf8)) == seed)
        #expect(throws: CryptoError.self) { try sealer.open(sealed, associatedData: Array("user-b".utf8)) }
        #expect(throws: CryptoError.self) { try AESGCMSecretSealer(key: crypto.randomBytes(32)).open(sealed, associatedData: Array("user-a".utf8)) }
        #expect(throws: CryptoError.self) { try AESGCMSecretSealer(key: crypto.randomBytes(16)) }
    }
}
