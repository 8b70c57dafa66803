/// The id of a pending authorization request, the `request` parameter the sign-in pages carry
/// from `/authorize` to consent: 32 random bytes in base64url (43 characters), as `/authorize`
/// makes it with `CryptoPrimitives.randomToken()`. Checked before an id is looked up or put into
/// a page, so a crafted `request` never reaches Redis or HTML.
public enum PendingAuthorizationID {
    public static let length = 43

    public static func isWellFormed(_ id: String) -> Bool {
        id.utf8.count == length && id.utf8.allSatisfy(isBase64URL)
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"): return true
        default: return false
        }
    }
}
