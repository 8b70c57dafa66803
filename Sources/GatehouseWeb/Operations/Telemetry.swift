import Metrics
import Synchronization

/// Domain counters beside Hummingbird's per-route request metrics: what an operator watches
/// for abuse and outages (failed logins, refused grants).
///
/// The counter handles are made once per label set and kept: making one asks the metrics
/// factory (a locked registry lookup and label formatting), which the token endpoint's hot
/// path should not pay per request. Label values come from fixed sets (grant types, OAuth
/// error codes, outcomes), so the cache stays small.
enum Telemetry {
    private struct GrantKey: Hashable, Sendable {
        let grantType: String
        let outcome: String
    }

    private static let grants = Mutex<[GrantKey: Counter]>([:])
    private static let logins = Mutex<[String: Counter]>([:])

    static func grant(_ grantType: String, outcome: String) {
        counter(in: grants, GrantKey(grantType: grantType, outcome: outcome)) {
            Counter(label: "gatehouse_token_requests_total", dimensions: [("grant_type", grantType), ("outcome", outcome)])
        }.increment()
    }

    static func login(_ outcome: String) {
        counter(in: logins, outcome) { Counter(label: "gatehouse_logins_total", dimensions: [("outcome", outcome)]) }.increment()
    }

    /// The handle for `key`, made on first use (outside the lock: the metrics factory locks too):
    /// the key is the label values themselves, so a lookup builds no string.
    private static func counter<Key: Hashable & Sendable>(in cache: borrowing Mutex<[Key: Counter]>, _ key: Key,
                                                          make: () -> Counter) -> Counter {
        if let existing = cache.withLock({ $0[key] }) { return existing }
        let made = make()
        return cache.withLock { counters in
            if let existing = counters[key] { return existing }
            counters[key] = made
            return made
        }
    }
}
