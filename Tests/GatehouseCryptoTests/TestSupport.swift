import Foundation
@testable import GatehouseCrypto

/// Shared fixtures: RSA generation costs 0.15–0.3 s, so the tests share two keys.
enum TestKeys {
    static let first: RSAKey = try! RSAKey.generate()
    static let second: RSAKey = try! RSAKey.generate()
}

/// Bytes from a hex string written in a spec (spaces allowed).
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace })
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

/// A fresh, empty directory under the system temp directory.
func temporaryDirectory() -> String {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("gatehouse-crypto-tests-\(UUID().uuidString)").path
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
