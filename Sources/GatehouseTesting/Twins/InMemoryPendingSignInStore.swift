import Foundation
import GatehouseCore

/// `PendingSignInStore` in memory, as `RedisPendingSignInStore` behaves
/// (`SignInStatesConformance`): states under a digest, gone once `clock` passes their TTL.
public actor InMemoryPendingSignInStore: PendingSignInStore {
    let clock: any Clock
    var states: [[UInt8]: (signIn: PendingSignIn, expiresAt: Date)] = [:]

    public init(clock: any Clock) {
        self.clock = clock
    }

    public func save(_ signIn: PendingSignIn, digest: [UInt8], ttl: Duration) async throws {
        states[digest] = (signIn, clock.now.addingTimeInterval(InMemoryAuthorizationStateStore.seconds(ttl)))
    }

    public func find(digest: [UInt8]) async throws -> PendingSignIn? {
        guard let state = states[digest], state.expiresAt > clock.now else { return nil }
        return state.signIn
    }

    public func delete(digest: [UInt8]) async throws {
        states[digest] = nil
    }
}
