import CArgon2
import Testing

/// libargon2 itself, checked against the RFC's test vector, so a mis-built or mismatched
/// library is caught before any hash reaches the database.
@Suite struct Argon2Tests {
    @Test("argon2id test vector: m=32 KiB, t=3, p=4, secret and associated data (RFC 9106 §5.3)")
    func rfc9106Argon2id() {
        var tag = [UInt8](repeating: 0, count: 32)
        var password = [UInt8](repeating: 0x01, count: 32)
        var salt = [UInt8](repeating: 0x02, count: 16)
        var secret = [UInt8](repeating: 0x03, count: 8)
        var associatedData = [UInt8](repeating: 0x04, count: 12)
        let code = tag.withUnsafeMutableBufferPointer { out in
            password.withUnsafeMutableBufferPointer { pwd in
                salt.withUnsafeMutableBufferPointer { saltBuffer in
                    secret.withUnsafeMutableBufferPointer { secretBuffer in
                        associatedData.withUnsafeMutableBufferPointer { ad in
                            var context = argon2_context(
                                out: out.baseAddress, outlen: 32,
                                pwd: pwd.baseAddress, pwdlen: 32,
                                salt: saltBuffer.baseAddress, saltlen: 16,
                                secret: secretBuffer.baseAddress, secretlen: 8,
                                ad: ad.baseAddress, adlen: 12,
                                t_cost: 3, m_cost: 32, lanes: 4, threads: 4,
                                version: UInt32(ARGON2_VERSION_13.rawValue),
                                allocate_cbk: nil, free_cbk: nil, flags: 0 /* ARGON2_DEFAULT_FLAGS */)
                            return argon2_ctx(&context, Argon2_id)
                        }
                    }
                }
            }
        }
        #expect(code == ARGON2_OK.rawValue)
        #expect(tag == hex("0d 64 0d f5 8d 78 76 6c 08 c0 37 a3 4a 8b 53 c9 d0 1e f0 45 2d 75 b6 5e b5 25 20 e9 6b 01 e6 59"))
    }
}
