import Foundation
import GatehouseCore

/// The self-service account settings (registration, verification, legal links), read from the
/// environment like the rest, each bad value named.
enum AccountConfiguration {
    static func load(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) -> AccountSettings {
        var reader = EnvironmentReader(environment: environment)
        var settings = AccountSettings()
        var problems: [String] = []
        switch reader.string(.registration, default: "open") {
        case "open": settings.registration = .open
        case "invite": settings.registration = .inviteOnly
        case let other: problems.append("GATEHOUSE_REGISTRATION=\(other) must be open or invite")
        }
        settings.requireVerifiedEmail = reader.optionalString(.requireVerifiedEmail) == nil
            ? true : reader.flag(.requireVerifiedEmail)
        settings.serviceName = reader.string(.serviceName, default: settings.serviceName)
        for (name, keyPath): (Setting, WritableKeyPath<AccountSettings, String?>) in [(.termsURL, \.termsURL), (.privacyURL, \.privacyURL)] {
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
