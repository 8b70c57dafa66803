import Foundation
import GatehouseCore

/// `CryptoPrimitives` in plain Swift, so Core's tests need no OpenSSL: SHA-256 (FIPS 180-4),
/// SHA-1 and HMAC (RFC 2104) written out, checked against the standards' vectors and against
/// `OpenSSLCrypto` (GatehouseCryptoTests). Slow next to OpenSSL and not constant-time: for tests.
///
/// Randomness comes from the system generator, or from a seed for a replayable run.
public struct TestCrypto: CryptoPrimitives {
    private let random: RandomSource

    public init() { random = RandomSource(seed: nil) }

    /// Random bytes drawn from `SeededGenerator(seed:)`: the same on every run.
    public init(seed: UInt64) { random = RandomSource(seed: seed) }

    public func sha256(_ bytes: [UInt8]) -> [UInt8] { SHA256.hash(bytes) }

    public func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        HMAC.mac(key: key, message: message, blockSize: 64, hash: SHA256.hash)
    }

    public func hmacSHA1(key: [UInt8], message: [UInt8]) -> [UInt8] {
        HMAC.mac(key: key, message: message, blockSize: 64, hash: SHA1.hash)
    }

    public func randomBytes(_ count: Int) -> [UInt8] { random.bytes(count) }
}

/// Where `TestCrypto` draws bytes: one generator shared by its copies.
private final class RandomSource: @unchecked Sendable {
    private let lock = NSLock()
    private var seeded: SeededGenerator?

    init(seed: UInt64?) { seeded = seed.map(SeededGenerator.init(seed:)) }

    func bytes(_ count: Int) -> [UInt8] {
        lock.withLock {
            if seeded != nil { return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &seeded!) } }
            var system = SystemRandomNumberGenerator()
            return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &system) }
        }
    }
}

enum HMAC {
    static func mac(key: [UInt8], message: [UInt8], blockSize: Int, hash: ([UInt8]) -> [UInt8]) -> [UInt8] {
        var block = key.count > blockSize ? hash(key) : key
        block += [UInt8](repeating: 0, count: blockSize - block.count)
        let inner = hash(block.map { $0 ^ 0x36 } + message)
        return hash(block.map { $0 ^ 0x5c } + inner)
    }
}

/// The message padded as SHA-1 and SHA-256 both pad it (FIPS 180-4 §5.1.1), in 64-byte blocks.
private func paddedBlocks(_ message: [UInt8]) -> [UInt8] {
    var padded = message + [0x80]
    while padded.count % 64 != 56 { padded.append(0) }
    let bits = UInt64(message.count) &* 8
    for shift in stride(from: 56, through: 0, by: -8) { padded.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
    return padded
}

private func bigEndianWords(_ block: ArraySlice<UInt8>) -> [UInt32] {
    stride(from: block.startIndex, to: block.endIndex, by: 4).map { i in
        UInt32(block[i]) << 24 | UInt32(block[i + 1]) << 16 | UInt32(block[i + 2]) << 8 | UInt32(block[i + 3])
    }
}

private func bytes(_ words: [UInt32]) -> [UInt8] {
    words.flatMap { word in [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: word >> UInt32($0)) } }
}

private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { x >> n | x << (32 - n) }

enum SHA256 {
    static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    static func hash(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
        let padded = paddedBlocks(message)
        for start in stride(from: 0, to: padded.count, by: 64) {
            var w = bigEndianWords(padded[start..<start + 64])
            for t in 16..<64 {
                let s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
                let s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
                w.append(w[t - 16] &+ s0 &+ w[t - 7] &+ s1)
            }
            var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
            for t in 0..<64 {
                let t1 = hh &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ ((e & f) ^ (~e & g)) &+ k[t] &+ w[t]
                let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
                (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
            }
            for (i, value) in [a, b, c, d, e, f, g, hh].enumerated() { h[i] = h[i] &+ value }
        }
        return bytes(h)
    }
}

enum SHA1 {
    static func hash(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0]
        let padded = paddedBlocks(message)
        for start in stride(from: 0, to: padded.count, by: 64) {
            var w = bigEndianWords(padded[start..<start + 64])
            for t in 16..<80 { w.append(rotr(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 31)) }
            var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
            for t in 0..<80 {
                let (f, k): (UInt32, UInt32) = switch t {
                case 0..<20: ((b & c) | (~b & d), 0x5A827999)
                case 20..<40: (b ^ c ^ d, 0x6ED9EBA1)
                case 40..<60: ((b & c) | (b & d) | (c & d), 0x8F1BBCDC)
                default: (b ^ c ^ d, 0xCA62C1D6)
                }
                let temp = rotr(a, 27) &+ f &+ e &+ k &+ w[t]
                (e, d, c, b, a) = (d, c, rotr(b, 2), a, temp)
            }
            for (i, value) in [a, b, c, d, e].enumerated() { h[i] = h[i] &+ value }
        }
        return bytes(h)
    }
}
