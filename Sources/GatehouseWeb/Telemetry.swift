import Metrics

/// Domain counters beside Hummingbird's per-route request metrics: what an operator watches
/// for abuse and outages (failed logins, refused grants).
enum Telemetry {
    static func grant(_ grantType: String, outcome: String) {
        Counter(label: "gatehouse_token_requests_total", dimensions: [("grant_type", grantType), ("outcome", outcome)]).increment()
    }

    static func login(_ outcome: String) {
        Counter(label: "gatehouse_logins_total", dimensions: [("outcome", outcome)]).increment()
    }
}
