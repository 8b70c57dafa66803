/// Proof Key for Code Exchange (RFC 7636). Only S256 is accepted; `plain` is refused
/// (RFC 9700 §2.1.1).
public enum PKCE {
    /// RFC 7636 §4.1: 43–128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~".
    public static func isWellFormed(_ value: String) -> Bool {
        (43...128).contains(value.utf8.count) && value.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                return true
            default:
                return false
            }
        }
    }

    /// `BASE64URL(SHA256(ASCII(code_verifier)))` (RFC 7636 §4.2).
    public static func s256Challenge(for verifier: String, crypto: some CryptoPrimitives) -> String {
        Base64URL.encode(crypto.sha256(verifier))
    }

    /// RFC 7636 §4.6, compared in constant time.
    public static func verify(verifier: String, challenge: String, crypto: some CryptoPrimitives) -> Bool {
        isWellFormed(verifier) && ConstantTime.equals(s256Challenge(for: verifier, crypto: crypto), challenge)
    }
}
