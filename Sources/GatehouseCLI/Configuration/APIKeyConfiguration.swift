import Foundation
import GatehouseCore

/// The longest life a personal access token may be given (`GATEHOUSE_API_KEY_MAX_DAYS`; a year
/// by default).
enum APIKeyConfiguration {
    /// A day at least; ten years at most (a key that never expires is a key nobody rotates).
    static let range = 1...APIKeys.largestMaximumLifetimeDays

    static func maximumDays(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) -> Int {
        var reader = EnvironmentReader(environment: environment)
        let days = reader.integer(.apiKeyMaxDays, default: APIKeys.defaultMaximumLifetimeDays, in: range)
        guard reader.problems.isEmpty else { throw ConfigurationError(problems: reader.problems) }
        return days
    }
}
