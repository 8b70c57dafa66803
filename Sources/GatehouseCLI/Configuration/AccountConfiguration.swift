import Foundation
import GatehouseCore

/// The self-service account settings (registration, verification, legal links), read from the
/// environment like the rest, each bad value named.
enum AccountConfiguration {
    static func load(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) -> AccountSettings {
        var reader = EnvironmentReader(environment: environment)
        var settings = AccountSettings()
        var problems: [String] = []
        switch reader.string("GATEHOUSE_REGISTRATION", default: "open") {
        case "open": settings.registration = .open
        case "invite": settings.registration = .inviteOnly
        case let other: problems.append("GATEHOUSE_REGISTRATION=\(other) must be open or invite")
        }
        settings.requireVerifiedEmail = reader.optionalString("GATEHOUSE_REQUIRE_VERIFIED_EMAIL") == nil
            ? true : reader.flag("GATEHOUSE_REQUIRE_VERIFIED_EMAIL")
        settings.serviceName = reader.string("GATEHOUSE_SERVICE_NAME", default: settings.serviceName)
        for (name, keyPath) in [("GATEHOUSE_TERMS_URL", \AccountSettings.termsURL), ("GATEHOUSE_PRIVACY_URL", \AccountSettings.privacyURL)] {
            guard let url = reader.optionalString(name) else { continue }
            if let components = URLComponents(string: url), ["https", "http"].contains(components.scheme ?? ""), components.host != nil {
                settings[keyPath: keyPath] = url
            } else {
                problems.append("\(name)=\(url) must be an absolute http(s) URL")
            }
        }
        if settings.privacyURL != nil && settings.termsURL == nil {
            problems.append("GATEHOUSE_PRIVACY_URL needs GATEHOUSE_TERMS_URL too (users accept both at registration)")
        }
        problems = reader.problems + problems
        guard problems.isEmpty else { throw ConfigurationError(problems: problems) }
        return settings
    }
}
