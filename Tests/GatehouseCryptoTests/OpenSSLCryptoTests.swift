import GatehouseCore
import GatehouseCrypto
import Testing

@Suite struct OpenSSLCryptoTests {
    let crypto = OpenSSLCrypto()

    @Test("SHA-256 of \"abc\" matches FIPS 180-4 example B.1")
    func sha256KnownAnswer() {
        #expect(crypto.sha256("abc") == hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
        #expect(crypto.sha256([]) == hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))
    }

    @Test("S256 code challenge of the appendix verifier (RFC 7636 appendix B)")
    func pkceS256() {
        let challenge = Base64URL.encode(crypto.sha256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
        #expect(challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }

    @Test("HMAC-SHA256 test cases 1 and 2 (RFC 4231 §4.2, §4.3)")
    func hmacKnownAnswers() {
        let case1 = crypto.hmacSHA256(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8))
        #expect(case1 == hex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"))
        let case2 = crypto.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(case2 == hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"))
    }

    @Test("HMAC-SHA256 accepts an empty key and an empty message")
    func hmacEmptyInputs() {
        #expect(crypto.hmacSHA256(key: [], message: []) ==
                hex("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"))
    }

    @Test("random bytes have the requested length and do not repeat")
    func randomBytes() {
        #expect(crypto.randomBytes(0).isEmpty)
        #expect(crypto.randomBytes(32).count == 32)
        #expect(crypto.randomBytes(32) != crypto.randomBytes(32))
        #expect(crypto.randomToken().count == 43)
    }
}
