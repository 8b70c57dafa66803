import Foundation
import GatehouseWeb

/// The HTTP server's settings (`GATEHOUSE_HTTP_*` timeouts, `GATEHOUSE_METRICS_*` access), read
/// from the environment like the rest, each bad value named.
enum HTTPServerConfiguration {
    struct Loaded: Sendable {
        var timeouts = HTTPServerTimeouts()
        var metricsAccess = MetricsAccess()
    }

    /// The shortest metrics token accepted: 128 bits of hex.
    static let minimumTokenLength = 32

    static func load(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) -> Loaded {
        var reader = EnvironmentReader(environment: environment)
        var loaded = Loaded()
        var problems: [String] = []
        loaded.timeouts.idle = .seconds(reader.integer(.httpIdleTimeout, default: 30, in: 1...3600))
        loaded.timeouts.body = .seconds(reader.integer(.httpBodyTimeout, default: 30, in: 1...3600))

        if let text = reader.optionalString(.metricsAllow) {
            loaded.metricsAccess.allowedNetworks = []
            if text.lowercased() != "none" {
                for entry in text.split(separator: ",") {
                    let item = entry.trimmingCharacters(in: .whitespaces)
                    guard !item.isEmpty else { continue }
                    if let network = IPNetwork(item) {
                        loaded.metricsAccess.allowedNetworks.append(network)
                    } else {
                        problems.append("GATEHOUSE_METRICS_ALLOW: \(item) is not an IP address or CIDR block (e.g. 127.0.0.1/32, 10.0.0.0/8, ::1), or say none")
                    }
                }
            }
        }
        if let token = reader.optionalString(.metricsToken) {
            if token.count < minimumTokenLength || !token.allSatisfy({ $0.asciiValue.map { (0x21...0x7e).contains($0) } ?? false }) {
                problems.append("GATEHOUSE_METRICS_TOKEN must be at least \(minimumTokenLength) printable ASCII characters without spaces (e.g. from `openssl rand -hex 32`)")
            } else {
                loaded.metricsAccess.token = token
            }
        }
        problems = reader.problems + problems
        guard problems.isEmpty else { throw ConfigurationError(problems: problems) }
        return loaded
    }
}
