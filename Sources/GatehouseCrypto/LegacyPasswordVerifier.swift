internal import CArgon2
internal import CCrypt
import GatehouseCore

/// Verifies password hashes imported from other providers — bcrypt through libxcrypt's
/// `crypt_rn`, argon2i through libargon2 — as they are, so their users sign in with the
/// passwords they had (and are rehashed to argon2id by `PasswordLogin`). Blocking: call only
/// from `Argon2PasswordHasher`'s pool, whose admission bounds this work like its own.
enum LegacyPasswordVerifier {
    /// Whether `password` matches `hash`. The caller has parsed the hash with
    /// `ImportedPasswordHash.parse`, which refuses costs above the import caps.
    static func verify(password: [UInt8], against hash: ImportedPasswordHash) -> Bool {
        switch hash.algorithm {
        case .bcrypt: bcrypt(password: password, encoded: hash.encoded)
        case .argon2(.argon2i, _, _, _): argon2i(password: password, encoded: hash.encoded)
        case .argon2(.argon2id, _, _, _): Argon2.verify(password: password, encoded: hash.encoded)
        }
    }

    /// bcrypt of `password` with the hash's own salt and cost, compared in constant time with the
    /// hash. A password with a NUL byte cannot be a C string, so no bcrypt hash was made of it.
    static func bcrypt(password: [UInt8], encoded: String) -> Bool {
        guard !password.contains(0) else { return false }
        let size = MemoryLayout<crypt_data>.size
        let data = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: MemoryLayout<crypt_data>.alignment)
        // crypt_rn wants the whole structure zeroed before its first use.
        data.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        defer {
            data.initializeMemory(as: UInt8.self, repeating: 0, count: size)
            data.deallocate()
        }
        let phrase = password.map { CChar(bitPattern: $0) } + [0]
        let computed: [UInt8]? = phrase.withUnsafeBufferPointer { phrasePointer in
            encoded.withCString { setting in
                guard let output = crypt_rn(phrasePointer.baseAddress, setting, data, Int32(size)) else { return nil }
                return Array(String(cString: output).utf8)
            }
        }
        guard let computed else { return false }
        return ConstantTime.equals(computed, Array(encoded.utf8))
    }

    /// libargon2 compares in constant time; any error is a mismatch.
    static func argon2i(password: [UInt8], encoded: String) -> Bool {
        let code = encoded.withCString { encodedPointer in
            password.withUnsafeBytes { bytes in argon2i_verify(encodedPointer, bytes.baseAddress, bytes.count) }
        }
        return code == ARGON2_OK.rawValue
    }
}
