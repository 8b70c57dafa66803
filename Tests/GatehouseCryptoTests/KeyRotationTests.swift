import Foundation
import GatehouseCore
import GatehouseCrypto
import Testing

/// Key rotation with a publish-before-use delay: a new key is in the JWKS at once, signs only
/// after the delay, and every published key keeps verifying.
@Suite struct KeyRotationTests {
    let hour: TimeInterval = 3600

    /// Sets when a key file was "published" (its modification time).
    func backdate(_ kid: String, in directory: String, to date: Date) throws {
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: "\(directory)/\(kid).pem")
    }

    func header(_ token: String) throws -> [String: String] {
        let part = try #require(token.split(separator: ".").first)
        return try JSONDecoder().decode([String: String].self, from: Data(try #require(Base64URL.decode(part))))
    }

    func publishedKIDs(_ signer: RotatingSigner) throws -> Set<String> {
        let jwks = try #require(try JSONSerialization.jsonObject(with: Data(signer.jwksJSON())) as? [String: [[String: String]]])
        return Set(try #require(jwks["keys"]).compactMap { $0["kid"] })
    }

    @Test func aFirstKeySignsAtOnce() throws {
        let directory = temporaryDirectory() + "/keys"
        let key = try KeyDirectory.generate(in: directory)
        let signer = try RotatingSigner(directory: directory, publishDelay: hour, now: Date())
        #expect(signer.signingKeyID == key.kid)
        #expect(try header(try signer.sign(payload: Array("{}".utf8), type: "JWT"))["kid"] == key.kid)
    }

    @Test func aNewKeyIsPublishedAtOnceAndSignsAfterTheDelay() throws {
        let directory = temporaryDirectory() + "/keys"
        let now = Date()
        let old = try KeyDirectory.generate(in: directory)
        try backdate(old.kid, in: directory, to: now.addingTimeInterval(-30 * 24 * hour))
        let signer = try RotatingSigner(directory: directory, publishDelay: hour, now: now)
        let before = try signer.sign(payload: Array("{}".utf8), type: "JWT")

        let new = try KeyDirectory.generate(in: directory)
        // Published exactly at `now`: key generation under load can take seconds.
        try backdate(new.kid, in: directory, to: now)
        #expect(try signer.reload(now: now) == old.kid, "the published set changed, the signer did not")
        #expect(signer.signingKeyID == old.kid)
        #expect(try publishedKIDs(signer) == [old.kid, new.kid], "relying parties can fetch the new key before it is used")
        #expect(try signer.reload(now: now.addingTimeInterval(hour - 60)) == nil, "nothing changes before the delay")

        #expect(try signer.reload(now: now.addingTimeInterval(hour + 1)) == new.kid)
        let after = try signer.sign(payload: Array("{}".utf8), type: "JWT")
        #expect(try header(after)["kid"] == new.kid)
        #expect(throws: Never.self) { try signer.verify(before) }
        #expect(throws: Never.self) { try signer.verify(after) }
    }

    @Test func aRetiredKeyStopsVerifyingAndTheSignerCannotBeRetired() throws {
        let directory = temporaryDirectory() + "/keys"
        let now = Date()
        let old = try KeyDirectory.generate(in: directory)
        try backdate(old.kid, in: directory, to: now.addingTimeInterval(-3 * hour))
        let signer = try RotatingSigner(directory: directory, publishDelay: hour, now: now)
        let oldToken = try signer.sign(payload: Array("{}".utf8), type: "JWT")
        let new = try KeyDirectory.generate(in: directory)
        try backdate(new.kid, in: directory, to: now.addingTimeInterval(-2 * hour))

        #expect(throws: KeyDirectoryError.self) {
            try KeyDirectory.retire(kid: new.kid, in: directory, now: now, publishDelay: hour)
        }
        #expect(throws: KeyDirectoryError.self) {
            try KeyDirectory.retire(kid: "no-such-kid", in: directory, now: now, publishDelay: hour)
        }
        try KeyDirectory.retire(kid: old.kid, in: directory, now: now, publishDelay: hour)
        #expect(try signer.reload(now: now) == new.kid)
        #expect(try publishedKIDs(signer) == [new.kid])
        #expect(throws: TokenVerificationError.unknownKey) { try signer.verify(oldToken) }
    }

    @Test func withEveryKeyYoungerThanTheDelayTheOldestSigns() throws {
        let directory = temporaryDirectory() + "/keys"
        let now = Date()
        let first = try KeyDirectory.generate(in: directory)
        try backdate(first.kid, in: directory, to: now.addingTimeInterval(-60))
        _ = try KeyDirectory.generate(in: directory)
        let schedule = SigningKeySchedule(entries: try KeyDirectory.entries(in: directory), publishDelay: hour)
        #expect(schedule.signer(at: now)?.key.kid == first.kid)
        let newest = try #require(schedule.entries.first)
        #expect(schedule.signsFrom(newest, at: now) == newest.publishedAt.addingTimeInterval(hour))
    }

    @Test func anEmptiedDirectoryKeepsTheCurrentSigner() throws {
        let directory = temporaryDirectory() + "/keys"
        let key = try KeyDirectory.generate(in: directory)
        let signer = try RotatingSigner(directory: directory, publishDelay: hour, now: Date())
        try FileManager.default.removeItem(atPath: "\(directory)/\(key.kid).pem")
        #expect(throws: (any Error).self) { try signer.reload(now: Date()) }
        #expect(signer.signingKeyID == key.kid)
    }
}
