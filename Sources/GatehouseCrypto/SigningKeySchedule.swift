import Foundation

/// Which published key signs (key rotation with a publish-before-use delay).
///
/// A new key is published in the JWKS at once but signs only once it has been published for
/// `publishDelay`: relying parties cache the JWKS (we say `max-age=300`), and a token signed
/// with a key they have not fetched yet would fail their verification until their cache
/// expires. So the newest key that has waited out the delay signs; when none has (a first
/// key, or keys all younger than the delay) the oldest one signs, since it has been public
/// longest. Every published key verifies, so tokens signed before a rotation stay valid until
/// they expire.
public struct SigningKeySchedule: Sendable {
    /// Newest first, as `KeyDirectory.entries(in:)` returns them.
    public let entries: [KeyDirectory.Entry]
    public let publishDelay: TimeInterval

    public init(entries: [KeyDirectory.Entry], publishDelay: TimeInterval) {
        self.entries = entries
        self.publishDelay = publishDelay
    }

    /// The key that signs at `now`; nil only without keys.
    public func signer(at now: Date) -> KeyDirectory.Entry? {
        entries.first { now.timeIntervalSince($0.publishedAt) >= publishDelay } ?? entries.last
    }

    /// When `entry` starts signing: nil for a key that never will (an older key than the
    /// signer) — or that already does.
    public func signsFrom(_ entry: KeyDirectory.Entry, at now: Date) -> Date? {
        guard let current = signer(at: now), entry.publishedAt > current.publishedAt else { return nil }
        return entry.publishedAt.addingTimeInterval(publishDelay)
    }

    /// The signer at `now` first, then every other published key: what `RS256Signer` takes.
    public func keys(at now: Date) -> [RSAKey] {
        guard let signer = signer(at: now) else { return [] }
        return [signer.key] + entries.filter { $0.key.kid != signer.key.kid }.map(\.key)
    }
}
