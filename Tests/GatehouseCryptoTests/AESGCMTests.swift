@testable import GatehouseCrypto
import GatehouseCore
import Testing

@Suite struct AESGCMTests {
    let key = OpenSSLCrypto().randomBytes(32)
    let secret = Array("JBSWY3DPEHPK3PXP".utf8)
    let userID = Array("user:42".utf8)

    @Test("seal then open returns the plaintext; the box is nonce || ciphertext || tag")
    func roundTrip() throws {
        let sealed = try AESGCM.seal(key: key, plaintext: secret, associatedData: userID)
        #expect(sealed.count == 12 + secret.count + 16)
        #expect(try AESGCM.open(key: key, sealed: sealed, associatedData: userID) == secret)
        #expect(try AESGCM.seal(key: key, plaintext: secret, associatedData: userID) != sealed, "fresh nonce each time")
        let empty = try AESGCM.seal(key: key, plaintext: [])
        #expect(try AESGCM.open(key: key, sealed: empty).isEmpty)
    }

    @Test("any changed byte, another key or other associated data fails to open (SP 800-38D §7.2)")
    func tamperDetection() throws {
        let sealed = try AESGCM.seal(key: key, plaintext: secret, associatedData: userID)
        for index in sealed.indices {
            var tampered = sealed
            tampered[index] ^= 0x01
            #expect(throws: CryptoError.self) { try AESGCM.open(key: key, sealed: tampered, associatedData: userID) }
        }
        #expect(throws: CryptoError.self) { try AESGCM.open(key: OpenSSLCrypto().randomBytes(32), sealed: sealed, associatedData: userID) }
        #expect(throws: CryptoError.self) { try AESGCM.open(key: key, sealed: sealed, associatedData: Array("user:43".utf8)) }
        #expect(throws: CryptoError.self) { try AESGCM.open(key: key, sealed: Array(sealed.dropLast()), associatedData: userID) }
        #expect(throws: CryptoError.self) { try AESGCM.open(key: key, sealed: Array(sealed.prefix(20)), associatedData: userID) }
    }

    @Test("keys other than 32 bytes are refused")
    func keyLength() {
        #expect(throws: CryptoError.self) { try AESGCM.seal(key: Array(key.prefix(16)), plaintext: secret) }
    }

    @Test("the GCM test case 16 known answer (McGrew–Viega AES-256, 96-bit IV, with AAD)")
    func knownAnswer() throws {
        let key = hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
        let nonce = hex("cafebabefacedbaddecaf888")
        let plaintext = hex("""
            d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525\
            b16aedf5aa0de657ba637b39
            """)
        let aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
        let ciphertext = hex("""
            522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838\
            c5f61e6393ba7a0abcc9f662
            """)
        let tag = hex("76fc6ece0f4e1768cddf8853bb2d551b")
        #expect(try AESGCM.open(key: key, sealed: nonce + ciphertext + tag, associatedData: aad) == plaintext)
    }
}
