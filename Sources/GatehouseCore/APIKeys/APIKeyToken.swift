/// The text of an API key, as its owner sees it once: `ghpat_`, 43 base62 characters of
/// randomness (62^43 ≈ 2^256: at least 256 bits), then 6 base62 characters of a CRC-32 of
/// everything before them, 55 characters in all:
///
///     ghpat_3kTq…(43)…Zr 0a1B2c
///
/// The prefix lets secret scanners (GitHub's, gitleaks, trufflehog) recognise a leaked key; the
/// checksum, as in GitHub's own token format, lets a scanner — and Gatehouse itself, before any
/// database read — tell a real-looking key from a typo or a random string offline. The checksum
/// is no secret and no MAC: it proves nothing about who made the key.
public enum APIKeyToken {
    public static let prefix = "ghpat_"
    public static let randomLength = 43
    public static let checksumLength = 6
    public static let length = prefix.utf8.count + randomLength + checksumLength

    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// A new key from `crypto`'s CSPRNG. Each character is uniform over the 62: bytes of 248 and
    /// above are thrown away (248 = 4 × 62), so the remainder carries no bias.
    public static func generate(_ crypto: any CryptoPrimitives) -> String {
        var random: [UInt8] = []
        random.reserveCapacity(randomLength)
        while random.count < randomLength {
            for byte in crypto.randomBytes(randomLength) where byte < 248 && random.count < randomLength {
                random.append(alphabet[Int(byte % 62)])
            }
        }
        let body = prefix + String(decoding: random, as: UTF8.self)
        return body + checksum(of: body)
    }

    /// Whether `text` has the shape of a key (prefix, length, alphabet) and its checksum holds.
    /// Anything else is refused without a database read.
    public static func isWellFormed(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == length, text.hasPrefix(prefix),
              bytes.dropFirst(prefix.utf8.count).allSatisfy(isAlphanumeric) else { return false }
        let body = String(decoding: bytes.prefix(length - checksumLength), as: UTF8.self)
        return String(decoding: bytes.suffix(checksumLength), as: UTF8.self) == checksum(of: body)
    }

    /// Whether a presented bearer token claims to be an API key (it may still be malformed).
    public static func looksLikeKey(_ text: String) -> Bool { text.hasPrefix(prefix) }

    /// The CRC-32 (IEEE) of `body` in 6 base62 digits, most significant first (62^6 > 2^32).
    static func checksum(of body: String) -> String {
        var value = UInt64(crc32(Array(body.utf8)))
        var digits = [UInt8](repeating: alphabet[0], count: checksumLength)
        for index in stride(from: checksumLength - 1, through: 0, by: -1) {
            digits[index] = alphabet[Int(value % 62)]
            value /= 62
        }
        return String(decoding: digits, as: UTF8.self)
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
    }

    /// CRC-32 as zlib computes it (polynomial 0xEDB88320 reflected, initial and final XOR all ones).
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 0 ? 0 : 0xEDB8_8320) }
        }
        return ~crc
    }
}
