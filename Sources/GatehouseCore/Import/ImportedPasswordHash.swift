/// A password hash brought from another provider, checked before it is stored: bcrypt
/// (`$2a$`, `$2b$`, `$2y$`) or argon2 (`$argon2id$`, `$argon2i$`) in their usual encodings.
///
/// Such a hash is verified as it is at sign-in and then rehashed to Gatehouse's own argon2id
/// (`PasswordLogin`). Its cost is capped here, at import, and again by the hasher before every
/// verification (`ImportedPasswordHash.parse` is the one reading of both), so a planted or
/// absurd hash cannot make a sign-in spend seconds or gigabytes.
public struct ImportedPasswordHash: Sendable, Equatable {
    public enum Algorithm: Sendable, Equatable {
        /// bcrypt with its cost (log2 of the rounds).
        case bcrypt(cost: Int)
        /// argon2i or argon2id with memory in KiB, passes and lanes.
        case argon2(variant: Argon2Variant, memoryKiB: Int, iterations: Int, parallelism: Int)
    }

    public enum Argon2Variant: String, Sendable, Equatable {
        case argon2i, argon2id
    }

    /// Why a hash cannot be imported; `text` is the fixed sentence a per-row result shows.
    public enum Rejection: Error, Sendable, Equatable {
        case unknownFormat
        case malformed
        case tooCostly

        public var text: String {
            switch self {
            case .unknownFormat: "password_hash is not a bcrypt ($2a$, $2b$, $2y$) or argon2 ($argon2id$, $argon2i$) hash"
            case .malformed: "password_hash is not a complete bcrypt or argon2 hash"
            case .tooCostly:
                "password_hash costs more than Gatehouse verifies (bcrypt cost at most \(ImportedPasswordHash.maxBcryptCost); argon2 m at most \(ImportedPasswordHash.maxArgon2MemoryKiB) KiB, t at most \(ImportedPasswordHash.maxArgon2Iterations), p at most \(ImportedPasswordHash.maxArgon2Parallelism))"
            }
        }
    }

    /// bcrypt cost 14 is ~1 s on one core here; 12 (a common default) ~250 ms.
    public static let maxBcryptCost = 14
    /// 64 MiB, 10 passes, 8 lanes: above every common default (OWASP, RFC 9106's second choice
    /// m=64 MiB t=3 p=4, libsodium's moderate), far below what would starve the hashing pool.
    public static let maxArgon2MemoryKiB = 65_536
    public static let maxArgon2Iterations = 10
    public static let maxArgon2Parallelism = 8

    public var encoded: String
    public var algorithm: Algorithm

    /// The hash as given, or why it cannot be imported.
    public static func parse(_ encoded: String) -> Result<ImportedPasswordHash, Rejection> {
        if encoded.hasPrefix("$2a$") || encoded.hasPrefix("$2b$") || encoded.hasPrefix("$2y$") {
            return parseBcrypt(encoded)
        }
        if encoded.hasPrefix("$argon2id$") { return parseArgon2(encoded, variant: .argon2id) }
        if encoded.hasPrefix("$argon2i$") { return parseArgon2(encoded, variant: .argon2i) }
        return .failure(.unknownFormat)
    }

    /// `$2b$NN$` + 22 characters of salt + 31 of hash, in bcrypt's base64 alphabet.
    static func parseBcrypt(_ encoded: String) -> Result<ImportedPasswordHash, Rejection> {
        let bytes = Array(encoded.utf8)
        guard bytes.count == 60, bytes[6] == UInt8(ascii: "$"),
              let cost = Int(String(decoding: bytes[4..<6], as: UTF8.self)), bytes[4...5].allSatisfy(isDigit),
              bytes[7...].allSatisfy(isBcryptBase64)
        else { return .failure(.malformed) }
        guard (4...31).contains(cost) else { return .failure(.malformed) }
        guard cost <= maxBcryptCost else { return .failure(.tooCostly) }
        return .success(ImportedPasswordHash(encoded: encoded, algorithm: .bcrypt(cost: cost)))
    }

    /// `$argon2i$v=19$m=…,t=…,p=…$<salt>$<hash>` (the version field may be absent: v=16).
    static func parseArgon2(_ encoded: String, variant: Argon2Variant) -> Result<ImportedPasswordHash, Rejection> {
        var fields = encoded.split(separator: "$", omittingEmptySubsequences: false).dropFirst(2)
        if fields.first?.hasPrefix("v=") == true {
            guard let version = fields.first.flatMap({ Int($0.dropFirst(2)) }), version == 16 || version == 19 else {
                return .failure(.malformed)
            }
            fields = fields.dropFirst()
        }
        guard fields.count == 3 else { return .failure(.malformed) }
        var values: [Substring: Int] = [:]
        for pair in fields[fields.startIndex].split(separator: ",", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2, values[parts[0]] == nil, parts[1].utf8.allSatisfy(isDigit), parts[1].utf8.count <= 9,
                  let value = Int(parts[1])
            else { return .failure(.malformed) }
            values[parts[0]] = value
        }
        let salt = fields[fields.startIndex + 1], tag = fields[fields.startIndex + 2]
        guard values.count == 3, let m = values["m"], let t = values["t"], let p = values["p"],
              salt.utf8.count >= 11, tag.utf8.count >= 6, salt.utf8.allSatisfy(isBase64), tag.utf8.allSatisfy(isBase64),
              p >= 1, t >= 1, m >= 8 * p
        else { return .failure(.malformed) }
        guard m <= maxArgon2MemoryKiB, t <= maxArgon2Iterations, p <= maxArgon2Parallelism else { return .failure(.tooCostly) }
        return .success(ImportedPasswordHash(encoded: encoded,
                                             algorithm: .argon2(variant: variant, memoryKiB: m, iterations: t, parallelism: p)))
    }

    static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }

    static func isBcryptBase64(_ byte: UInt8) -> Bool { isLetterOrDigit(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/") }

    static func isBase64(_ byte: UInt8) -> Bool { isLetterOrDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/") }
}
