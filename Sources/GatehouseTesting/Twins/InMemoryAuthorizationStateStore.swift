import Foundation
import GatehouseCore

/// `AuthorizationStateStore` in memory, as `RedisAuthorizationStateStore` behaves
/// (`AuthorizationStateStoreConformance`). Keys expire by `clock` as Redis keys do by their TTL;
/// the pending-request budget is kept as the Redis scripts keep it — members `id:size` scored by
/// expiry on the callers' clock, trimmed when a later call's `now` passes them, sizes counting
/// the stored value (`owner "\n" JSON`) plus `bookkeepingBytes` — so the same requests fit.
public actor InMemoryAuthorizationStateStore: AuthorizationStateStore {
    struct Expiring<Value> { var value: Value; var expiresAt: Date }
    enum CodeEntry { case code(AuthorizationCodeRecord), marker(CodeUseMarker) }
    /// A sorted set of `id:size` members scored by expiry (ms), and its byte count.
    struct BudgetSet { var members: [String: Int64] = [:]; var bytes = 0 }

    let clock: any Clock
    /// What one stored request costs beyond its value (`RedisAuthorizationStateStore.bookkeepingBytes`).
    public nonisolated let bookkeepingBytes: Int
    var requests: [String: Expiring<[UInt8]>] = [:]
    var owners: [String: BudgetSet] = [:]
    var all = BudgetSet()
    var codes: [[UInt8]: Expiring<CodeEntry>] = [:]
    var revoked: [String: Date] = [:]

    public init(clock: any Clock, bookkeepingBytes: Int = 600) {
        self.clock = clock
        self.bookkeepingBytes = bookkeepingBytes
    }

    // MARK: - Pending requests

    public func startPending(_ request: PendingAuthorization, id: String, ttl: Duration, owner: String?,
                             limits: PendingAuthorizationLimits, now: Date) async throws -> PendingAdmission {
        let owner = (owner ?? "").filter { $0 != "\n" && $0 != "\r" }
        let perOwner = owner.isEmpty ? 0 : max(0, limits.bytesPerOwner), total = max(0, limits.bytesTotal)
        let value = Array((owner + "\n").utf8) + (try JSONEncoder().encode(request))
        let size = value.count + bookkeepingBytes, member = id + ":" + String(size)
        let nowMS = Self.milliseconds(now), ttlMS = Self.milliseconds(ttl)
        if perOwner > 0 {
            trim(&owners[owner, default: BudgetSet()], now: nowMS)
            if owners[owner, default: BudgetSet()].bytes + size > perOwner {
                let oldest = owners[owner]?.members.values.min()
                return .ownerFull(retryAfter: .milliseconds(max(1, oldest.map { $0 - nowMS } ?? Int64(ttlMS))))
            }
        }
        if total > 0 {
            trim(&all, now: nowMS)
            if all.bytes + size > total { return .storeFull }
            all.members[member] = nowMS + Int64(ttlMS)
            all.bytes += size
        }
        if perOwner > 0 {
            owners[owner, default: BudgetSet()].members[member] = nowMS + Int64(ttlMS)
            owners[owner, default: BudgetSet()].bytes += size
        }
        requests[id] = Expiring(value: value, expiresAt: clock.now.addingTimeInterval(ttl.timeInterval))
        return .stored
    }

    @discardableResult
    public func savePending(_ request: PendingAuthorization, id: String, ttl: Duration) async throws -> Bool {
        guard let old = live(requests[id]) else { return false }
        let owner = Self.owner(of: old.value)
        let value = Array((owner + "\n").utf8) + (try JSONEncoder().encode(request))
        let now = clock.now
        // Redis moves the scores by how much the key's TTL grew (PTTL before, `ttl` after).
        let moved = Int64(Self.milliseconds(ttl)) - max(0, Int64((old.expiresAt.timeIntervalSince(now) * 1000).rounded(.down)))
        let oldMember = id + ":" + String(old.value.count + bookkeepingBytes)
        let newSize = value.count + bookkeepingBytes
        func move(_ set: inout BudgetSet) {
            guard let score = set.members.removeValue(forKey: oldMember) else { return }
            set.members[id + ":" + String(newSize)] = score + moved
            set.bytes += newSize - (old.value.count + bookkeepingBytes)
        }
        move(&all)
        if !owner.isEmpty, owners[owner] != nil { move(&owners[owner]!) }
        requests[id] = Expiring(value: value, expiresAt: now.addingTimeInterval(ttl.timeInterval))
        return true
    }

    public func pending(id: String) async throws -> PendingAuthorization? {
        guard let value = live(requests[id])?.value else { return nil }
        let json = value.firstIndex(of: UInt8(ascii: "\n")).map { value[($0 + 1)...] } ?? value[...]
        return try? JSONDecoder().decode(PendingAuthorization.self, from: Data(json))
    }

    public func deletePending(id: String) async throws {
        guard let value = live(requests[id])?.value else { return }
        let size = value.count + bookkeepingBytes, member = id + ":" + String(size)
        func remove(_ set: inout BudgetSet) {
            if set.members.removeValue(forKey: member) != nil { set.bytes = max(0, set.bytes - size) }
        }
        remove(&all)
        let owner = Self.owner(of: value)
        if !owner.isEmpty, owners[owner] != nil { remove(&owners[owner]!) }
        requests[id] = nil
    }

    /// Drops the members whose expiry `now` has reached, and their bytes.
    func trim(_ set: inout BudgetSet, now: Int64) {
        let expired = set.members.filter { $0.value <= now }
        guard !expired.isEmpty else { return }
        let freed = expired.keys.reduce(0) { $0 + (Int($1.split(separator: ":").last ?? "") ?? 0) }
        for member in expired.keys { set.members[member] = nil }
        set.bytes = max(0, set.bytes - freed)
    }

    static func owner(of value: [UInt8]) -> String {
        value.firstIndex(of: UInt8(ascii: "\n")).map { String(decoding: value[..<$0], as: UTF8.self) } ?? ""
    }

    // MARK: - Codes

    public func saveCode(_ record: AuthorizationCodeRecord, digest: [UInt8], ttl: Duration) async throws {
        codes[digest] = Expiring(value: .code(record), expiresAt: clock.now.addingTimeInterval(Self.seconds(ttl)))
    }

    public func consumeCode(digest: [UInt8], presented: CodeBinding, marker: CodeUseMarker, markerTTL: Duration) async throws -> CodeConsumption {
        guard let entry = live(codes[digest])?.value else { return .notFound }
        let bound: CodeBinding
        switch entry {
        case .code(let record): bound = record.binding
        case .marker(let earlier): bound = earlier.binding
        }
        guard bound.clientID == presented.clientID, bound.redirectURI == presented.redirectURI,
              (bound.codeChallenge ?? "") == (presented.codeChallenge ?? "") else { return .mismatch(bound) }
        switch entry {
        case .code(let record):
            codes[digest] = Expiring(value: .marker(marker), expiresAt: clock.now.addingTimeInterval(Self.seconds(markerTTL)))
            return .fresh(record)
        case .marker(let earlier):
            return .alreadyUsed(earlier)
        }
    }

    // MARK: - Revocations

    public func revokeAccessToken(id: String, until: Date, now: Date) async throws {
        revoke("at:" + id, until: until, now: now)
    }

    public func revokeGrant(id grantID: UUID, until: Date, now: Date) async throws {
        revoke("grant:" + grantID.uuidString.lowercased(), until: until, now: now)
    }

    public func isAccessTokenRevoked(id: String, grantID: UUID?) async throws -> Bool {
        let now = clock.now
        let keys = ["at:" + id] + (grantID.map { ["grant:" + $0.uuidString.lowercased()] } ?? [])
        return keys.contains { (revoked[$0] ?? .distantPast) > now }
    }

    /// Kept for what remains until `until` on the caller's clock (at least a millisecond), as
    /// Redis's `PX` keeps it.
    func revoke(_ key: String, until: Date, now: Date) {
        let remaining = max(1, (until.timeIntervalSince(now) * 1000).rounded(.up)) / 1000
        revoked[key] = clock.now.addingTimeInterval(remaining)
    }

    // MARK: - Time

    func live<Value>(_ entry: Expiring<Value>?) -> Expiring<Value>? {
        guard let entry, entry.expiresAt > clock.now else { return nil }
        return entry
    }

    static func milliseconds(_ duration: Duration) -> Int { max(1, Int((duration.timeInterval * 1000).rounded(.up))) }
    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
    static func seconds(_ duration: Duration) -> TimeInterval { Double(milliseconds(duration)) / 1000 }
}
