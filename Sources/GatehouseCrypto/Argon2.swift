internal import CArgon2

/// The two libargon2 calls Gatehouse makes, with explicit lengths so passwords are treated
/// as bytes (a NUL inside a password is just a byte). Both block for tens of milliseconds:
/// call them only from `Argon2PasswordHasher`'s own thread pool.
enum Argon2 {
    /// Salt and tag sizes (RFC 9106 §3.1 recommends a 16-byte salt; 32-byte tag).
    static let saltLength = 16
    static let hashLength = 32

    /// An argon2id PHC string for `password` with `salt` and `parameters`.
    static func hashEncoded(password: [UInt8], salt: [UInt8], parameters: Argon2Parameters) throws -> String {
        let t = UInt32(parameters.iterations), m = UInt32(parameters.memoryKiB), p = UInt32(parameters.parallelism)
        let capacity = argon2_encodedlen(t, m, p, UInt32(salt.count), UInt32(hashLength), Argon2_id) + 1
        var encoded = [CChar](repeating: 0, count: capacity)
        let code = password.withUnsafeBytes { passwordBytes in
            salt.withUnsafeBytes { saltBytes in
                encoded.withUnsafeMutableBufferPointer { output in
                    argon2id_hash_encoded(t, m, p, passwordBytes.baseAddress, passwordBytes.count,
                                          saltBytes.baseAddress, saltBytes.count, hashLength,
                                          output.baseAddress, output.count)
                }
            }
        }
        guard code == ARGON2_OK.rawValue else {
            throw CryptoError(operation: "argon2id hash", reason: String(cString: argon2_error_message(code)))
        }
        return encoded.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { String(cString: $0) } ?? ""
        }
    }

    /// Whether `password` matches the argon2id hash `encoded`. libargon2 compares in constant
    /// time; a malformed hash or any library error is a mismatch.
    static func verify(password: [UInt8], encoded: String) -> Bool {
        let code = encoded.withCString { encodedPointer in
            password.withUnsafeBytes { passwordBytes in
                argon2id_verify(encodedPointer, passwordBytes.baseAddress, passwordBytes.count)
            }
        }
        return code == ARGON2_OK.rawValue
    }
}
