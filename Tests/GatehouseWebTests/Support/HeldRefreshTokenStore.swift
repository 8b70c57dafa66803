import Foundation
import GatehouseCore

/// A point where one request waits until the test lets it go: `arrive()` blocks (after telling
/// `waitUntilReached()`), `open()` releases it and every later arrival passes.
actor HoldPoint {
    private var reached = false
    private var released = false
    private var reachedWaiters: [CheckedContinuation<Void, Never>] = []
    private var heldWaiters: [CheckedContinuation<Void, Never>] = []

    func arrive() async {
        reached = true
        reachedWaiters.forEach { $0.resume() }
        reachedWaiters = []
        guard !released else { return }
        await withCheckedContinuation { heldWaiters.append($0) }
    }

    func waitUntilReached() async {
        guard !reached else { return }
        await withCheckedContinuation { reachedWaiters.append($0) }
    }

    func open() {
        released = true
        heldWaiters.forEach { $0.resume() }
        heldWaiters = []
    }
}

/// The real refresh-token store with `insert` held at a `HoldPoint`: a code exchange then stops
/// after consuming the code and signing its tokens, just before storing its refresh token — the
/// gap in which a second use of the code must still end with that refresh token revoked.
struct HeldRefreshTokenStore: RefreshTokenStore {
    let base: any RefreshTokenStore
    let hold: HoldPoint

    func insert(_ token: RefreshTokenRecord) async throws {
        await hold.arrive()
        try await base.insert(token)
    }

    func rotate(_ request: RefreshRotationRequest) async throws -> RefreshRotation { try await base.rotate(request) }
    func revokeFamily(_ familyID: UUID, at date: Date) async throws { try await base.revokeFamily(familyID, at: date) }
    func find(digest: [UInt8]) async throws -> StoredRefreshToken? { try await base.find(digest: digest) }
    func revokeAll(userID: UUID, clientID: String?, at date: Date) async throws {
        try await base.revokeAll(userID: userID, clientID: clientID, at: date)
    }
    func isFamilyRevoked(_ familyID: UUID) async throws -> Bool { try await base.isFamilyRevoked(familyID) }
}
