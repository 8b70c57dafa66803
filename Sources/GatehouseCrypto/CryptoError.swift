internal import COpenSSL

/// A failed cryptographic operation, carrying OpenSSL's own reason when there is one.
///
/// Callers log it; they never show it to end users. It never contains key material or
/// plaintext, only the operation name and the library's error string.
public struct CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What we were doing, e.g. "RSA key generation".
    public let operation: String
    /// Why it failed: OpenSSL's error string, or our own explanation.
    public let reason: String

    public init(operation: String, reason: String) {
        self.operation = operation
        self.reason = reason
    }

    public var description: String { "\(operation) failed: \(reason)" }

    /// Takes the oldest error from this thread's OpenSSL error queue and clears the rest,
    /// so a later operation never reports a stale reason.
    static func openSSL(_ operation: String) -> CryptoError {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else {
            return CryptoError(operation: operation, reason: "no OpenSSL error recorded")
        }
        var buffer = [CChar](repeating: 0, count: 256)
        let reason = buffer.withUnsafeMutableBufferPointer { pointer -> String in
            guard let base = pointer.baseAddress else { return "unknown OpenSSL error" }
            ERR_error_string_n(code, base, pointer.count)
            return String(cString: base)
        }
        return CryptoError(operation: operation, reason: reason)
    }
}
