/// SplitMix64: the same inputs on every run, so a failing property comparison can be replayed
/// from its seed. For tests that compare a rewrite against a reference on generated inputs.
public struct SeededGenerator: RandomNumberGenerator {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Up to `maxCount` pieces drawn from `atoms`, joined.
    public mutating func text(from atoms: [String], maxCount: Int) -> String {
        (0..<Int.random(in: 0...maxCount, using: &self)).map { _ in atoms.randomElement(using: &self)! }.joined()
    }
}
