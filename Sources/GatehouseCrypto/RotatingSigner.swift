public import Foundation
public import GatehouseCore
import NIOPosix
import Synchronization

/// The signer `gatehouse serve` uses: an `RS256Signer` over the key directory, rebuilt by
/// `reload()` so that a key added with `gatehouse keys generate` is published without a
/// restart and starts signing when `SigningKeySchedule` says so, on every instance alike.
public final class RotatingSigner: TokenSigner, TokenVerifier, Sendable {
    public let directory: String
    public let publishDelay: TimeInterval
    private let current: Mutex<RS256Signer>

    /// Loads the directory; refuses one without keys.
    public init(directory: String, publishDelay: TimeInterval, now: Date) throws {
        self.directory = directory
        self.publishDelay = publishDelay
        current = Mutex(try Self.signer(directory: directory, publishDelay: publishDelay, now: now))
    }

    /// Re-reads the directory and re-applies the schedule at `now`. Returns the signing key id
    /// when the signer or the published set changed, nil when nothing did. On an error (an
    /// unreadable file, an emptied directory) the current signer stays and the error is thrown
    /// for the caller to log. Blocking file I/O: call it off the event loops.
    @discardableResult
    public func reload(now: Date) throws -> String? {
        let next = try Self.signer(directory: directory, publishDelay: publishDelay, now: now)
        return current.withLock { signer in
            guard signer.keyIDs != next.keyIDs else { return nil }
            signer = next
            return next.signingKey.kid
        }
    }

    /// `reload(now:)` on NIO's shared blocking-I/O pool, off the event loops and Swift's
    /// cooperative pool.
    public func reloadOffLoop(now: Date) async throws -> String? {
        try await NIOThreadPool.singleton.runIfActive { try self.reload(now: now) }
    }

    public var signingKeyID: String { snapshot.signingKey.kid }
    public var keyIDs: [String] { snapshot.keyIDs }

    public func sign(payload: [UInt8], type: String) throws -> String {
        try snapshot.sign(payload: payload, type: type)
    }

    /// The current set's bytes, read under the lock without copying the whole signer: the JWKS
    /// route asks on every request (`ChangingAnswer`).
    public func jwksJSON() -> [UInt8] { current.withLock { $0.jwksJSON() } }

    public func verify(_ compact: String) throws(TokenVerificationError) -> VerifiedJWS {
        try snapshot.verify(compact)
    }

    /// A copy taken under the lock; signing happens outside it.
    private var snapshot: RS256Signer { current.withLock { $0 } }

    private static func signer(directory: String, publishDelay: TimeInterval, now: Date) throws -> RS256Signer {
        let schedule = SigningKeySchedule(entries: try KeyDirectory.entries(in: directory), publishDelay: publishDelay)
        return try RS256Signer(keys: schedule.keys(at: now))
    }
}
