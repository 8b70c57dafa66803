import Foundation

/// Remembers, in this process, which per-IP keys were refused and until when, so a flood from an
/// address over its limit is answered without a Redis round trip per request.
///
/// Safe to keep per instance: a per-IP refusal holds until its window ends whatever any instance
/// does (windows are fixed and nothing clears a per-IP key; a right password in flight may give
/// back one failure, which this instance then does not offer until the window ends), so the
/// memory repeats the answer the shared counter gave. Account keys are never remembered here: a
/// password reset lifts those. Bounded: beyond `capacity` live entries it forgets everything and
/// asks Redis again.
public final class RefusalMemory: @unchecked Sendable {
    private let lock = NSLock()
    private var refusals: [String: Date] = [:]
    private let capacity: Int

    public init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// When the refusal of `key` ends, if one is remembered and still in force at `now`.
    func refusedUntil(_ key: String, now: Date) -> Date? {
        lock.withLock {
            guard let until = refusals[key] else { return nil }
            if until > now { return until }
            refusals[key] = nil
            return nil
        }
    }

    func remember(_ key: String, until: Date, now: Date) {
        lock.withLock {
            if refusals.count >= capacity {
                refusals = refusals.filter { $0.value > now }
                if refusals.count >= capacity { refusals.removeAll(keepingCapacity: true) }
            }
            refusals[key] = until
        }
    }
}
