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
    private static let counters = Mutex<[String: Counter]>([:])

    static func grant(_ grantType: String, outcome: String) {
        counter("gatehouse_token_requests_total", [("grant_type", grantType), ("outcome", outcome)]).increment()
    }

    static func login(_ outcome: String) {
        counter("gatehouse_logins_total", [("outcome", outcome)]).increment()
    }

    private static func counter(_ label: String, _ dimensions: [(String, String)]) -> Counter {
        let key = label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        return counters.withLock { counters in
            if let existing = counters[key] { return existing }
            let made = Counter(label: label, dimensions: dimensions)
            counters[key] = made
            return made
        }
    }
}
