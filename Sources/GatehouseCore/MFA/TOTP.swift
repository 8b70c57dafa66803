import Foundation

/// Time-based one-time passwords (RFC 6238) over HOTP (RFC 4226) with HMAC-SHA1, 30-second
/// steps and 6 digits: the parameters every authenticator app understands by default.
///
/// Pure arithmetic over an injected HMAC, so core can check codes while GatehouseCrypto's
/// OpenSSL does the hashing. A code is accepted for the current step and one step either side
/// (RFC 6238 §5.2: clock drift and typing time); the caller remembers the step that matched so
/// the same code cannot be used twice (see `TOTPFactor`).
public struct TOTP: Sendable {
    public static let period: Int64 = 30
    public static let digits = 6
    /// Steps accepted either side of the current one.
    public static let window: Int64 = 1
    /// 160 bits, the HMAC-SHA1 output size (RFC 4226 §4 recommends this length).
    public static let secretLength = 20

    let crypto: any CryptoPrimitives

    public init(crypto: any CryptoPrimitives) {
        self.crypto = crypto
    }

    /// The time step (T in RFC 6238 §4.2) that `date` falls in.
    public static func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / Double(period)).rounded(.down))
    }

    /// HOTP (RFC 4226 §5.3): HMAC-SHA1 of the big-endian counter, dynamically truncated,
    /// as `digits` decimal digits with leading zeros.
    public func code(secret: [UInt8], step: Int64, digits: Int = TOTP.digits) -> String {
        let counter = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: step) >> (56 - 8 * UInt64($0))) }
        let mac = crypto.hmacSHA1(key: secret, message: counter)
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary = (UInt32(mac[offset]) & 0x7f) << 24 | UInt32(mac[offset + 1]) << 16
            | UInt32(mac[offset + 2]) << 8 | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    public func code(secret: [UInt8], at date: Date, digits: Int = TOTP.digits) -> String {
        code(secret: secret, step: Self.step(at: date), digits: digits)
    }

    /// The step within the window whose code equals `typed`, or nil. Every candidate is
    /// computed and compared in constant time, so timing tells nothing about which one matched.
    public func matchingStep(secret: [UInt8], code typed: String, at date: Date) -> Int64? {
        let typed = Self.normalized(typed)
        guard typed.count == Self.digits else { return nil }
        let now = Self.step(at: date)
        var found: Int64?
        for step in (now - Self.window)...(now + Self.window) {
            if ConstantTime.equals(code(secret: secret, step: step), typed) && found == nil { found = step }
        }
        return found
    }

    /// What people type, without the spaces and dashes some apps show inside a code.
    public static func normalized(_ typed: String) -> String {
        String(typed.filter { !$0.isWhitespace && $0 != "-" }.prefix(16))
    }
}
