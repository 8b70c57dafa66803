import Foundation
import GatehouseCore
import GatehouseCrypto
import Testing

/// The common-password list ships as a data file; what the server reads must be what
/// `scripts/update-common-passwords.sh` recorded.
@Suite("The common-password list file")
struct CommonPasswordsFileTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("the file beside the binary has the SHA-256 recorded in the code and in scripts/common-passwords/README.md")
    func checksum() throws {
        let bytes = try #require(CommonPasswords.fileBytes, "no \(CommonPasswords.fileURL.path)")
        let digest = OpenSSLCrypto().sha256(bytes).map { String(format: "%02x", $0) }.joined()
        #expect(digest == CommonPasswords.sha256)
        let readme = try String(contentsOf: Self.repository.appendingPathComponent("scripts/common-passwords/README.md"), encoding: .utf8)
        #expect(readme.contains("sha256 of the unpacked `common-passwords.txt`: `\(digest)`"))
        #expect(CommonPasswords.count == 19_640)
    }
}
