import Foundation

/// One-time recovery codes for when the authenticator is lost: made in a batch (10 by default),
/// shown once, stored only as digests, each consumed atomically.
///
/// Codes are 12 characters (`xxxx-xxxx-xxxx`) from a 31-letter alphabet without look-alikes
/// (no 0/o, 1/l/i): about 59 bits each. That is why a plain SHA-256 is the right digest here,
/// as for client secrets: online guessing is capped by the attempt limit long before 2^59, and
/// offline a fast hash of a 59-bit random value (salted with the user id, so one table does
/// not serve every account) still takes GPU-years per account. A slow hash would add little
/// and would cost an argon2 run per stored code on every attempt, where a digest lookup lets
/// the database consume the one matching row atomically.
public struct RecoveryCodes: Sendable {
    let store: any RecoveryCodeStore
    let crypto: any CryptoPrimitives
    let settings: MFASettings
    let clock: any Clock

    public init(store: any RecoveryCodeStore, crypto: any CryptoPrimitives, settings: MFASettings, clock: any Clock) {
        self.store = store
        self.crypto = crypto
        self.settings = settings
        self.clock = clock
    }

    static let alphabet = Array("23456789abcdefghjkmnpqrstuvwxyz")
    static let length = 12

    /// A fresh batch, replacing every earlier code; the only time the codes exist in clear.
    public func regenerate(userID: UUID) async throws -> [String] {
        let codes = (0..<settings.recoveryCodeCount).map { _ in makeCode() }
        try await store.replace(userID: userID, digests: codes.map { digest(userID: userID, code: Self.normalized($0) ?? $0) },
                                at: clock.now)
        return codes
    }

    /// Uses up a typed code; false when it is malformed, unknown or already used.
    public func consume(userID: UUID, typed: String) async throws -> Bool {
        guard let code = Self.normalized(typed) else { return false }
        return try await store.consume(userID: userID, digest: digest(userID: userID, code: code), at: clock.now)
    }

    public func remaining(userID: UUID) async throws -> Int {
        try await store.remaining(userID: userID)
    }

    /// `abcd-efgh-jkmn`: random letters, uniform over the alphabet (rejection sampling).
    func makeCode() -> String {
        var letters: [Character] = []
        while letters.count < Self.length {
            for byte in crypto.randomBytes(16) where byte < 248 && letters.count < Self.length {
                letters.append(Self.alphabet[Int(byte) % Self.alphabet.count])
            }
        }
        return stride(from: 0, to: Self.length, by: 4).map { String(letters[$0..<$0 + 4]) }.joined(separator: "-")
    }

    /// The code without dashes, spaces or case; nil unless it has the right length and letters.
    public static func normalized(_ typed: String) -> String? {
        let code = typed.lowercased().filter { !$0.isWhitespace && $0 != "-" }
        guard code.count == length, code.allSatisfy(alphabet.contains) else { return nil }
        return code
    }

    func digest(userID: UUID, code: String) -> [UInt8] {
        crypto.sha256("recovery:\(userID.uuidString.lowercased()):\(code)")
    }
}
