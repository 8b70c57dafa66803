/// The key-URI an authenticator app reads from the QR code (Google Authenticator's
/// `otpauth://` format, which every app follows):
/// `otpauth://totp/Issuer:account?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30`.
public enum OTPAuthURI {
    public static func totp(secret: [UInt8], issuer: String, account: String) -> String {
        let label = component(issuer) + ":" + component(account)
        return "otpauth://totp/\(label)?" + [
            "secret=" + Base32.encode(secret),
            "issuer=" + component(issuer),
            "algorithm=SHA1",
            "digits=\(TOTP.digits)",
            "period=\(TOTP.period)",
        ].joined(separator: "&")
    }

    /// Percent-encoding for a label part or query value: everything but unreserved characters
    /// (RFC 3986 §2.3), so a colon or `&` in a name cannot change the URI's structure.
    static func component(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                output.append(Character(UnicodeScalar(byte)))
            default:
                output += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return output
    }
}
