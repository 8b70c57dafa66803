import GatehouseCore
internal import COpenSSL

/// Public RSA keys from JWK members (RFC 7518 §6.3.1), so keys published by others, and the
/// RFC 7515 test vectors, can be verified with the same code that verifies our own tokens.
extension RSAKey {
    /// A verify-only key from a JWK's base64url `n` and `e`.
    public convenience init(jwkN n: String, e: String) throws {
        let operation = "building an RSA public key from a JWK"
        guard let modulus = Base64URL.decode(n), let exponent = Base64URL.decode(e),
              !modulus.isEmpty, !exponent.isEmpty
        else { throw CryptoError(operation: operation, reason: "n or e is not base64url") }

        let pkey = try Self.publicKey(modulus: modulus, exponent: exponent, operation: operation)
        try self.init(taking: pkey, hasPrivateKey: false)
    }

    /// `EVP_PKEY_fromdata` with an `OSSL_PARAM_BLD` holding n and e (the OpenSSL 3 way;
    /// `RSA_set0_key` is deprecated). The builder and the params it makes keep pointers to
    /// the parameter names, not copies, so the names stay alive until `EVP_PKEY_fromdata` returns.
    private static func publicKey(modulus: [UInt8], exponent: [UInt8], operation: String) throws -> OpaquePointer {
        guard let nNumber = BN_bin2bn(modulus, Int32(modulus.count), nil) else { throw CryptoError.openSSL(operation) }
        defer { BN_free(nNumber) }
        guard let eNumber = BN_bin2bn(exponent, Int32(exponent.count), nil) else { throw CryptoError.openSSL(operation) }
        defer { BN_free(eNumber) }
        return try OSSL_PKEY_PARAM_RSA_N.withCString { nName in
            try OSSL_PKEY_PARAM_RSA_E.withCString { eName in
                guard let builder = OSSL_PARAM_BLD_new() else { throw CryptoError.openSSL(operation) }
                defer { OSSL_PARAM_BLD_free(builder) }
                guard OSSL_PARAM_BLD_push_BN(builder, nName, nNumber) == 1,
                      OSSL_PARAM_BLD_push_BN(builder, eName, eNumber) == 1,
                      let params = OSSL_PARAM_BLD_to_param(builder)
                else { throw CryptoError.openSSL(operation) }
                defer { OSSL_PARAM_free(params) }

                guard let context = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else { throw CryptoError.openSSL(operation) }
                defer { EVP_PKEY_CTX_free(context) }
                // EVP_PKEY_PUBLIC_KEY is a compound macro Swift does not import; spell it out.
                let publicKeySelection = OSSL_KEYMGMT_SELECT_DOMAIN_PARAMETERS | OSSL_KEYMGMT_SELECT_OTHER_PARAMETERS
                    | OSSL_KEYMGMT_SELECT_PUBLIC_KEY
                var pkey: OpaquePointer?
                guard EVP_PKEY_fromdata_init(context) == 1,
                      EVP_PKEY_fromdata(context, &pkey, publicKeySelection, params) == 1,
                      let pkey
                else { throw CryptoError.openSSL(operation) }
                return pkey
            }
        }
    }
}

/// RFC 7638 JWK thumbprints: SHA-256 over the required members in lexicographic order with
/// no whitespace, base64url. Used as `kid`, so the same key always gets the same id on every
/// instance without any coordination.
enum JWKThumbprint {
    /// RFC 7638 §3.2: for RSA the members are `e`, `kty`, `n`, in that order. The values are
    /// base64url, so they need no JSON escaping.
    static func rsa(n: String, e: String) -> String {
        let canonical = #"{"e":"\#(e)","kty":"RSA","n":"\#(n)"}"#
        return Base64URL.encode(OpenSSLCrypto().sha256(Array(canonical.utf8)))
    }
}
