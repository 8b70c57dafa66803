internal import COpenSSL

/// AES-256-GCM (NIST SP 800-38D) for secrets at rest, such as TOTP seeds: the database holds
/// `nonce(12) || ciphertext || tag(16)`, and the associated data binds a ciphertext to its
/// row (e.g. the user id) so it cannot be copied onto another one.
public enum AESGCM {
    public static let keyLength = 32
    public static let nonceLength = 12
    public static let tagLength = 16

    /// Encrypts with a fresh random 96-bit nonce. Nonces are random, so one key should seal
    /// well under 2^32 messages (SP 800-38D §8.3).
    public static func seal(key: [UInt8], plaintext: [UInt8], associatedData: [UInt8] = []) throws -> [UInt8] {
        try checkKey(key, "AES-GCM seal")
        let nonce = OpenSSLCrypto.random(nonceLength)
        let (ciphertext, tag) = try crypt(encrypt: true, key: key, nonce: nonce, input: plaintext,
                                          associatedData: associatedData, tag: [])
        return nonce + ciphertext + tag
    }

    /// Decrypts `sealed`; any change to it, the key or the associated data throws.
    public static func open(key: [UInt8], sealed: [UInt8], associatedData: [UInt8] = []) throws -> [UInt8] {
        try checkKey(key, "AES-GCM open")
        guard sealed.count >= nonceLength + tagLength else {
            throw CryptoError(operation: "AES-GCM open", reason: "sealed box too short")
        }
        let nonce = Array(sealed.prefix(nonceLength))
        let ciphertext = Array(sealed.dropFirst(nonceLength).dropLast(tagLength))
        let tag = Array(sealed.suffix(tagLength))
        return try crypt(encrypt: false, key: key, nonce: nonce, input: ciphertext,
                         associatedData: associatedData, tag: tag).output
    }

    private static func checkKey(_ key: [UInt8], _ operation: String) throws {
        guard key.count == keyLength else {
            throw CryptoError(operation: operation, reason: "the key must be \(keyLength) bytes")
        }
    }

    /// One EVP pass. Encrypting returns the tag it computed; decrypting checks `tag` in Final.
    private static func crypt(encrypt: Bool, key: [UInt8], nonce: [UInt8], input: [UInt8],
                              associatedData: [UInt8], tag: [UInt8]) throws -> (output: [UInt8], tag: [UInt8]) {
        let operation = encrypt ? "AES-GCM seal" : "AES-GCM open"
        guard input.count < Int(Int32.max) - 32, associatedData.count < Int(Int32.max) else {
            throw CryptoError(operation: operation, reason: "input too long")
        }
        guard let context = EVP_CIPHER_CTX_new() else { throw CryptoError.openSSL(operation) }
        defer { EVP_CIPHER_CTX_free(context) }
        let mode: Int32 = encrypt ? 1 : 0
        guard EVP_CipherInit_ex(context, EVP_aes_256_gcm(), nil, nil, nil, mode) == 1,
              EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(nonceLength), nil) == 1,
              EVP_CipherInit_ex(context, nil, nil, key, nonce, mode) == 1
        else { throw CryptoError.openSSL(operation) }

        var length: Int32 = 0
        // Associated data goes in with a NULL output buffer.
        if !associatedData.isEmpty {
            guard EVP_CipherUpdate(context, nil, &length, associatedData, Int32(associatedData.count)) == 1 else {
                throw CryptoError.openSSL(operation)
            }
        }
        var output = [UInt8](repeating: 0, count: input.count + 16)
        var produced = 0
        if !input.isEmpty {
            guard EVP_CipherUpdate(context, &output, &length, input, Int32(input.count)) == 1 else {
                throw CryptoError.openSSL(operation)
            }
            produced = Int(length)
        }
        if !encrypt {
            var expected = tag
            guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(tagLength), &expected) == 1 else {
                throw CryptoError.openSSL(operation)
            }
        }
        // GCM's Final writes no bytes, but it is where a decryption learns whether the tag matched.
        var finalLength: Int32 = 0
        let finished = output.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return 0 }
            return EVP_CipherFinal_ex(context, base + produced, &finalLength)
        }
        guard finished == 1 else {
            guard encrypt else {
                ERR_clear_error()
                throw CryptoError(operation: operation, reason: "authentication failed: ciphertext, key or associated data do not match")
            }
            throw CryptoError.openSSL(operation)
        }
        produced += Int(finalLength)
        var computedTag = [UInt8](repeating: 0, count: tagLength)
        if encrypt {
            guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(tagLength), &computedTag) == 1 else {
                throw CryptoError.openSSL(operation)
            }
        }
        return (Array(output.prefix(produced)), encrypt ? computedTag : [])
    }
}
