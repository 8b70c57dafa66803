/// Digests, MACs and randomness that core logic needs (PKCE, `at_hash`, token digests).
/// Implemented over OpenSSL in GatehouseCrypto.
public protocol CryptoPrimitives: Sendable {
    func sha256(_ bytes: [UInt8]) -> [UInt8]
    func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8]
    /// HMAC-SHA1 (RFC 2104), only for TOTP (RFC 6238), whose authenticator apps expect SHA-1.
    /// HMAC-SHA1 is still a sound PRF; SHA-1's collision attacks do not carry over to it.
    func hmacSHA1(key: [UInt8], message: [UInt8]) -> [UInt8]
    /// Bytes from a CSPRNG. Never fails silently: a broken generator stops the process.
    func randomBytes(_ count: Int) -> [UInt8]
}

extension CryptoPrimitives {
    public func sha256(_ text: String) -> [UInt8] { sha256(Array(text.utf8)) }

    /// A fresh random token of `byteCount` bytes, base64url-encoded (256 bits by default).
    public func randomToken(byteCount: Int = 32) -> String {
        Base64URL.encode(randomBytes(byteCount))
    }

    /// The digest under which an opaque secret (code, refresh token, session id) is stored.
    public func tokenDigest(_ token: String) -> [UInt8] { sha256(token) }
}
