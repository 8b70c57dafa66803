public import GatehouseCore
internal import COpenSSL

/// The digests, MACs and randomness core logic needs (PKCE S256, `at_hash`, token digests),
/// computed by the system's OpenSSL 3 so the whole process shares one audited crypto stack.
public struct OpenSSLCrypto: CryptoPrimitives {
    public init() {}

    /// SHA-256 (FIPS 180-4) through EVP's one-shot digest.
    public func sha256(_ bytes: [UInt8]) -> [UInt8] {
        Self.sha256Digest(bytes)
    }

    /// SHA-256 fetched from the default provider once: passing `EVP_sha256()` makes OpenSSL 3
    /// fetch the implementation again on every digest (client secrets, `at_hash`, each signature).
    nonisolated(unsafe) static let sha256MD: OpaquePointer = {
        guard let digest = EVP_MD_fetch(nil, "SHA256", nil) else { fatalError("\(CryptoError.openSSL("fetching SHA-256"))") }
        return digest
    }()

    static func sha256Digest(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { input in
            EVP_Digest(input.baseAddress, input.count, &digest, &length, sha256MD, nil)
        }
        // SHA-256 over memory cannot fail short of a broken library; refuse to continue with a wrong digest.
        guard ok == 1, length == 32 else { fatalError("\(CryptoError.openSSL("SHA-256"))") }
        return digest
    }

    /// HMAC-SHA256 (RFC 2104) through OpenSSL's one-shot `HMAC()`.
    public func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        Self.hmac(EVP_sha256(), length: 32, name: "HMAC-SHA256", key: key, message: message)
    }

    /// HMAC-SHA1 (RFC 2104), for TOTP codes (RFC 6238) only.
    public func hmacSHA1(key: [UInt8], message: [UInt8]) -> [UInt8] {
        Self.hmac(EVP_sha1(), length: 20, name: "HMAC-SHA1", key: key, message: message)
    }

    private static func hmac(_ digest: OpaquePointer?, length expected: Int, name: String, key: [UInt8], message: [UInt8]) -> [UInt8] {
        var mac = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // Pass a valid pointer even for an empty key (length 0): HMAC's init treats a NULL key specially.
        let keyBytes = key.isEmpty ? [0] : key
        let result = keyBytes.withUnsafeBytes { keyPointer in
            message.withUnsafeBytes { messagePointer in
                HMAC(digest, keyPointer.baseAddress, Int32(key.count),
                     messagePointer.baseAddress?.assumingMemoryBound(to: UInt8.self), messagePointer.count,
                     &mac, &length)
            }
        }
        guard result != nil, Int(length) == expected else { fatalError("\(CryptoError.openSSL(name))") }
        return Array(mac.prefix(Int(length)))
    }

    /// Bytes from OpenSSL's CSPRNG. A generator that fails stops the process: handing out
    /// predictable tokens would be worse than going down.
    public func randomBytes(_ count: Int) -> [UInt8] {
        Self.random(count)
    }

    /// The same CSPRNG for code in this module that has no `OpenSSLCrypto` at hand (salts, nonces).
    static func random(_ count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        precondition(count <= Int(Int32.max), "random byte count out of range")
        var bytes = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&bytes, Int32(count)) == 1 else {
            fatalError("\(CryptoError.openSSL("RAND_bytes"))")
        }
        return bytes
    }
}
