import Dispatch
import Foundation
@testable import GatehouseCrypto
import NIOConcurrencyHelpers
import Testing

@Suite struct KeyDirectoryTests {
    func permissions(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    func pemFiles(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".pem") }.sorted()
    }

    func setModified(_ path: String, secondsAgo: TimeInterval) throws {
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -secondsAgo)], ofItemAtPath: path)
    }

    @Test("generate writes <kid>.pem with mode 0600 in a new 0700 directory, and load returns it")
    func generateAndLoad() throws {
        let directory = temporaryDirectory() + "/keys"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let key = try KeyDirectory.generate(in: directory)
        #expect(try pemFiles(directory) == ["\(key.kid).pem"])
        #expect(try permissions(directory + "/\(key.kid).pem") == 0o600)
        #expect(try permissions(directory) == 0o700)
        let loaded = try KeyDirectory.load(from: directory)
        #expect(loaded.map(\.kid) == [key.kid])
        #expect(loaded[0].hasPrivateKey)
    }

    @Test("a missing or empty directory holds no keys")
    func emptyDirectory() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try KeyDirectory.load(from: directory).isEmpty)
        #expect(try KeyDirectory.load(from: directory + "/missing").isEmpty)
    }

    @Test("a .pem that does not parse is an error naming the file")
    func unreadableKey() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "not a key".write(toFile: directory + "/broken.pem", atomically: true, encoding: .utf8)
        let error = try #require(throws: KeyDirectoryError.self) { try KeyDirectory.load(from: directory) }
        #expect(error.description.contains("broken.pem"))
    }

    @Test("ensureKey creates a key only when there is none")
    func ensureKeyOnce() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let created = try KeyDirectory.ensureKey(in: directory)
        #expect(created != nil)
        #expect(try KeyDirectory.ensureKey(in: directory) == nil)
        #expect(try pemFiles(directory).count == 1)
    }

    @Test("two ensureKey calls racing under the file lock create one key")
    func ensureKeyRace() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let created = NIOLockedValueBox(0)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            if (try? KeyDirectory.ensureKey(in: directory)) != nil { created.withLockedValue { $0 += 1 } }
        }
        #expect(created.withLockedValue { $0 } == 1)
        #expect(try pemFiles(directory).count == 1)
    }

    @Test("after a second generate the newest key comes first and signs")
    func newestSigns() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let old = try KeyDirectory.generate(in: directory)
        // Back-date the first key so the test does not depend on the file system's timestamp resolution.
        try setModified(directory + "/\(old.kid).pem", secondsAgo: 3600)
        let new = try KeyDirectory.generate(in: directory)
        let loaded = try KeyDirectory.load(from: directory)
        #expect(loaded.map(\.kid) == [new.kid, old.kid])
        let signer = try RS256Signer(keys: loaded)
        let token = try signer.sign(payload: Array("{}".utf8), type: "JWT")
        #expect(try signer.verify(token).header["kid"] == new.kid)
    }

    @Test("equal modification times are broken by the greater file name")
    func tieBreak() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try TestKeys.first.privatePEM().write(toFile: directory + "/a.pem", atomically: false, encoding: .utf8)
        try TestKeys.second.privatePEM().write(toFile: directory + "/b.pem", atomically: false, encoding: .utf8)
        let sameTime = Date(timeIntervalSince1970: 1_700_000_000)
        for name in ["a.pem", "b.pem"] {
            try FileManager.default.setAttributes([.modificationDate: sameTime], ofItemAtPath: directory + "/" + name)
        }
        #expect(try KeyDirectory.load(from: directory).map(\.kid) == [TestKeys.second.kid, TestKeys.first.kid])
    }
}
