/// The cost of an argon2id hash (RFC 9106 §3.1). Encoded hashes carry their own parameters,
/// so changing these only affects new hashes; old ones are rehashed at the next login.
public struct Argon2Parameters: Sendable, Equatable, CustomStringConvertible {
    /// Memory in KiB (`m`).
    public var memoryKiB: Int
    /// Passes over memory (`t`).
    public var iterations: Int
    /// Lanes (`p`).
    public var parallelism: Int

    public init(memoryKiB: Int, iterations: Int, parallelism: Int) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }

    /// OWASP's first recommended argon2id setting: 19 MiB, 2 passes, 1 lane (~35 ms here).
    public static let owasp = Argon2Parameters(memoryKiB: 19456, iterations: 2, parallelism: 1)

    public var description: String { "m=\(memoryKiB),t=\(iterations),p=\(parallelism)" }

    /// Why these parameters cannot be used, or nil when libargon2 accepts them
    /// (RFC 9106 §3.1: p ≥ 1, m ≥ 8·p, t ≥ 1), within the bounds we are willing to run.
    var problem: String? {
        if parallelism < 1 || parallelism > Self.limits.parallelism { return "parallelism must be 1...\(Self.limits.parallelism)" }
        if iterations < 1 || iterations > Self.limits.iterations { return "iterations must be 1...\(Self.limits.iterations)" }
        if memoryKiB < 8 * parallelism || memoryKiB > Self.limits.memoryKiB {
            return "memory must be \(8 * parallelism)...\(Self.limits.memoryKiB) KiB"
        }
        return nil
    }

    /// The most we will spend on one hash, also applied to hashes read from the database so a
    /// corrupted or planted row cannot make a login allocate gigabytes or spin for minutes.
    static let limits = Argon2Parameters(memoryKiB: 1 << 21, iterations: 64, parallelism: 64)
}

/// The parts of a PHC-format argon2 hash: `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`
/// (salt and hash in unpadded standard base64).
struct EncodedArgon2Hash: Equatable {
    var variant: String
    var version: Int
    var parameters: Argon2Parameters
    var saltLength: Int
    var hashLength: Int

    /// Parses the string without trusting it; nil for anything that is not a complete hash.
    init?(_ encoded: String) {
        guard !encoded.utf8.contains(0) else { return nil }
        let fields = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0].isEmpty,
              fields[2].hasPrefix("v="), let version = Int(fields[2].dropFirst(2))
        else { return nil }
        var values: [Substring: Int] = [:]
        for pair in fields[3].split(separator: ",", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2, values[parts[0]] == nil, let value = Int(parts[1]) else { return nil }
            values[parts[0]] = value
        }
        guard values.count == 3, let m = values["m"], let t = values["t"], let p = values["p"],
              let saltLength = Self.decodedLength(fields[4]), let hashLength = Self.decodedLength(fields[5])
        else { return nil }
        self.variant = String(fields[1])
        self.version = version
        self.parameters = Argon2Parameters(memoryKiB: m, iterations: t, parallelism: p)
        self.saltLength = saltLength
        self.hashLength = hashLength
    }

    /// The byte length of unpadded base64 text, or nil if it is empty or not base64.
    private static func decodedLength(_ text: Substring) -> Int? {
        let isBase64 = text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"): true
            default: false
            }
        }
        guard isBase64, !text.isEmpty, text.utf8.count % 4 != 1 else { return nil }
        return text.utf8.count * 3 / 4
    }
}
