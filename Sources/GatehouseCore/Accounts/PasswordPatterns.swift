/// Passwords that are long only in appearance: one character or a short pattern repeated
/// ("aaaaaaaaaaaa", "abcabcabcabc") or a run of consecutive digits or letters, either way and
/// wrapping around ("123456789012", "zyxwvutsrqpo"). NIST SP 800-63B §5.1.1.2 lists
/// "repetitive or sequential characters" among what verifiers refuse. Kept deliberately small:
/// the common-password list catches keyboard walks and the like.
enum PasswordPatterns {
    /// Longest repeated unit recognised ("abcd" in "abcdabcdabcd").
    static let longestUnit = 4

    /// `password` must already be normalized and lower-cased.
    static func isPredictable(_ password: String) -> Bool {
        let scalars = Array(password.unicodeScalars)
        guard scalars.count >= 3 else { return false }
        return isRepeatedUnit(scalars) || isRun(scalars)
    }

    static func isRepeatedUnit(_ scalars: [Unicode.Scalar]) -> Bool {
        (1...min(longestUnit, scalars.count / 2)).contains { unit in
            scalars.indices.allSatisfy { scalars[$0] == scalars[$0 % unit] }
        }
    }

    /// Every step +1 (or every step −1) within 0–9 or a–z, wrapping around.
    static func isRun(_ scalars: [Unicode.Scalar]) -> Bool {
        guard let alphabet = alphabet(of: scalars) else { return false }
        let positions = scalars.map { Int($0.value - alphabet.first) }
        let steps = Set(zip(positions, positions.dropFirst()).map { ($1 - $0 + alphabet.size) % alphabet.size })
        return steps == [1] || steps == [alphabet.size - 1]
    }

    private static func alphabet(of scalars: [Unicode.Scalar]) -> (first: UInt32, size: Int)? {
        if scalars.allSatisfy({ ("0"..."9").contains($0) }) { return (first: 0x30, size: 10) }
        if scalars.allSatisfy({ ("a"..."z").contains($0) }) { return (first: 0x61, size: 26) }
        return nil
    }
}
