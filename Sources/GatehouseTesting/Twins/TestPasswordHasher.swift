import Foundation
import GatehouseCore

/// `PasswordHasher` without argon2: a salted SHA-256 in a PHC-like string (`$test$salt$digest`),
/// so Core's tests check passwords in microseconds. Hashes of another form (say, a real argon2id
/// one) verify as a mismatch and ask for a rehash, as the real hasher treats foreign parameters.
public struct TestPasswordHasher: PasswordHasher {
    let crypto = TestCrypto()
    /// What `isSaturated` answers (a test of the 503 path sets it).
    public var saturated: Bool

    public init(saturated: Bool = false) {
        self.saturated = saturated
    }

    public func hash(_ password: String) async throws -> String {
        let salt = Base64URL.encode(crypto.randomBytes(12))
        return "$test$" + salt + "$" + digest(salt: salt, password: password)
    }

    public func verify(_ password: String, against encodedHash: String) async throws -> Bool {
        let parts = encodedHash.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].isEmpty, parts[1] == "test" else { return false }
        return digest(salt: String(parts[2]), password: password) == parts[3]
    }

    public func needsRehash(_ encodedHash: String) -> Bool { !encodedHash.hasPrefix("$test$") }

    public func verifyDummy(_ password: String) async throws {
        _ = digest(salt: "dummy", password: password)
    }

    public var isSaturated: Bool { saturated }

    func digest(salt: String, password: String) -> String {
        Base64URL.encode(crypto.sha256(Array((salt + ":" + password).utf8)))
    }
}
