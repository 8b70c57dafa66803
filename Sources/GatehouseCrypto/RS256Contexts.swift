internal import COpenSSL
import Synchronization

/// The RS256 signing contexts of one key, each made ready once (`EVP_PKEY_sign_init`, PKCS#1
/// v1.5 padding, SHA-256 as the digest named in the signature): OpenSSL 3 fetches the algorithm
/// implementations anew on every `EVP_DigestSignInit`, a cost on every token beside the RSA
/// operation itself. A context signs one digest at a time, so a signature takes one from here (or
/// makes one) and gives it back: at most as many exist as signatures ever ran at once.
///
/// `@unchecked Sendable`: the contexts are only reached under the lock or by the one caller that
/// took one out; each holds its own reference to the key.
final class RS256Contexts: @unchecked Sendable {
    private let pkey: OpaquePointer
    private let idle = Mutex<[Context]>([])

    /// One `EVP_PKEY_CTX`, handed from the caller that used it to the next through the lock.
    private struct Context: @unchecked Sendable {
        let pointer: OpaquePointer
    }
    /// The signature's length in bytes (the modulus's).
    private let length: Int

    init(pkey: OpaquePointer) {
        self.pkey = pkey
        length = Int(EVP_PKEY_get_size(pkey))
    }

    deinit {
        for context in idle.withLock({ $0 }) { EVP_PKEY_CTX_free(context.pointer) }
    }

    /// The PKCS#1 v1.5 signature of a SHA-256 `digest`.
    func sign(digest: [UInt8]) throws -> [UInt8] {
        let operation = "RS256 signing"
        let context = try idle.withLock { $0.popLast() }?.pointer ?? Self.make(pkey)
        var signature = [UInt8](repeating: 0, count: length)
        var written = length
        let ok = digest.withUnsafeBufferPointer { input in
            EVP_PKEY_sign(context, &signature, &written, input.baseAddress, input.count) == 1
        }
        guard ok, written == length else {
            // A context that failed is not reused.
            EVP_PKEY_CTX_free(context)
            throw CryptoError.openSSL(operation)
        }
        let done = Context(pointer: context)
        idle.withLock { $0.append(done) }
        return signature
    }

    private static func make(_ pkey: OpaquePointer) throws -> OpaquePointer {
        guard let context = EVP_PKEY_CTX_new_from_pkey(nil, pkey, nil) else { throw CryptoError.openSSL("RS256 signing") }
        guard EVP_PKEY_sign_init(context) == 1,
              EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) == 1,
              EVP_PKEY_CTX_set_signature_md(context, OpenSSLCrypto.sha256MD) == 1
        else {
            EVP_PKEY_CTX_free(context)
            throw CryptoError.openSSL("RS256 signing")
        }
        return context
    }
}
