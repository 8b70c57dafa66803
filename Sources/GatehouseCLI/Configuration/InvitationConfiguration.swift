import Foundation
import GatehouseCore

/// How long an invitation link works (`GATEHOUSE_INVITE_TTL`, seconds; 7 days by default).
enum InvitationConfiguration {
    /// An hour at least (a link must survive a slow mail), 90 days at most (a forgotten link
    /// should not open an account a season later).
    static let range = 3_600...7_776_000

    static func lifetime(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) -> Duration {
        var reader = EnvironmentReader(environment: environment)
        let seconds = reader.integer(.inviteTTL, default: Int(Invitations.defaultLifetime.components.seconds), in: range)
        guard reader.problems.isEmpty else { throw ConfigurationError(problems: reader.problems) }
        return .seconds(seconds)
    }
}
