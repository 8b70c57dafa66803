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
    func revokeAll(userID: UUID, clientID: String?, at date: Date) async throws -> [UUID] {
        try await base.revokeAll(userID: userID, clientID: clientID, at: date)
    }
    func isFamilyRevoked(_ familyID: UUID) async throws -> Bool { try await base.isFamilyRevoked(familyID) }
}

/// The real short-lived state store, counting the calls it answers: how many Redis round trips
/// a request made through it (each method of `RedisAuthorizationStateStore` is one command).
final class CountingStateStore: AuthorizationStateStore, @unchecked Sendable {
    let base: any AuthorizationStateStore
    private let lock = NSLock()
    private var counted = 0

    init(base: any AuthorizationStateStore) { self.base = base }

    var calls: Int { lock.withLock { counted } }
    private func count() { lock.withLock { counted += 1 } }

    func startPending(_ request: PendingAuthorization, id: String, ttl: Duration, owner: String?,
                      limits: PendingAuthorizationLimits, now: Date) async throws -> PendingAdmission {
        count()
        return try await base.startPending(request, id: id, ttl: ttl, owner: owner, limits: limits, now: now)
    }
    func savePending(_ request: PendingAuthorization, id: String, ttl: Duration) async throws -> Bool {
        count()
        return try await base.savePending(request, id: id, ttl: ttl)
    }
    func pending(id: String) async throws -> PendingAuthorization? {
        count()
        return try await base.pending(id: id)
    }
    func deletePending(id: String) async throws {
        count()
        try await base.deletePending(id: id)
    }
    func saveCode(_ record: AuthorizationCodeRecord, digest: [UInt8], ttl: Duration) async throws {
        count()
        try await base.saveCode(record, digest: digest, ttl: ttl)
    }
    func consumeCode(digest: [UInt8], presented: CodeBinding, marker: CodeUseMarker, markerTTL: Duration) async throws
        -> CodeConsumption {
        count()
        return try await base.consumeCode(digest: digest, presented: presented, marker: marker, markerTTL: markerTTL)
    }
    func revokeAccessToken(id: String, until: Date, now: Date) async throws {
        count()
        try await base.revokeAccessToken(id: id, until: until, now: now)
    }
    func revokeGrant(id grantID: UUID, until: Date, now: Date) async throws {
        count()
        try await base.revokeGrant(id: grantID, until: until, now: now)
    }
    func isAccessTokenRevoked(id: String, grantID: UUID?) async throws -> Bool {
        count()
        return try await base.isAccessTokenRevoked(id: id, grantID: grantID)
    }
}

/// The real membership store, counting the calls it answers by method: how many queries of it a
/// request made (each method of `PostgresMembershipStore` is one statement).
final class CountingMembershipStore: MembershipStore, @unchecked Sendable {
    let base: any MembershipStore
    private let lock = NSLock()
    private var counted: [String: Int] = [:]

    init(base: any MembershipStore) { self.base = base }

    /// Calls so far, by method name.
    var calls: [String: Int] { lock.withLock { counted } }
    func reset() { lock.withLock { counted = [:] } }
    private func count(_ method: String = #function) { lock.withLock { counted[String(method.prefix { $0 != "(" }), default: 0] += 1 } }

    func platformRole(userID: UUID) async throws -> Role? { count(); return try await base.platformRole(userID: userID) }
    func setPlatformRole(_ role: Role?, userID: UUID, at: Date, by: UUID?) async throws {
        count(); try await base.setPlatformRole(role, userID: userID, at: at, by: by)
    }
    func count(platformRole: Role) async throws -> Int { count(); return try await base.count(platformRole: platformRole) }
    func setPlatformRoleKeepingASuperAdmin(_ role: Role?, userID: UUID, at: Date, by: UUID?) async throws -> Bool {
        count(); return try await base.setPlatformRoleKeepingASuperAdmin(role, userID: userID, at: at, by: by)
    }
    func createFirstSuperAdmin(_ account: User, at: Date) async throws -> FirstSuperAdmin {
        count(); return try await base.createFirstSuperAdmin(account, at: at)
    }
    func memberships(userID: UUID) async throws -> [Membership] { count(); return try await base.memberships(userID: userID) }
    func membership(organizationID: UUID, userID: UUID) async throws -> Membership? {
        count(); return try await base.membership(organizationID: organizationID, userID: userID)
    }
    func save(_ membership: Membership, at: Date, by: UUID?) async throws { count(); try await base.save(membership, at: at, by: by) }
    func remove(organizationID: UUID, userID: UUID) async throws -> Bool {
        count(); return try await base.remove(organizationID: organizationID, userID: userID)
    }
    func members(organizationID: UUID, after: MembershipCursor?, limit: Int) async throws -> [MemberListing] {
        count(); return try await base.members(organizationID: organizationID, after: after, limit: limit)
    }
    func administrators(organizationIDs: [UUID], limit: Int) async throws -> [UUID: [MemberListing]] {
        count(); return try await base.administrators(organizationIDs: organizationIDs, limit: limit)
    }
    func count(organizationID: UUID, role: Role) async throws -> Int {
        count(); return try await base.count(organizationID: organizationID, role: role)
    }
    func organizations(userID: UUID, matching search: String?, limit: Int) async throws -> [Organization] {
        count(); return try await base.organizations(userID: userID, matching: search, limit: limit)
    }
    func claims(userID: UUID, organizationID: UUID?) async throws -> MemberClaims {
        count(); return try await base.claims(userID: userID, organizationID: organizationID)
    }
}
