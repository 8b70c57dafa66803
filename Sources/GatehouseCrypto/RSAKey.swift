import GatehouseCore
internal import COpenSSL

/// One RSA signing key (an OpenSSL `EVP_PKEY`), with its public JWK members and `kid`
/// computed once when it is made.
///
/// `@unchecked Sendable`: the `EVP_PKEY` is never mutated after init, and OpenSSL 3 allows
/// concurrent sign/verify on one `EVP_PKEY` as long as each operation has its own context:
/// `verifyRS256` makes one per call, `signRS256` takes one of its own (`RS256Contexts`). The
/// pointer never leaves this module.
public final class RSAKey: @unchecked Sendable {
    let pkey: OpaquePointer
    /// Whether the private half is present (a key built from a JWK can only verify).
    public let hasPrivateKey: Bool
    /// Modulus size in bits.
    public let bits: Int
    /// JWK `n`: the modulus, big-endian, no leading zero byte (RFC 7518 §6.3.1.1), base64url.
    public let n: String
    /// JWK `e`: the public exponent, big-endian, base64url.
    public let e: String
    /// The RFC 7638 JWK thumbprint, which is also the key's `kid` and file name.
    public let kid: String
    /// Contexts ready to sign with this key (`signRS256`).
    let signingContexts: RS256Contexts

    /// Takes ownership of `pkey` (freed here if init fails, and in deinit otherwise).
    init(taking pkey: OpaquePointer, hasPrivateKey: Bool) throws {
        let modulus: [UInt8], exponent: [UInt8]
        do {
            guard EVP_PKEY_is_a(pkey, "RSA") == 1 else {
                throw CryptoError(operation: "RSA key", reason: "the key is not an RSA key")
            }
            modulus = try Self.bigNumber(OSSL_PKEY_PARAM_RSA_N, of: pkey)
            exponent = try Self.bigNumber(OSSL_PKEY_PARAM_RSA_E, of: pkey)
        } catch {
            // deinit does not run for a half-initialized object: free here.
            EVP_PKEY_free(pkey)
            throw error
        }
        self.pkey = pkey
        self.hasPrivateKey = hasPrivateKey
        signingContexts = RS256Contexts(pkey: pkey)
        bits = Int(EVP_PKEY_get_bits(pkey))
        n = Base64URL.encode(modulus)
        e = Base64URL.encode(exponent)
        kid = JWKThumbprint.rsa(n: n, e: e)
    }

    deinit { EVP_PKEY_free(pkey) }

    /// A fresh key from OpenSSL's default provider (0.15–0.3 s for 2048 bits: never per request).
    /// `EVP_RSA_gen` is a variadic macro Swift cannot import, hence the explicit context.
    public static func generate(bits: Int = 2048) throws -> RSAKey {
        guard bits >= 2048 else {
            throw CryptoError(operation: "RSA key generation", reason: "RS256 keys must be at least 2048 bits")
        }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else {
            throw CryptoError.openSSL("RSA key generation")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var pkey: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1,
              EVP_PKEY_CTX_set_rsa_keygen_bits(context, Int32(bits)) == 1,
              EVP_PKEY_generate(context, &pkey) == 1,
              let pkey
        else { throw CryptoError.openSSL("RSA key generation") }
        return try RSAKey(taking: pkey, hasPrivateKey: true)
    }

    /// Loads a private key from PEM: PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`).
    /// Encrypted PEM is refused rather than prompting for a passphrase on the terminal.
    public convenience init(privatePEM: String) throws {
        let bytes = Array(privatePEM.utf8)
        let pkey: OpaquePointer? = bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            // A password callback that supplies none: OpenSSL's default would read the terminal.
            return PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil)
        }
        guard let pkey else { throw CryptoError.openSSL("reading a PEM private key") }
        try self.init(taking: pkey, hasPrivateKey: true)
        guard bits >= 2048 else {
            throw CryptoError(operation: "reading a PEM private key", reason: "RSA keys must be at least 2048 bits")
        }
    }

    /// The private key as PKCS#8 PEM (`BEGIN PRIVATE KEY`), unencrypted: the file's mode
    /// (0600) and the mounted secret protect it. Never log the result.
    public func privatePEM() throws -> String {
        guard hasPrivateKey else {
            throw CryptoError(operation: "writing a PEM private key", reason: "this key has no private half")
        }
        guard let bio = BIO_new(BIO_s_mem()) else { throw CryptoError.openSSL("writing a PEM private key") }
        defer { BIO_free(bio) }
        guard PEM_write_bio_PrivateKey(bio, pkey, nil, nil, 0, nil, nil) == 1 else {
            throw CryptoError.openSSL("writing a PEM private key")
        }
        // BIO_get_mem_data is a macro; read the pending bytes instead.
        let pending = Int(BIO_ctrl_pending(bio))
        var buffer = [UInt8](repeating: 0, count: pending)
        let read = buffer.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32(pending)) }
        guard read == pending else { throw CryptoError.openSSL("writing a PEM private key") }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Reads one big-number parameter (n or e) as big-endian bytes without leading zeros.
    private static func bigNumber(_ name: String, of pkey: OpaquePointer) throws -> [UInt8] {
        var number: OpaquePointer?
        guard EVP_PKEY_get_bn_param(pkey, name, &number) == 1, let number else {
            throw CryptoError.openSSL("reading RSA parameter \(name)")
        }
        defer { BN_free(number) }
        // BN_num_bytes is a macro.
        var bytes = [UInt8](repeating: 0, count: (Int(BN_num_bits(number)) + 7) / 8)
        _ = BN_bn2bin(number, &bytes)
        return bytes
    }
}
